"""One vocabulary of column roles (conf/roles.yaml), old names kept working, and `inspect` proposing the mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.lab import cli, config, roles


def test_every_notebook_role_parameter_comes_from_the_vocabulary() -> None:
    vocabulary = roles.roles()
    same = set(roles._conf().get("same_role") or {})
    outside = {name: [p for p in config.notebook_defaults(spec.path) if p.endswith("_col")
                      and p not in vocabulary and p not in same]
               for name, spec in config.load_runs().items()}
    assert {k: v for k, v in outside.items() if v} == {}, "add the role to conf/roles.yaml (or use one listed)"
    assert all(r.meaning and r.kind for r in vocabulary.values())


def test_an_old_parameter_name_keeps_working_with_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "roles.yaml").write_text("roles: {}\naliases:\n  demo: {user_col: customer_col}\n")
    monkeypatch.setenv("CIL_ROOT", str(tmp_path))
    got = config.validate("demo", {"customer_col": "customer_id"}, {"user_col": "CustomerID"}, "the command line")
    assert got == {"customer_col": "CustomerID"}
    assert "parameter 'user_col' is now called 'customer_col'" in capsys.readouterr().err
    with pytest.raises(config.ParameterError, match="unknown parameter 'item_col'"):
        config.validate("demo", {"customer_col": "customer_id"}, {"item_col": "x"}, "the command line")


def test_inspect_reads_the_file_and_proposes_the_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tickets.csv"
    rows = "".join(f"C{i % 7};{10 + i};2024-01-{1 + i % 28:02d} 10:00;{(i % 5) * 2.5};{'Yes' if i % 3 else 'No'}\n"
                   for i in range(60))
    path.write_text("CustomerID;ProductSKU;InvoiceDate;Amount;Churned\n" + rows, encoding="utf-8")
    assert cli.main(["inspect", str(path), "03_recommendations"]) == 0
    out = capsys.readouterr().out
    assert "60 rows, 5 columns" in out and "sep ';'" in out  # read as the loader reads it
    assert "-p 'user_col=CustomerID'" in out and "-p 'item_col=ProductSKU'" in out
    assert "-p 'time_col=InvoiceDate'" in out and "run 03_recommendations" in out
    assert cli.main(["inspect", str(path), "04_churn_prediction"]) == 0
    assert "-p 'label_col=Churned'" in capsys.readouterr().out
    assert cli.main(["inspect", str(tmp_path / "missing.csv")]) == 2
