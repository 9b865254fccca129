"""Calibration / holdout check of the purchase models and customer lifetime value.

``check_holdout`` fits BG/NBD, Pareto/NBD and Gamma-Gamma on the calibration summary and compares each customer's
expected repeat purchases in the holdout with what they did, per customer, in total, by number of calibration
purchases (Fader, Hardie & Lee 2005, figure 4) and cumulatively over holdout time (figure 3 without the calibration
part). ``lifetime_value`` is the discounted expected margin of the next ``horizon_months``: the BG/NBD expected
purchases in each month times the Gamma-Gamma expected spend (Fader, Hardie & Lee 2005, "RFM and CLV").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.segments import btyd
from experiments.segments.transactions import UNITS, daily

DAYS_PER_MONTH = 365.25 / 12


@dataclass
class Models:
    """The three fits on one summary."""

    bgnbd: btyd.Fit
    pareto: btyd.Fit | None
    gamma_gamma: btyd.Fit | None

    def table(self) -> pd.DataFrame:
        """All parameters with standard errors, one row per (model, parameter)."""
        fits = [f for f in (self.bgnbd, self.pareto, self.gamma_gamma) if f is not None]
        return pd.concat({f.model: f.table().rename_axis("parameter") for f in fits}, names=["model"])


def fit_models(summary: pd.DataFrame, *, pareto: bool, pareto_max_customers: int, seed: int) -> Models:
    """Fit BG/NBD (and, with ``pareto``, the Pareto/NBD: on every customer up to ``pareto_max_customers``, above it
    on a sample drawn with ``seed``) on all customers and Gamma-Gamma on the repeat customers of ``summary``."""
    bg = btyd.fit_bgnbd(summary["x"], summary["t_x"], summary["T"])
    pn = (btyd.fit_pareto(summary["x"], summary["t_x"], summary["T"], max_customers=pareto_max_customers, seed=seed)
          if pareto else None)
    rep = summary[(summary["x"] > 0) & (summary["m"] > 0)]  # a zero mean repeat value has no Gamma density
    gg = btyd.fit_gamma_gamma(rep["x"], rep["m"]) if len(rep) >= 3 else None
    return Models(bgnbd=bg, pareto=pn, gamma_gamma=gg)


@dataclass
class HoldoutCheck:
    """Predicted against actual holdout repeat purchases."""

    per_customer: pd.DataFrame
    by_frequency: pd.DataFrame
    cumulative: pd.DataFrame
    mae: float
    total_rel_error: float
    pareto_total_rel_error: float | None
    spend_spearman: float | None


def check_holdout(summary: pd.DataFrame, models: Models, tx: pd.DataFrame, calibration_end: pd.Timestamp,
                  holdout_end: pd.Timestamp, time_unit: str, max_frequency: int = 7) -> HoldoutCheck:
    """Compare predictions for (calibration_end, holdout_end] with the holdout purchases in ``summary``.

    ``summary`` must carry x_holdout and amount_holdout (``transactions.summarise`` with ``holdout_end``).
    MAE is per customer; the total relative error is (predicted - actual) / actual over all customers.
    """
    unit = UNITS[time_unit]
    length = (holdout_end - calibration_end).days / unit
    s = summary
    pred = btyd.bgnbd_conditional(models.bgnbd.params, length, s["x"], s["t_x"], s["T"])
    per = pd.DataFrame({"x": s["x"], "actual": s["x_holdout"], "predicted": pred}, index=s.index)
    pareto_rel = None
    if models.pareto is not None:
        per["predicted_pareto"] = btyd.pareto_conditional(models.pareto.params, length, s["x"], s["t_x"], s["T"])
        pareto_rel = float((per["predicted_pareto"].sum() - per["actual"].sum()) / max(per["actual"].sum(), 1e-9))
    spear = None
    if models.gamma_gamma is not None:
        spend = btyd.gg_expected_spend(models.gamma_gamma.params, s["x"], s["m"].where(s["x"] > 0))
        per["predicted_spend"] = pred * spend
        per["actual_spend"] = s["amount_holdout"]
        if per["actual_spend"].nunique() > 1:
            spear = float(per["predicted_spend"].rank().corr(per["actual_spend"].rank()))
    band = np.minimum(per["x"], max_frequency).astype(int)
    by_f = per.groupby(band).agg(customers=("x", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    by_f.index = [f"{k}+" if k == max_frequency else str(k) for k in by_f.index]
    by_f.index.name = "calibration repeat purchases"
    cum = _cumulative(s, models.bgnbd.params, tx, calibration_end, holdout_end, unit)
    actual_total = float(per["actual"].sum())
    return HoldoutCheck(per_customer=per, by_frequency=by_f, cumulative=cum,
                        mae=float((per["predicted"] - per["actual"]).abs().mean()),
                        total_rel_error=float((per["predicted"].sum() - actual_total) / max(actual_total, 1e-9)),
                        pareto_total_rel_error=pareto_rel, spend_spearman=spear)


def _cumulative(s: pd.DataFrame, params: dict, tx: pd.DataFrame, calibration_end: pd.Timestamp,
                holdout_end: pd.Timestamp, unit: float) -> pd.DataFrame:
    """Cumulative actual and expected holdout repeat purchases of the calibration cohort, per time unit."""
    length = int(np.floor((holdout_end - calibration_end).days / unit))
    steps = np.arange(1, max(length, 1) + 1, dtype=float)
    expected = np.array([btyd.bgnbd_conditional(params, t, s["x"], s["t_x"], s["T"]).sum() for t in steps])
    d = daily(tx)
    ho = d[(d["date"] > calibration_end) & (d["date"] <= holdout_end) & d["customer_id"].isin(s.index)]
    k = np.ceil((ho["date"] - calibration_end).dt.days / unit).astype(int).clip(1, len(steps))
    actual = np.cumsum(np.bincount(k, minlength=len(steps) + 1)[1:])
    return pd.DataFrame({"actual": actual, "predicted": expected}, index=pd.Index(steps.astype(int), name="period"))


def lifetime_value(models: Models, summary: pd.DataFrame, time_unit: str, horizon_months: int,
                   annual_discount: float, margin: float) -> pd.DataFrame:
    """Return per customer: p_alive, expected purchases and spend over the horizon, and clv.

    clv = margin * sum over months k of E[purchases in month k] * E[spend] / (1 + annual_discount)^(k / 12), with
    expected purchases from the BG/NBD and spend from the Gamma-Gamma (population mean spend when it could not be
    fitted, i.e. fewer than 3 repeat customers: then the calibration mean amount).
    """
    bg = models.bgnbd.params
    unit = UNITS[time_unit]
    s = summary
    months = np.arange(0, horizon_months + 1)
    cum = np.stack([btyd.bgnbd_conditional(bg, k * DAYS_PER_MONTH / unit, s["x"], s["t_x"], s["T"])
                    if k else np.zeros(len(s)) for k in months], axis=1)
    per_month = np.diff(cum, axis=1)
    disc = (1 + annual_discount) ** (-months[1:] / 12)
    if models.gamma_gamma is not None:
        spend = btyd.gg_expected_spend(models.gamma_gamma.params, s["x"], s["m"].where(s["x"] > 0))
    else:
        spend = np.full(len(s), float(s["monetary"].mean()))
    return pd.DataFrame({
        "p_alive": btyd.bgnbd_p_alive(bg, s["x"], s["t_x"], s["T"]),
        "expected_purchases": cum[:, -1],
        "expected_spend": spend,
        "clv": margin * (per_month * disc).sum(axis=1) * spend,
    }, index=s.index)
