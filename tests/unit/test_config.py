"""Parameters: parsing, layering and validation against a notebook's parameters cell."""

from __future__ import annotations

from pathlib import Path

import pytest

import nbbuild_helper as nbh
from experiments.lab import config


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    return nbh.write_notebook(tmp_path / "demo.ipynb", 'alpha = 0.05  # level\nnames = []  # columns\n'
                              'label = "x"  # a label\nflag = False  # a switch\noutput_dir = ""  # run folder',
                              "print(alpha)")


def test_defaults_are_read_from_the_parameters_cell(nb: Path) -> None:
    assert config.notebook_defaults(nb) == {"alpha": 0.05, "names": [], "label": "x", "flag": False,
                                            "output_dir": ""}


def test_unknown_key_is_an_error_naming_notebook_and_key(nb: Path) -> None:
    with pytest.raises(config.ParameterError, match=r"demo: unknown parameter 'alpah'.*alpha"):
        config.validate("demo", config.notebook_defaults(nb), {"alpah": 0.1}, "the command line")


@pytest.mark.parametrize("key,value", [("alpha", "0.1"), ("names", "a"), ("flag", 1), ("label", ["a"])])
# a number for a text parameter is its text (issue 19: -p positive_label=1): tests/unit/test_own_data.py
def test_wrong_type_is_an_error(nb: Path, key: str, value: object) -> None:
    with pytest.raises(config.ParameterError, match=rf"parameter '{key}'.*expects"):
        config.validate("demo", config.notebook_defaults(nb), {key: value}, "the command line")


def test_int_is_widened_to_float(nb: Path) -> None:
    assert config.validate("demo", config.notebook_defaults(nb), {"alpha": 1}, "cli") == {"alpha": 1.0}


def test_comment_with_equals_sign_is_caught(tmp_path: Path) -> None:
    # papermill silently drops a parameter whose comment contains '='; we refuse the notebook instead
    path = nbh.write_notebook(tmp_path / "bad.ipynb", 'x = ""  # empty = default\ny = 1  # fine', "pass")
    with pytest.raises(config.ParameterError, match="cannot parse the parameter line.*x"):
        config.notebook_defaults(path)


def test_missing_parameters_cell_is_an_error(tmp_path: Path) -> None:
    path = nbh.write_notebook(tmp_path / "none.ipynb", None, "x = 1")
    with pytest.raises(config.ParameterError, match="exactly one cell tagged 'parameters', found 0"):
        config.notebook_defaults(path)


def test_cli_values_are_json_or_text() -> None:
    parsed = config.parse_cli_overrides(['alpha=0.1', 'names=["a","b"]', "label=hello world", "06_x.flag=true",
                                         'split={"a": 0.5}'])
    assert parsed == [(None, "alpha", 0.1), (None, "names", ["a", "b"]), (None, "label", "hello world"),
                      ("06_x", "flag", True), (None, "split", {"a": 0.5})]
    with pytest.raises(config.ParameterError, match="expected key=value"):
        config.parse_cli_overrides(["alpha"])


def test_layers_base_profile_cli(tmp_path: Path, nb: Path) -> None:
    conf = tmp_path / "conf"
    (conf / "params").mkdir(parents=True)
    (conf / "params" / "demo.yaml").write_text("base: {alpha: 0.1, label: base}\nprofiles: {tiny: {label: tiny}}\n")
    spec = config.NotebookSpec(name="demo", path=nb)
    assert config.effective_parameters(spec, None, [], conf) == {"alpha": 0.1, "label": "base"}
    assert config.effective_parameters(spec, "tiny", [], conf) == {"alpha": 0.1, "label": "tiny"}
    cli = config.parse_cli_overrides(["label=cli", "other_nb.label=ignored", "unrelated=1"])
    assert config.effective_parameters(spec, "tiny", cli, conf)["label"] == "cli"


