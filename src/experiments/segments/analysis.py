"""``run(config, data=None) -> Result``: one segmentation, transactions in, the per-customer segments table out.

1. calibration / holdout: models fitted on purchases up to ``calibration_end``, checked on the holdout after it
   (the metrics ``bgnbd_*``, ``gg_*``, ``pareto_*``, ``holdout_*`` describe this calibration fit);
2. scoring: the same models refitted on all purchases up to ``as_of`` give each customer's P(alive), expected
   purchases and CLV over ``horizon_months``;
3. RFM and the four views at ``as_of``;
4. migration: the previous run's segments of the same source (when ``publish`` is on), read before this run
   publishes its own.

Never reads the planted truth (that is ``evaluation``'s).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from experiments.segments import holdout, migration, rfm, tiers
from experiments.segments.config import Config
from experiments.segments.engine_steps import customer_days
from experiments.segments.result import Result
from experiments.segments.sources import Data, load
from experiments.segments.transactions import summarise


def activity(tx: pd.DataFrame, as_of: pd.Timestamp, window: int, engine) -> pd.DataFrame:  # noqa: ANN001
    """Per customer up to ``as_of``: first and last purchase, purchase days, spend, recency and tenure in days, the
    median days between purchase days, and purchase days in the last ``window`` days and the window before (the
    aggregation runs on ``engine``: ``engine_steps.customer_days``)."""
    agg = customer_days(tx, as_of, engine, window_days=window)
    return pd.DataFrame({
        "first_purchase": agg["first"], "last_purchase": agg["last"], "n_purchases": agg["n"],
        "total_spend": agg["total"], "recency_days": (as_of - agg["last"]).dt.days.astype(float),
        "tenure_days": (as_of - agg["first"]).dt.days.astype(float), "purchase_cycle_days": agg["cycle"],
        "n_recent": agg["n_recent"], "n_prev": agg["n_prev"],
    })


def segments_table(tx: pd.DataFrame, clv: pd.DataFrame, as_of: pd.Timestamp, rules: tiers.TierRules, source: str,
                   engine, profile: pd.DataFrame | None = None,  # noqa: ANN001 - data.engine.Engine
                   prospects: pd.Index | None = None) -> pd.DataFrame:
    """The published per-customer table: activity, CLV, RFM, the four views (needs from ``profile``; prospects,
    registered ids who never bought, get zero purchases)."""
    base = activity(tx, as_of, rules.lifecycle_window_days, engine).join(clv)
    if prospects is not None:
        extra = pd.Index(prospects.astype(str)).difference(base.index)
        base = base.reindex(base.index.append(extra))
        base.loc[extra, ["n_purchases", "total_spend", "n_recent", "n_prev", "clv", "expected_purchases"]] = 0.0
    base.index.name = "customer_id"
    buyers = base["n_purchases"] > 0
    scores = rfm.rfm_scores(base.loc[buyers, "recency_days"], base.loc[buyers, "n_purchases"],
                            base.loc[buyers, "total_spend"])
    out = base.join(scores)
    out["value_tier"] = tiers.value_tier(out["clv"], out["p_alive"], out["n_purchases"], rules)
    out["behaviour"] = tiers.behaviour(out["recency_days"], rules)
    out["lifecycle"] = tiers.lifecycle(out["tenure_days"], out["n_recent"], out["n_prev"], rules)
    if profile is not None:
        prof = profile.reindex(out.index)
        out["need"] = tiers.needs(prof.fillna({"n_orders": 0}), rules)
        out = out.join(prof[["discount_share", "price_level", "contacts_per_order", "service_contacts",
                             "preferred_channel", "top_category"]])
    else:
        out["need"] = pd.NA
    out = out.reset_index()
    out.insert(1, "source", source)
    out["as_of"] = as_of
    out["run_date"] = pd.Timestamp(datetime.now(UTC).date())
    return out.drop(columns=["n_recent", "n_prev"]).sort_values("customer_id", ignore_index=True)


def run(config: Config, data: Data | None = None) -> Result:
    """Return the ``Result`` of the segmentation of ``config`` (``data`` read with ``sources.load`` if None)."""
    data = load(config) if data is None else data
    tx = data.tx
    if tx.empty:
        raise ValueError(f"{data.source}: no purchases to segment")
    cal_end, as_of = config.dates(tx)
    tx = tx[tx["date"] <= as_of]
    engine = config.data_engine()
    cal = summarise(tx, cal_end, config.time_unit, holdout_end=as_of, engine=engine)
    m_cal = holdout.fit_models(cal, pareto=config.fit_pareto, pareto_max_customers=config.pareto_max_customers,
                               seed=config.seed)
    check = holdout.check_holdout(cal, m_cal, tx, cal_end, as_of, config.time_unit)
    full = summarise(tx, as_of, config.time_unit, engine=engine)
    m_full = holdout.fit_models(full, pareto=False, pareto_max_customers=config.pareto_max_customers,
                                seed=config.seed)
    clv = holdout.lifetime_value(m_full, full, config.time_unit, config.horizon_months, config.annual_discount,
                                 config.margin)
    table = segments_table(tx, clv, as_of, config.rules, data.source, engine, data.profile, data.prospects)
    previous = (migration.previous_segments(migration.current_table(data.table.is_company_world),
                                            migration.history_dir(), data.source) if config.publish else None)
    return Result(data=data, table=table, calibration=cal, models_calibration=m_cal, models_full=m_full,
                  check=check, calibration_end=cal_end, as_of=as_of, config=config, previous=previous)
