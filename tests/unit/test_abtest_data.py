"""Input mapping and validation for the A/B analysis: coercion, split normalisation, failure messages."""

import pandas as pd
import pytest

from experiments.abtest.labels import slug
from experiments.abtest.prepare import is_binary, normalise_split, prepare, to_binary, variant_order
from experiments.data.tables import DataInputError


def _frame():
    return pd.DataFrame({"uid": [1, 2, 3, 4], "grp": ["a", "b", "a", "b"], "conv": ["True", "False", "true", "0"],
                         "spend": [1.0, 2.0, 3.5, 0.0]})


def test_slug_matches_the_metrics_key_convention():
    assert slug("Mens E-Mail") == "mens_e_mail"
    assert slug("No E-Mail") == "no_e_mail"
    assert slug("treatment") == "treatment"


def test_true_false_text_and_bools_become_0_1():
    assert to_binary(pd.Series(["True", "False", "yes", "0"]), "c").tolist() == [1, 0, 1, 0]
    assert to_binary(pd.Series([True, False]), "c").tolist() == [1, 0]
    assert is_binary(pd.Series(["True", "False"])) and not is_binary(pd.Series([0.0, 2.0]))


def test_to_binary_names_column_and_rows():
    with pytest.raises(DataInputError, match=r"'conv'.*row 2"):
        to_binary(pd.Series(["True", "maybe", "False"]), "conv")


def test_prepare_coerces_outcomes():
    out = prepare(_frame(), unit_col="uid", variant_col="grp", control_label="a", metric_cols=["conv", "spend"])
    assert out["conv"].tolist() == [1, 0, 1, 0]
    assert out["spend"].dtype == float


@pytest.mark.parametrize("kwargs, pattern", [
    ({"metric_cols": ["nope"]}, r"missing required column\(s\) 'nope'"),
    ({"control_label": "zzz"}, r"control_label 'zzz' is not a value of column 'grp'; found \['a', 'b'\]"),
    ({"metric_cols": []}, r"metric_cols is empty"),
])
def test_prepare_failures_name_the_problem(kwargs, pattern):
    args = {"unit_col": "uid", "variant_col": "grp", "control_label": "a", "metric_cols": ["conv"]} | kwargs
    with pytest.raises(DataInputError, match=pattern):
        prepare(_frame(), **args)


def test_single_variant_and_empty_input_are_errors():
    one = _frame().assign(grp="a")
    with pytest.raises(DataInputError, match=r"single variant \['a'\]"):
        prepare(one, unit_col="uid", variant_col="grp", control_label="a", metric_cols=["conv"])
    with pytest.raises(DataInputError, match="empty input"):
        prepare(_frame().iloc[:0], unit_col="uid", variant_col="grp", control_label="a", metric_cols=["conv"])


def test_non_numeric_outcome_names_rows():
    df = _frame().assign(spend=["1", "x", "2", "3"])
    with pytest.raises(DataInputError, match=r"'spend'.*row 2"):
        prepare(df, unit_col="uid", variant_col="grp", control_label="a", metric_cols=["spend"])


def test_planned_split_dict_list_and_percent():
    assert normalise_split({"ad": 96, "psa": 4}, ["psa", "ad"]) == pytest.approx({"ad": 0.96, "psa": 0.04})
    # a list is read in sorted label order: ["ad", "psa"]
    assert normalise_split([0.96, 0.04], ["psa", "ad"]) == pytest.approx({"ad": 0.96, "psa": 0.04})
    assert normalise_split({}, ["a", "b"]) is None and normalise_split(None, ["a", "b"]) is None
    with pytest.raises(DataInputError, match=r"unknown \['treat'\]"):
        normalise_split({"control": 0.5, "treat": 0.5}, ["control", "treatment"])


def test_variant_order_puts_control_first():
    assert variant_order(_frame(), "grp", "b") == ["b", "a"]
