"""lab.notebook: what every notebook does first (run folder, seed, readable tables)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from experiments.lab import notebook


@pytest.mark.parametrize(("value", "shown"), [
    (4131306.0, "4,131,306"), (6685.0, "6,685"), (-2380348.4, "-2,380,348"), (15.3, "15.3"), (99.74, "99.74"),
    (0.07514, "0.07514"), (1.2e-50, "1.2e-50"), (0.0, "0"), (math.nan, "nan"), (3.0e20, "3e+20"),
])
def test_readable_number(value: float, shown: str) -> None:
    assert notebook.readable_number(value) == shown


def test_start_makes_report_tables_readable_and_seeds(tmp_path) -> None:
    pd.reset_option("display.float_format")
    assert "4131306.0" in pd.DataFrame({"x": [4131306.0]}).to_html()  # pandas' own default
    run = notebook.start("demo", {"seed": 3, "n": 5}, output_dir=str(tmp_path / "out"))
    try:
        html = pd.DataFrame({"clv total": [4131306.0, 259127.0]}).to_html()
        assert "4,131,306" in html and "4131306.0" not in html
        assert run.seed == 3 and run.output_dir.is_dir() and run.params == {"seed": 3, "n": 5}
    finally:
        pd.reset_option("display.float_format")


def test_parameters_and_versions_go_to_the_end_of_the_report(tmp_path, capsys) -> None:
    run = notebook.start("demo", {"seed": 5, "label_col": "churned"}, output_dir=str(tmp_path / "out"))
    first_screen = capsys.readouterr().out
    assert first_screen.count("\n") == 1 and "Run info: demo · seed 5" in first_screen
    assert "Parameters" not in first_screen and "Libraries" not in first_screen
    run.finish({"n": 1})
    end = capsys.readouterr().out
    assert 'Parameters: {"seed": 5, "label_col": "churned"}' in end and "Libraries: pandas " in end
    assert (tmp_path / "out" / "metrics.json").is_file()
    pd.reset_option("display.float_format")
