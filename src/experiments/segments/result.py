"""``Result``: what one segmentation found (``tables``, ``metrics()``) and what it publishes (``publish()``: the
per-customer ``segments`` table, plus a dated copy for the next run's migration)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.data import inputs
from experiments.segments import holdout, indicators, migration, rfm, tiers
from experiments.segments.config import Config
from experiments.segments.sources import Data

#: The views of the segments table (column -> its segments in report order); ``need`` only on the company world.
VIEWS = {"rfm_segment": rfm.SEGMENTS, "value_tier": tiers.VALUE_TIERS, "behaviour": tiers.BEHAVIOURS,
         "lifecycle": tiers.LIFECYCLES, "need": tiers.NEEDS}


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class Result:
    """Everything a run produces: the per-customer ``table``, the calibration summary and fits, the holdout check,
    the dates used and the previous run's segments of the same source (None: none, or ``publish`` is off)."""

    data: Data
    table: pd.DataFrame
    calibration: pd.DataFrame
    models_calibration: holdout.Models
    models_full: holdout.Models
    check: holdout.HoldoutCheck
    calibration_end: pd.Timestamp
    as_of: pd.Timestamp
    config: Config
    previous: pd.DataFrame | None

    @property
    def input(self) -> inputs.InputTable:
        """The input table read (for ``run.add_input``); ``input.is_company_world`` says where ``publish`` writes."""
        return self.data.table

    @property
    def buyers(self) -> pd.DataFrame:
        """The rows of customers with at least one purchase, indexed by customer_id."""
        return self.table[self.table["n_purchases"] > 0].set_index("customer_id")

    def indicators(self, view: str) -> pd.DataFrame:
        """Key indicators per segment of ``view`` (a column of ``VIEWS``), in the view's order."""
        return indicators.segment_indicators(self.table, view, VIEWS[view])

    @property
    def views(self) -> dict[str, pd.DataFrame]:
        """Indicators of every view this run has (``need`` is empty off the company world)."""
        return {view: self.indicators(view) for view in VIEWS if self.table[view].notna().any()}

    @property
    def moves(self) -> dict | None:
        """``migration.migration_summary`` against the previous run (None without one)."""
        return None if self.previous is None else migration.migration_summary(
            self.previous, self.table, engine=self.config.data_engine())

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables the report shows."""
        out = {"segments": self.table, "calibration": self.calibration,
               "parameters": self.models_full.table(), "parameters_calibration": self.models_calibration.table(),
               "holdout_by_frequency": self.check.by_frequency, "holdout_cumulative": self.check.cumulative,
               **{f"indicators_{v}": ind for v, ind in self.views.items()}}
        if self.previous is not None:
            out["migration"] = migration.migration_matrix(self.previous, self.table, order=rfm.SEGMENTS,
                                                          engine=self.config.data_engine())
        return out

    def metrics(self) -> dict[str, Any]:
        """Return the flat metrics.json dict (keys documented in conf/runs.yaml)."""
        bg, gg, pn = (self.models_calibration.bgnbd, self.models_calibration.gamma_gamma,
                      self.models_calibration.pareto)
        t, c = self.table, self.check
        out = {
            "n_customers": int(len(t)), "n_buyers": int((t["n_purchases"] > 0).sum()),
            "n_calibration_customers": int(len(self.calibration)),
            "n_repeat_customers": int((self.calibration["x"] > 0).sum()),
            **{f"bgnbd_{k}": round(v, 6) for k, v in bg.params.items()},
            **{f"bgnbd_{k}_se": round(v, 6) for k, v in bg.se.items()},
            "bgnbd_loglik": round(bg.loglik, 3),
            **({f"gg_{k}": round(v, 6) for k, v in gg.params.items()} if gg else
               {"gg_p": None, "gg_q": None, "gg_v": None}),
            **({f"pareto_{k}": round(v, 6) for k, v in pn.params.items()} if pn else {}),
            **({"pareto_loglik": round(pn.loglik, 3), "pareto_fit_customers": int(pn.extra["fit_customers"])}
               if pn else {}),
            "holdout_purchases_mae": round(c.mae, 6),
            "holdout_total_rel_error": round(c.total_rel_error, 6),
            "holdout_total_rel_error_pareto": _round(c.pareto_total_rel_error, 6),
            "holdout_spend_spearman": _round(c.spend_spearman, 4),
            "calibration_end": f"{self.calibration_end:%Y-%m-%d}", "as_of": f"{self.as_of:%Y-%m-%d}",
            "clv_total": round(float(t["clv"].sum()), 2),
        }
        for tier in tiers.VALUE_TIERS:
            sel = t["value_tier"] == tier
            out[f"share_value_{tier}"] = round(float(sel.mean()), 6)
            out[f"clv_share_value_{tier}"] = round(float(t.loc[sel, "clv"].sum() / max(t["clv"].sum(), 1e-9)), 6)
        for name in rfm.SEGMENTS:
            out[f"n_rfm_{indicators.key(name)}"] = int((t["rfm_segment"] == name).sum())
        out["n_future_rows"] = int(self.data.dropped.get("future_date", 0))
        moves = self.moves
        out["n_moved_since_previous"] = None if moves is None else moves["moved"]
        return out

    def publish(self, stamp: str | None = None) -> Path | None:
        """Publish ``segments`` (atomic, checked against its contract) where every analysis publishes and keep a
        dated copy (``stamp``, default now in UTC) for the next run's migration; None when ``publish`` is off."""
        if not self.config.publish:
            return None
        from experiments.data import processed

        folder = processed.publish_results({"segments": self.table}, company_world=self.input.is_company_world)
        migration.keep_history(self.table, migration.history_dir(),
                               stamp or f"{pd.Timestamp.now(tz='UTC'):%Y%m%dT%H%M%S}")
        return folder