def test_conf_file_with_unknown_key_is_rejected(tmp_path: Path, nb: Path) -> None:
    conf = tmp_path / "conf"
    (conf / "params").mkdir(parents=True)
    (conf / "params" / "demo.yaml").write_text("base: {alpah: 0.1}\n")
    with pytest.raises(config.ParameterError, match="unknown parameter 'alpah' \\(from conf/params/demo.yaml base\\)"):
        config.effective_parameters(config.NotebookSpec(name="demo", path=nb), None, [], conf)


def test_cli_key_that_no_notebook_has_is_rejected(nb: Path) -> None:
    spec = config.NotebookSpec(name="demo", path=nb)
    with pytest.raises(config.ParameterError, match="no notebook in this run \\(demo\\) has a parameter 'alhpa'"):
        config.check_cli_targets([spec], config.parse_cli_overrides(["alhpa=0.1"]))
    with pytest.raises(config.ParameterError, match="notebook 'other' is not in this run"):
        config.check_cli_targets([spec], config.parse_cli_overrides(["other.alpha=0.1"]))


# --- range checks and profiles (issue 8) ---------------------------------------------------------------------------

def _real_spec(name: str) -> config.NotebookSpec:
    return config.load_runs()[name]


@pytest.mark.parametrize("notebook,item,message", [
    # issue 8: these ended in scipy's or Python's own errors, or named nothing
    ("06_ad_ab_analysis", "alpha=2", r"06_ad_ab_analysis: parameter 'alpha' = 2.0 must be < 1"),
    ("06_ad_ab_analysis", "alpha=0", r"06_ad_ab_analysis: parameter 'alpha' = 0.0 must be > 0"),
    ("06_ad_ab_analysis", "alpha=-0.1", r"06_ad_ab_analysis: parameter 'alpha' = -0.1 must be > 0"),
    ("06_ad_ab_analysis", "aa_sims=-5", r"06_ad_ab_analysis: parameter 'aa_sims' = -5 must be >= 0"),
    ("06_ad_ab_analysis", "planned_split=abc", r"06_ad_ab_analysis: parameter 'planned_split' = 'abc' must be a "
                                               r"dict or list or null"),
    ("01_data_cleaning", "as_of=yesterday", r"01_data_cleaning: parameter 'as_of' = 'yesterday' must be an ISO date"),
    ("01_data_cleaning", "date_order=ymd", r"01_data_cleaning: parameter 'date_order' = 'ymd' must be one of auto, "
                                           r"dmy, mdy"),
    ("01_data_cleaning", "er_threshold=1.5", r"01_data_cleaning: parameter 'er_threshold' = 1.5 must be <= 1"),
    ("01_data_cleaning", "er_threshold=-0.5", r"01_data_cleaning: parameter 'er_threshold' = -0.5 must be >= 0"),
])
def test_out_of_range_parameters_of_01_and_06_name_notebook_and_key(notebook: str, item: str, message: str) -> None:
    with pytest.raises(config.ParameterError, match=message):
        config.effective_parameters(_real_spec(notebook), None, config.parse_cli_overrides([item]))


@pytest.mark.parametrize("notebook,items", [
    ("06_ad_ab_analysis", ["alpha=0.01", "aa_sims=0", 'planned_split={"ad": 0.96, "psa": 0.04}']),
    ("06_ad_ab_analysis", ["planned_split=[0.5, 0.5]"]),
    ("06_ad_ab_analysis", ["planned_split={}"]),
    ("01_data_cleaning", ["as_of=2011-12-09", "date_order=mdy", "er_threshold=1"]),
    ("01_data_cleaning", ["as_of=2011-12-09T18:00:00", "er_threshold=0"]),
    ("01_data_cleaning", ['as_of=""']),
])
def test_in_range_parameters_pass(notebook: str, items: list[str]) -> None:
    config.effective_parameters(_real_spec(notebook), None, config.parse_cli_overrides(items))


def test_every_profile_of_01_and_06_passes_its_checks() -> None:
    for name in ("01_data_cleaning", "06_ad_ab_analysis"):
        spec = _real_spec(name)
        for profile in config.known_profiles([spec]):
            config.effective_parameters(spec, profile)


