"""Write the churn outputs: ``churn_scores`` (every scored customer) and ``churn_actions`` (the contact list).

They are published atomically, under the lock, where every analysis publishes (``processed.results_folder``):
``data/processed`` on the company world, for other notebooks and the retention team; ``data/interim/flat/processed``
for a flat table, so an external table never replaces the company's scores.
"""

from __future__ import annotations

from experiments.churn.pipeline import ChurnAnalysis
from experiments.data import processed

ACTION_COLUMNS = ["customer_id", "churn_probability", "tier", "customer_value", "value_at_risk", "expected_gain",
                  "action", "main_driver", "main_feature", "reasons"]


def output_tables(a: ChurnAnalysis) -> dict:
    """Return ``{"churn_scores": ..., "churn_actions": ...}`` keyed by ``customer_id`` (string)."""
    scores = a.scores.copy()
    scores["customer_id"] = scores["customer_id"].astype(str)
    extra = [c for c in ("segment",) if c in scores.columns]
    actions = scores.loc[scores["contact"], ACTION_COLUMNS + extra].reset_index(drop=True)
    actions.insert(0, "rank", range(1, len(actions) + 1))
    return {"churn_scores": scores, "churn_actions": actions}


def publish_outputs(a: ChurnAnalysis) -> list[str]:
    """Publish the two tables (``processed.publish_results``); return a line per table saying where it went."""
    tables = output_tables(a)
    folder = processed.publish_results(tables, company_world=a.is_company_world)
    shown = processed.results_label(a.is_company_world)
    return [f"{shown}/{name}.parquet ({len(df):,} rows)" for name, df in tables.items()
            if (folder / f"{name}.parquet").is_file()]
