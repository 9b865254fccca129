"""Customer 360 against the company world's planted truth: the only module that reads ``data/raw/_truth``."""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import Markdown

from experiments.data import paths
from experiments.profile.result import Result


def planted_prospects() -> pd.DataFrame | None:
    """``_truth/prospects.csv`` (prospect_id, need_type, purchase_rate, spend_level, latent_value), or None."""
    path = paths.truth_dir() / "prospects.csv"
    return pd.read_csv(path, dtype={"prospect_id": "string"}) if path.is_file() else None


def lookalike_check(result: Result) -> dict[str, Any]:
    """Mean planted value of the top-decile prospects, of all prospects, their ratio and the customers scored."""
    truth = planted_prospects()
    scores = result.lookalike.scores
    if truth is None or not len(scores):
        return {"top_decile_value": None, "mean_value": None, "lift": None, "customers_scored": 0}
    value = truth.set_index("prospect_id")["latent_value"]
    top = value.reindex(result.lookalike.top_decile["prospect_id"]).mean()
    mean = value.mean()
    return {"top_decile_value": float(top), "mean_value": float(mean), "lift": float(top / mean) if mean else None,
            "customers_scored": int(scores["prospect_id"].isin(set(result.profile["customer_id"])).sum())}


def metrics(result: Result) -> dict[str, Any]:
    """``lookalike_top_decile_lift`` (the top decile's mean planted value over all prospects'); nothing on your own
    tables, which carry no planted value."""
    if not result.data.company_world:
        return {}
    lift = lookalike_check(result)["lift"]
    return {"lookalike_top_decile_lift": None if lift is None else round(lift, 4)}


def section(result: Result) -> pd.DataFrame | Markdown:
    """The planted-truth figures as a small display table (a sentence on your own tables)."""
    if not result.data.company_world:
        return Markdown("Your own tables carry no planted value: nothing to compare.")
    c = lookalike_check(result)
    return pd.DataFrame({"figure": ["top-decile prospects' mean planted value", "all prospects' mean planted value",
                                    "lift (top decile / all)", "existing customers scored"],
                         "value": [c["top_decile_value"], c["mean_value"], c["lift"], c["customers_scored"]]})
