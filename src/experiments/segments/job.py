"""One segmentation run: transactions in, the per-customer segments table, the model checks and metrics out.

``segment`` takes validated transactions (customer_id, date, amount), optionally the company's needs profile and the
ids of registered customers who never bought (prospects), and returns a ``Segmentation``:

1. calibration / holdout: models fitted on purchases up to ``calibration_end``, checked on the holdout after it
   (the metrics ``bgnbd_*``, ``gg_*``, ``holdout_*`` describe this calibration fit);
2. scoring: the same models refitted on all purchases up to ``as_of`` give each customer's P(alive), expected
   purchases and CLV over ``horizon_months``;
3. RFM and the four views at ``as_of``, and the indicators per segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from experiments.data.tables import DataInputError, example_rows
from experiments.segments import holdout, indicators, rfm, tiers
from experiments.segments.transactions import daily, summarise, validate_transactions


@dataclass(frozen=True)
class Settings:
    """Dates and model settings of a run (``calibration_end`` and ``as_of`` empty = derived from the data)."""

    calibration_end: str = ""
    as_of: str = ""
    holdout_days: int = 182
    time_unit: str = "W"
    horizon_months: int = 12
    annual_discount: float = 0.1
    margin: float = 1.0
    pareto: bool = True

    def __post_init__(self) -> None:
        if self.time_unit not in ("W", "D"):
            raise ValueError(f"time_unit must be 'W' (weeks) or 'D' (days); got {self.time_unit!r}")
        if self.horizon_months < 1 or self.holdout_days < 1:
            raise ValueError("horizon_months and holdout_days must be at least 1")
        if not 0 < self.margin <= 1 or self.annual_discount < 0:
            raise ValueError(f"margin must be in (0, 1] and annual_discount >= 0; got {self.margin}, "
                             f"{self.annual_discount}")

    def dates(self, tx: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
        """(calibration_end, as_of): given, or the last purchase day and that minus ``holdout_days``."""
        as_of = pd.Timestamp(self.as_of) if self.as_of else tx["date"].max()
        cal = pd.Timestamp(self.calibration_end) if self.calibration_end else as_of - pd.Timedelta(
            days=self.holdout_days)
        first = tx["date"].min()
        if not first < cal < as_of:
            raise ValueError(f"calibration_end {cal:%Y-%m-%d} must fall after the first purchase ({first:%Y-%m-%d}) "
                             f"and before as_of ({as_of:%Y-%m-%d})")
        return cal, as_of


@dataclass
class Segmentation:
    """Everything a run produces (see the module docstring)."""

    table: pd.DataFrame
    calibration: pd.DataFrame
    models_calibration: holdout.Models
    models_full: holdout.Models
    check: holdout.HoldoutCheck
    calibration_end: pd.Timestamp
    as_of: pd.Timestamp
    rules: tiers.TierRules
    settings: Settings
    metrics: dict = field(default_factory=dict)


@dataclass
class Inputs:
    """What a run segments: transactions, the company's needs profile and registered ids (None for a flat table),
    the ``InputTable`` read and the rows dropped before segmentation (reason -> count)."""

    tx: pd.DataFrame
    profile: pd.DataFrame | None
    prospects: pd.Index | None
    table: object
    dropped: dict


def load(input_path: str, customer_col: str, date_col: str, amount_col: str, *, quantity_col: str = "",
         price_col: str = "", encoding: str = "", sheet: str = "", date_order: str = "auto",
         date_format: str = "", keep_zero_amounts: bool = True) -> Inputs:
    """Read the transactions: the company world's processed tables (empty ``input_path``) or a flat table.

    A flat table needs a customer, a date and an amount column; without ``amount_col`` the amount is
    ``quantity_col`` x ``price_col`` (order lines such as Online Retail). Rows are validated by
    ``transactions.validate_transactions`` (``date_order`` auto/dmy/mdy, ``date_format`` a strftime format for
    slash dates): bad dates or numbers stop with an error naming file, column and rows.
    """
    from experiments.data import inputs
    from experiments.segments import company

    if not str(input_path or "").strip():
        tx, profile, ids = company.load_company_inputs()
        table = inputs.load_input("", {"customer": customer_col, "date": date_col, "amount": amount_col},
                                  company=lambda: tx)
        return Inputs(tx=tx, profile=profile, prospects=ids, table=table, dropped={})
    roles = {"customer": customer_col, "date": date_col, "amount": amount_col, "quantity": quantity_col,
             "price": price_col}
    table = inputs.load_input(input_path, roles, optional=["amount", "quantity", "price"], encoding=encoding,
                              sheet=sheet)
    frame = table.select()
    if "amount" not in frame.columns:
        if not {"quantity", "price"} <= set(frame.columns):
            raise DataInputError(f"{table.source}: give amount_col, or both quantity_col and price_col")
        for role in ("quantity", "price"):
            num = pd.to_numeric(frame[role], errors="coerce")
            bad = num.isna() & frame[role].notna()
            if bad.any():
                raise DataInputError(f"{table.source}: column {table.columns[role]!r} has {int(bad.sum())} values "
                                     f"that are not numbers ({example_rows(bad)})")
            frame[role] = num
        frame["amount"] = frame["quantity"] * frame["price"]
    tx, dropped = validate_transactions(frame, table.source, table.columns, date_order, date_format,
                                        keep_zero=keep_zero_amounts)
    return Inputs(tx=tx, profile=None, prospects=None, table=table, dropped=dropped)


def _activity(tx: pd.DataFrame, as_of: pd.Timestamp, window: int) -> pd.DataFrame:
    d = daily(tx[tx["date"] <= as_of])
    g = d.groupby("customer_id", sort=True)
    first, last = g["date"].min(), g["date"].max()
    gaps = d["date"].diff().dt.days.where(d["customer_id"].eq(d["customer_id"].shift()))
    age = (as_of - d["date"]).dt.days
    return pd.DataFrame({
        "first_purchase": first, "last_purchase": last, "n_purchases": g.size(),
        "total_spend": g["amount"].sum(), "recency_days": (as_of - last).dt.days.astype(float),
        "tenure_days": (as_of - first).dt.days.astype(float),
        "purchase_cycle_days": gaps.groupby(d["customer_id"]).median(),
        "n_recent": (age < window).groupby(d["customer_id"]).sum(),
        "n_prev": ((age >= window) & (age < 2 * window)).groupby(d["customer_id"]).sum(),
    })


def segment(tx: pd.DataFrame, settings: Settings, rules: tiers.TierRules, *, source: str,
            profile: pd.DataFrame | None = None, prospects: pd.Index | None = None) -> Segmentation:
    """Run the whole segmentation (see the module docstring) on transactions ``tx``."""
    if tx.empty:
        raise ValueError(f"{source}: no purchases to segment")
    cal_end, as_of = settings.dates(tx)
    tx = tx[tx["date"] <= as_of]
    cal = summarise(tx, cal_end, settings.time_unit, holdout_end=as_of)
    m_cal = holdout.fit_models(cal, pareto=settings.pareto)
    check = holdout.check_holdout(cal, m_cal, tx, cal_end, as_of, settings.time_unit)
    full = summarise(tx, as_of, settings.time_unit)
    m_full = holdout.fit_models(full, pareto=False)
    clv = holdout.lifetime_value(m_full, full, settings.time_unit, settings.horizon_months,
                                 settings.annual_discount, settings.margin)
    act = _activity(tx, as_of, rules.lifecycle_window_days)
    base = act.join(clv)
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
    out = out.drop(columns=["n_recent", "n_prev"]).sort_values("customer_id", ignore_index=True)
    seg = Segmentation(table=out, calibration=cal, models_calibration=m_cal, models_full=m_full, check=check,
                       calibration_end=cal_end, as_of=as_of, rules=rules, settings=settings)
    seg.metrics = metrics(seg)
    return seg


def metrics(seg: Segmentation) -> dict:
    """The documented metrics.json keys of a run (see README, ``02_customer_segmentation``)."""
    bg, gg, pn = (seg.models_calibration.bgnbd, seg.models_calibration.gamma_gamma, seg.models_calibration.pareto)
    t = seg.table
    buyers = t["n_purchases"] > 0
    out = {
        "n_customers": int(len(t)), "n_buyers": int(buyers.sum()),
        "n_calibration_customers": int(len(seg.calibration)),
        "n_repeat_customers": int((seg.calibration["x"] > 0).sum()),
        **{f"bgnbd_{k}": round(v, 6) for k, v in bg.params.items()},
        **{f"bgnbd_{k}_se": round(v, 6) for k, v in bg.se.items()},
        "bgnbd_loglik": round(bg.loglik, 3),
        **({f"gg_{k}": round(v, 6) for k, v in gg.params.items()} if gg else
           {"gg_p": None, "gg_q": None, "gg_v": None}),
        **({f"pareto_{k}": round(v, 6) for k, v in pn.params.items()} if pn else {}),
        "holdout_purchases_mae": round(seg.check.mae, 6),
        "holdout_total_rel_error": round(seg.check.total_rel_error, 6),
        "holdout_total_rel_error_pareto": (None if seg.check.pareto_total_rel_error is None
                                           else round(seg.check.pareto_total_rel_error, 6)),
        "holdout_spend_spearman": None if seg.check.spend_spearman is None else round(seg.check.spend_spearman, 4),
        "calibration_end": f"{seg.calibration_end:%Y-%m-%d}", "as_of": f"{seg.as_of:%Y-%m-%d}",
        "clv_total": round(float(t["clv"].sum()), 2),
    }
    for tier in tiers.VALUE_TIERS:
        sel = t["value_tier"] == tier
        out[f"share_value_{tier}"] = round(float(sel.mean()), 6)
        out[f"clv_share_value_{tier}"] = round(float(t.loc[sel, "clv"].sum() / max(t["clv"].sum(), 1e-9)), 6)
    for name in rfm.SEGMENTS:
        out[f"n_rfm_{indicators.key(name)}"] = int((t["rfm_segment"] == name).sum())
    return out


def summary_counts(t: pd.DataFrame) -> dict[str, int]:
    """Customers per segment of every view (for the headline)."""
    return {f"{col}:{v}": int(n) for col in ("rfm_segment", "value_tier", "behaviour", "lifecycle", "need")
            for v, n in t[col].value_counts().items()}


__all__ = ["Inputs", "Settings", "Segmentation", "load", "segment", "metrics", "np"]
