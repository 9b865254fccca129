"""Write the churn outputs: ``churn_scores`` (every scored customer) and ``churn_actions`` (the contact list).

On the company world they are published into ``data/processed`` (atomically, under the lock) for other notebooks
and the retention team; a flat-table run writes them into its own run folder only, so an external table never
replaces the company's scores.
"""

from __future__ import annotations

from pathlib import Path

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


def publish_outputs(a: ChurnAnalysis, run_dir: Path) -> list[str]:
    """Publish (company world) or save in ``run_dir`` (flat table) the two tables; return where they went."""
    tables = output_tables(a)
    if "snapshot_date" in a.extra:
        folder = processed.publish(tables)
        return [f"data/processed/{name}.parquet ({len(df):,} rows)" for name, df in tables.items()
                if (folder / f"{name}.parquet").is_file()]
    run_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_parquet(run_dir / f"{name}.parquet", index=False)
    return [f"{name}.parquet in the run folder ({len(df):,} rows)" for name, df in tables.items()]
