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


@pytest.mark.parametrize("key,value", [("alpha", "0.1"), ("names", "a"), ("flag", 1), ("label", 3)])
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
