"""One vocabulary of column roles (conf/roles.yaml), old names kept working, one set of reading parameters, and
`inspect` proposing the mapping (also in the error of a run that stops on a missing role)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import nbbuild_helper as nbh
from experiments.data import inputs, paths
from experiments.lab import cli, config, roles

NOTEBOOKS = config.load_runs()
DEFAULTS = {name: config.notebook_defaults(spec.path) for name, spec in NOTEBOOKS.items()}


def test_every_notebook_role_parameter_comes_from_the_vocabulary() -> None:
    vocabulary = roles.roles()
    outside = {name: [p for p in defaults if (p.endswith("_col") or p.endswith("_cols")) and p not in vocabulary]
               for name, defaults in DEFAULTS.items()}
    assert {k: v for k, v in outside.items() if v} == {}, "add the role to conf/roles.yaml (or use one listed)"
    assert all(r.meaning and r.kind for r in vocabulary.values())
    used = {p for defaults in DEFAULTS.values() for p in defaults}
    assert sorted(set(vocabulary) - used) == [], "a role no notebook uses"


def test_each_alias_names_a_dropped_parameter_and_its_new_name() -> None:
    table = roles._conf().get("aliases") or {}
    assert set(table) <= set(NOTEBOOKS)
    for notebook, pairs in table.items():
        for old, new in pairs.items():
            assert old not in DEFAULTS[notebook] and new in DEFAULTS[notebook], (notebook, old, new)
            assert old not in roles.roles(), f"{old} is an alias now: drop it from the vocabulary"
    # the renames of issue 19: one name per role in every notebook
    assert roles.aliases("03_recommendations") == {"user_col": "customer_col"}
    assert roles.aliases("04_churn_prediction") == {"id_col": "customer_col"}
    assert roles.aliases("05_feedback_topics_sentiment") == {"id_col": "text_id_col"}
    assert roles.aliases("07_service_operations") == {"opened_col": "time_col"}
    assert roles.aliases("01_data_cleaning") == roles.aliases("02_customer_segmentation") == {"date_col": "time_col"}


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


@pytest.mark.parametrize("notebook,old,new", [(nb, old, new) for nb in NOTEBOOKS
                                              for old, new in roles.aliases(nb).items()])
def test_the_old_name_gives_the_run_of_the_new_name(notebook: str, old: str, new: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    spec = NOTEBOOKS[notebook]
    # before the renames the new name was unknown (user_col, id_col, date_col, opened_col were the parameters)
    by_new = config.effective_parameters(spec, None, [(None, new, "who")])
    capsys.readouterr()
    config.check_cli_targets([spec], [(None, old, "who")])  # a plain -p old=... is not "no notebook has it"
    by_old = config.effective_parameters(spec, None, [(None, old, "who")])
    assert by_old == by_new and by_old[new] == "who" and old not in by_old
    assert capsys.readouterr().err.count(f"parameter {old!r} is now called {new!r}") == 1
    # and in a profile of conf/params (a user's own conf)
    conf = tmp_path / "conf"
    shutil.copytree(paths.conf_dir(), conf)
    own = config.load_yaml(conf / "params" / f"{notebook}.yaml")
    own["profiles"] = (own.get("profiles") or {}) | {"old": {old: "who"}, "new": {new: "who"}}
    (conf / "params" / f"{notebook}.yaml").write_text(yaml.safe_dump(own), encoding="utf-8")
    assert config.effective_parameters(spec, "old", conf_dir=conf) == config.effective_parameters(spec, "new",
                                                                                                 conf_dir=conf)
    assert f"parameter {old!r} is now called {new!r}" in capsys.readouterr().err


def test_every_notebook_reading_a_file_or_time_has_the_same_reading_parameters() -> None:
    reading = roles.reading()
    assert set(reading) == {"input_encoding", "input_sheet", "input_sep", "input_header", "date_order", "date_format"}
    for name, defaults in DEFAULTS.items():
        for kind, marker in (("file", "input_path"), ("time", "date_order")):
            wanted = {p: r["default"] for p, r in reading.items() if r["for"] == kind}
            if marker in defaults:
                assert {p: defaults.get(p, "<missing>") for p in wanted} == wanted, (name, kind)
            else:
                assert not set(wanted) & set(defaults), (name, kind)
    reads_files = sorted(n for n, d in DEFAULTS.items() if "input_path" in d)
    assert reads_files == ["01_data_cleaning", "02_customer_segmentation", "03_recommendations", "04_churn_prediction",
                           "05_feedback_topics_sentiment", "06_ad_ab_analysis", "07_service_operations",
                           "09_next_best_action"]


def test_reading_parameters_are_checked_before_a_run() -> None:
    spec = NOTEBOOKS["02_customer_segmentation"]
    with pytest.raises(config.ParameterError, match="input_header.*must be one of"):
        config.effective_parameters(spec, None, [(None, "input_header", "maybe")])
    with pytest.raises(config.ParameterError, match="input_sep.*must be one of"):
        config.effective_parameters(spec, None, [(None, "input_sep", "::")])
    # -p input_header=false arrives as JSON false: taken as the text false, as typed
    assert config.effective_parameters(spec, None, [(None, "input_header", False)])["input_header"] == "false"
    assert inputs.header_flag("false") is False and inputs.header_flag("") is None
    assert inputs.separator("\\t") == "\t" and inputs.separator("") is None


def test_inspect_reads_the_file_and_proposes_the_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tickets.csv"
    rows = "".join(f"C{i % 7};{10 + i};2024-01-{1 + i % 28:02d} 10:00;{(i % 5) * 2.5};{'Yes' if i % 3 else 'No'}\n"
                   for i in range(60))
    path.write_text("CustomerID;ProductSKU;InvoiceDate;Amount;Churned\n" + rows, encoding="utf-8")
    assert cli.main(["inspect", str(path), "03_recommendations"]) == 0
    out = capsys.readouterr().out
    assert "60 rows, 5 columns" in out and "sep ';'" in out  # read as the loader reads it
    assert "-p 'customer_col=CustomerID'" in out and "-p 'item_col=ProductSKU'" in out
    assert "-p 'time_col=InvoiceDate'" in out and "run 03_recommendations" in out
    assert cli.main(["inspect", str(path), "04_churn_prediction"]) == 0
    assert "-p 'label_col=Churned'" in capsys.readouterr().out
    assert cli.main(["inspect", str(tmp_path / "missing.csv")]) == 2


def test_inspect_proposes_the_one_time_column_of_a_file_without_header(tmp_path: Path) -> None:
    path = tmp_path / "u.data"  # MovieLens-style: user, item, rating, epoch seconds; tab-separated, no header
    path.write_text("".join(f"{1 + i % 9}\t{100 + i % 13}\t{1 + i % 5}\t{881250949 + 3600 * i}\n" for i in range(80)))
    chosen, undecided = roles.propose(roles.read_like_the_loader(str(path), {}), "03_recommendations")
    assert chosen == {"time_col": "3"} and "customer_col" in undecided  # before: nothing proposed


def test_a_run_stopping_on_a_missing_role_shows_the_proposed_mapping(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    pd.DataFrame({"CustomerID": [f"c{i}" for i in range(40)], "Tenure": range(40),
                  "Churn": ["Yes", "No"] * 20}).to_csv(path, index=False)
    params = config.notebook_parameters("04_churn_prediction", None, {"input_path": str(path), "label_col": "Churn"})
    assert params["customer_col"] == ""  # not given; its default customer_id is not a column of the file
    with pytest.raises(inputs.DataInputError) as err:
        inputs.load_input(str(path), {"id": params["customer_col"], "label": "Churn"}, names={"id": "customer_col"})
    assert "parameter customer_col is empty (not given, or its default column is not in the file)" in str(err.value)
    error = f"cell 4: DataInputError: {err.value}"  # as the runner has it from papermill
    hint = roles.missing_role_hint("04_churn_prediction", params, error)
    assert f"inspect {path} 04_churn_prediction" in hint and "-p 'customer_col=CustomerID'" in hint
    assert "-p 'label_col=Churn'" in hint
    assert hint.split("proposes (check it):\n")[1] == roles.proposal(str(path), "04_churn_prediction")  # one place
    assert roles.missing_role_hint("04_churn_prediction", params, "cell 9: ValueError: customer_col") == ""
    assert roles.missing_role_hint("04_churn_prediction", params | {"input_path": ""}, error) == ""


CDNOW = "".join(f"{c:05d} 199701{d:02d}  {q}  {a:.2f}\n" for c, d, q, a in
                [(1 + i % 30, 1 + i % 28, 1 + i % 3, 5 + (i * 7) % 40) for i in range(240)])


@pytest.mark.slow
@pytest.mark.parametrize("reading", [{"input_sep": "whitespace", "input_header": "false"}, {}],
                         ids=["given", "detected"])
def test_a_cdnow_style_file_runs_through_02_with_or_without_sep_and_header(tmp_path: Path, reading: dict) -> None:
    # before: "column '0' not found; the file has 1 columns" (issue 19, item 5); no input_sep / input_header existed
    path = tmp_path / "CDNOW_master.txt"
    path.write_text(CDNOW, encoding="utf-8")
    got = nbh.run_one("02_customer_segmentation", tmp_path, {"input_path": str(path), "customer_col": "0",
                                                         "time_col": "1", "amount_col": "3", "as_of": "1997-03-31",
                                                         "holdout_days": 30, "fit_pareto": "false", **reading})
    assert got["status"] == "passed", got["error"]
    assert got["metrics"]["n_customers"] == 30


def test_a_default_column_the_file_lacks_is_left_out_when_not_given(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # before: 02 on order lines with quantity_col + price_col stopped with "parameter amount_col asks for column
    # 'amount'" (the company world's column) until the user blanked amount_col (issue 19, item 3's rule)
    from experiments import segments

    path = tmp_path / "lines.csv"
    pd.DataFrame({"CustomerID": [f"c{i % 9}" for i in range(60)],
                  "InvoiceDate": [f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(60)],
                  "Quantity": [1 + i % 4 for i in range(60)], "UnitPrice": [2.5] * 60}).to_csv(path, index=False)
    given = {"input_path": str(path), "customer_col": "CustomerID", "time_col": "InvoiceDate",
             "quantity_col": "Quantity", "price_col": "UnitPrice"}
    params = config.notebook_parameters("02_customer_segmentation", None, given)
    assert params["amount_col"] == "" and "left out: amount_col (default 'amount')" in capsys.readouterr().err
    data = segments.sources.load(segments.Config.from_parameters(params))
    assert data.tx["amount"].sum() == pytest.approx(sum(2.5 * (1 + i % 4) for i in range(60)))
    # a column the user names is never left out: it stays an error naming it
    with pytest.raises(inputs.DataInputError, match="amount_col asks for column 'amount'"):
        segments.sources.load(segments.Config.from_parameters(
            config.notebook_parameters("02_customer_segmentation", None, given | {"amount_col": "amount"})))
    # 06 on a table without a unit id: unit_col's default 'unit_id' is left out, each row its own unit (item 6)
    ab = tmp_path / "mailing.csv"
    pd.DataFrame({"group": ["a", "b"] * 30, "bought": [0, 1, 0] * 20}).to_csv(ab, index=False)
    p06 = config.notebook_parameters("06_ad_ab_analysis", None, {"input_path": str(ab), "variant_col": "group",
                                                                 "control_label": "a", "metric_cols": ["bought"]})
    assert p06["unit_col"] == "" and p06["variant_col"] == "group"


def test_every_missing_role_is_named_at_once() -> None:
    frame = pd.DataFrame({"CustomerID": ["c1"], "Churn": ["Yes"], "Tenure": [3]})
    with pytest.raises(inputs.DataInputError) as err:
        inputs.check_columns(frame, {"id": "customer_id", "label": "churned", "value": ""}, "t.csv", ["value"],
                             {"id": "customer_col"})
    msg = str(err.value)  # before: only the first missing role was named
    assert msg.startswith("t.csv: 2 column roles are missing")
    assert "customer_col asks for column 'customer_id'" in msg and "(did you mean 'CustomerID'?)" in msg
    assert "label_col asks for column 'churned'" in msg and "(did you mean 'Churn'?)" in msg