def test_cli_exit_status_2_for_an_out_of_range_parameter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from experiments.lab import cli

    monkeypatch.setenv("CIL_REPORTS_DIR", str(tmp_path / "reports"))
    assert cli.main(["run", "06_ad_ab_analysis", "-p", "alpha=2"]) == 2
    assert "06_ad_ab_analysis: parameter 'alpha' = 2.0 must be < 1" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()  # stopped before anything ran


def test_checks_in_the_params_yaml_win_per_key(tmp_path: Path, nb: Path) -> None:
    conf = tmp_path / "conf"
    (conf / "params").mkdir(parents=True)
    (conf / "params" / "demo.yaml").write_text("checks: {alpha: {max: 0.2}, label: {choices: [x, y]}}\n")
    spec = config.NotebookSpec(name="demo", path=nb, checks=config._read_checks(
        {"alpha": {"max_exclusive": 0.01}, "names": {"shape": ["list"]}}, "test"))
    assert config.effective_parameters(spec, None, config.parse_cli_overrides(["alpha=0.1"]), conf) == {"alpha": 0.1}
    with pytest.raises(config.ParameterError, match=r"demo: parameter 'alpha' = 0.3 must be <= 0.2"):
        config.effective_parameters(spec, None, config.parse_cli_overrides(["alpha=0.3"]), conf)
    with pytest.raises(config.ParameterError, match=r"demo: parameter 'label' = 'z' must be one of x, y"):
        config.effective_parameters(spec, None, config.parse_cli_overrides(["label=z"]), conf)


@pytest.mark.parametrize("checks,message", [
    ({"alpha": {"below": 1}}, r"checks.alpha: unknown rule\(s\) \['below'\]"),
    ({"alpha": {"min": "0"}}, r"checks.alpha.min must be a number"),
    ({"alpha": {"shape": ["tuple"]}}, r"checks.alpha.shape must list some of dict, list, null"),
    ({"alpha": 0.5}, r"checks.alpha must be a mapping of rules"),
])
def test_malformed_checks_are_refused(checks: dict, message: str) -> None:
    with pytest.raises(config.ParameterError, match=message):
        config._read_checks(checks, "conf/runs.yaml demo")


def test_a_check_on_an_undeclared_parameter_is_an_error(nb: Path) -> None:
    with pytest.raises(config.ParameterError, match="demo: conf/runs.yaml checks parameter 'alhpa', which the "
                                                    "notebook does not declare"):
        config.check_values("demo", config.notebook_defaults(nb), [("alhpa", [("min", 0)])])


def test_numeric_rules_refuse_text_and_non_finite_values() -> None:
    rules = [("min", 0)]
    for bad in ("3", float("inf"), float("nan"), True):
        with pytest.raises(config.ParameterError, match="must be a finite number"):
            config.check_values("demo", {"n": bad}, [("n", rules)])
    config.check_values("demo", {"n": None}, [("n", rules)])  # None means "not given"


def test_values_inside_dict_and_list_parameters_are_checked() -> None:
    """Issue 26: care_due_hours={"moderate": "abc"} and reply_targets={"default": "abc"} reached float(); `each`
    applies the same rules to every value before anything runs."""
    checks = config._read_checks({"due": {"shape": ["dict"], "each": {"min_exclusive": 0}},
                                  "words": {"each": {"shape": ["list"], "each": {"shape": ["str"]}}}}, "test")
    with pytest.raises(config.ParameterError, match=r"'due' = .* every value is a finite number \(not 'moderate'"):
        config.check_values("05", {"due": {"moderate": "abc"}, "words": {}}, checks)
    with pytest.raises(config.ParameterError, match=r"every value is > 0 \(not 'severe': -1"):
        config.check_values("05", {"due": {"severe": -1}, "words": {}}, checks)
    with pytest.raises(config.ParameterError, match=r"'words'"):
        config.check_values("05", {"due": {}, "words": {"severe": [3]}}, checks)
    config.check_values("05", {"due": {"severe": 4}, "words": {"severe": ["("]}}, checks)
