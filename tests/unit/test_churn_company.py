"""Optional inputs from other notebooks: segments (segment, CLV) and scored feedback, used only when present."""

from __future__ import annotations

import shutil

import pandas as pd

from experiments.churn import labels, sources, valuation


def test_optional_outputs_are_found_and_used(tiny_world, tmp_path) -> None:
    folder = tmp_path / "processed"
    shutil.copytree(tiny_world / "processed", folder)  # the cleaning's tables only (world_env runs use a copy)
    plain = sources.load_company(folder)
    assert plain.segments is None and plain.scored is None
    assert any("no segments.parquet" in n for n in plain.notes)
    ids = plain.customers["customer_id"].astype(str)
    pd.DataFrame({"customer_id": ids, "rfm_segment": "champions", "clv": 1234.5}).to_parquet(
        folder / "segments.parquet")
    fb = plain.feedback
    pd.DataFrame({"feedback_id": fb["feedback_id"], "sentiment": "negative", "grade": "severe"}).to_parquet(
        folder / "feedback_scored.parquet")
    inp = sources.load_company(folder)
    assert list(inp.segments.columns) == ["customer_id", "segment", "clv"]
    assert inp.scored["negative"].all() and (inp.scored["severity"] == 3).all()
    as_of = labels.resolve_score_date("", inp.orders)
    value, basis = valuation.customer_value(inp.orders, inp.segments, as_of, pd.Index(ids[:5]))
    assert basis == "CLV (segmentation)" and (value == 1234.5).all()
    value, basis = valuation.customer_value(plain.orders, plain.segments, as_of, pd.Index(ids[:5]))
    assert basis == "spend in the last 365 days"
    assert value.equals(valuation.annual_spend(plain.orders, as_of, pd.Index(ids[:5])))
