"""The 01 report's tables and figures on the tiny company world: personal data masked by the one rule, each section
filled from the same Result, the planted-truth section only where a truth exists."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from IPython.display import Markdown

from experiments.cleaning import charts, evaluation, present
from experiments.common.result import Result


@pytest.fixture(scope="module")
def cleaned(tiny_world: Path):
    return evaluation.clean_company(tiny_world / "raw", truth_dir=tiny_world / "raw" / "_truth")


def test_result_shape_and_truth(cleaned) -> None:
    assert isinstance(cleaned, Result) and cleaned.has_people
    m = cleaned.metrics()
    assert m["n_customer_records"] == len(cleaned.records) and m["er_method"] == "splink"
    assert set(cleaned.truth.metrics) == {"er_precision", "er_recall", "er_f1"}
    assert cleaned.truth.metrics["er_f1"] > 0.9
    assert list(present.er_scores(cleaned.truth.table).index) == [0, 1]
    assert isinstance(present.er_scores(None), Markdown)


def test_masked_views_follow_the_one_rule(cleaned) -> None:
    shown = present.before_after(cleaned)
    phones = pd.concat([shown["phone (raw)"], shown["phone (E.164)"]]).replace("", pd.NA).dropna()
    assert len(phones) > 0
    assert not phones.str.contains(r"\d{5}").any()            # no readable run of digits left
    assert phones.str.fullmatch(r"\+?[\d ()./-]{0,4}\**[\d ()./-]*\d{2}").all(), phones.tolist()
    emails = shown["email (clean)"].replace("", pd.NA).dropna()
    assert emails.str.fullmatch(r".\*{4}@.+").all()
    recs, lineage = present.merged_records(cleaned)
    assert not recs["phone"].dropna().str.contains(r"\d{5}").any()
    assert recs["name"].dropna().map(lambda v: all(set(w[1:]) <= {"*"} for w in v.split(" "))).all()
    assert not lineage.loc[lineage["field"] == "phone", "value"].str.contains(r"\d{5}").any()


def test_sections_draw_from_the_result(cleaned) -> None:
    imputed, missing = present.filled(cleaned)
    assert list(missing.columns) == ["raw records (% missing)", "golden customers (% missing)"]
    assert int(imputed.loc[imputed["method"] != "not_filled", "n_filled"].sum()) == cleaned.metrics()["n_city_imputed"]
    rec = present.reconciliation(cleaned)
    assert int(rec["rows_in"].sum()) == cleaned.metrics()["rows_in"]
    assert present.order_counts(cleaned)["n_orders"] == cleaned.metrics()["n_orders"]
    assert "customer records ->" in present.merge_summary(cleaned).data
    for draw in (charts.reconciliation_of, charts.rules_of, charts.missingness_of, charts.cluster_sizes_of):
        assert isinstance(draw(cleaned), plt.Figure)
    plt.close("all")
