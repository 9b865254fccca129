"""Plain-language sentences and display tables of notebook 02 (every data-derived value through ``safe``)."""

from __future__ import annotations

import pandas as pd

from experiments.lab.report import safe
from experiments.segments import indicators, rfm, tiers
from experiments.segments.job import Segmentation

SLIPPING = ("At risk", "Cannot lose them")


def headline(seg: Segmentation):
    """The first screen: who the best customers are, who is slipping, what each value tier is worth."""
    t = seg.table
    ind = indicators.segment_indicators(t, "rfm_segment")
    champ = ind.loc["Champions"] if "Champions" in ind.index else None
    slip = ind.reindex([s for s in SLIPPING if s in ind.index])
    horizon = seg.settings.horizon_months
    lines = []
    if champ is not None:
        lines.append(safe.md("**Best customers.** {n:,} Champions ({share:.0%} of customers) bought recently and "
                             "often: they brought {rev:.0%} of revenue to date and are worth {clv:,.0f} each over "
                             "the next {h} months.", n=int(champ["customers"]), share=champ["share_customers"],
                             rev=champ["revenue_share"], clv=champ["clv_mean"], h=horizon).data)
    if len(slip):
        lines.append(safe.md("**Slipping.** {n:,} customers are *At risk* or *Cannot lose them* (frequent buyers who "
                             "stopped coming): {rev:.0%} of revenue to date, with an expected {churn:.0%} already "
                             "gone. Win them back first.", n=int(slip["customers"].sum()),
                             rev=float(slip["revenue_share"].sum()),
                             churn=float((slip["churn_rate"] * slip["customers"]).sum() / slip["customers"].sum())
                             ).data)
    vt = value_table(seg)
    parts = [safe.md("{tier}: {n:,} customers, {clv:,.0f} in total", tier=k, n=int(r["customers"]),
                     clv=r["clv_total"]).data for k, r in vt.iterrows()]
    lines.append(safe.md("**What each group is worth** (predicted margin over {h} months, discounted): ",
                         h=horizon).data + "; ".join(parts) + ".")
    return _markdown("\n\n".join(lines))


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)  # every piece was built by safe.md above


def value_table(seg: Segmentation) -> pd.DataFrame:
    """Indicators per value tier (high, medium, potential, low), rounded for display."""
    return indicators.segment_indicators(seg.table, "value_tier", tiers.VALUE_TIERS)


LABELS = {"customers": "customers", "share_customers": "% of customers", "revenue_share": "% of revenue",
          "clv_mean": "CLV per customer", "clv_total": "CLV total", "purchase_cycle_days": "days between purchases",
          "repeat_rate": "% repeat buyers", "churn_rate": "% expected churned",
          "interactions_per_month": "contacts + purchases / month", "channel": "main channel",
          "channel_share": "% on main channel"}


def rounded(ind: pd.DataFrame) -> pd.DataFrame:
    """Indicators for display: shares as percentages, money in whole units, readable column names; the customers
    who never bought (no segment) are labelled as such."""
    out = ind.copy()
    for c in ("share_customers", "revenue_share", "repeat_rate", "churn_rate", "channel_share"):
        if c in out.columns:
            out[c] = (100 * out[c]).round(1)
    for c in ("clv_mean", "clv_total"):
        out[c] = out[c].round(0)
    for c in ("purchase_cycle_days", "interactions_per_month"):
        out[c] = out[c].round(1)
    out = out.rename(index={"n/a": "never bought"}, columns=LABELS)
    out.index.name = None
    return out


def model_sentence(seg: Segmentation):
    """One paragraph on the holdout check."""
    c = seg.check
    unit = {"W": "weeks", "D": "days"}[seg.settings.time_unit]
    length = (seg.as_of - seg.calibration_end).days / (7 if unit == "weeks" else 1)
    pareto = ("" if c.pareto_total_rel_error is None else
              f" Pareto/NBD, fitted beside it as a check, is off by {c.pareto_total_rel_error:+.0%}.")
    text = safe.md("Fitted on purchases up to {cal} and tested on the {n:.0f} {unit} after it, the BG/NBD predicts "
                   "{pred:,.0f} repeat purchases against {act:,.0f} made ({err:+.0%}); per customer it is off by "
                   "{mae:.2f} purchases on average.", cal=f"{seg.calibration_end:%Y-%m-%d}", n=length, unit=unit,
                   pred=float(c.per_customer["predicted"].sum()), act=float(c.per_customer["actual"].sum()),
                   err=c.total_rel_error, mae=c.mae).data
    return _markdown(text + pareto)


def rfm_rules() -> pd.DataFrame:
    """The RFM segment rules table, indexed by the order in which the rules are applied (1 first)."""
    t = rfm.rules_table()
    t.index = pd.RangeIndex(1, len(t) + 1, name="rule")
    return t


def verdict(seg: Segmentation, previous: pd.DataFrame | None):
    """The closing recommendation in plain words."""
    t = seg.table
    slip = t[t["rfm_segment"].isin(SLIPPING)]
    champ = t[t["rfm_segment"] == "Champions"]
    high = t[t["value_tier"] == "high"]
    text = safe.md("Protect the {nc:,} Champions (predicted {cc:,.0f} over {h} months) and win back the {ns:,} "
                   "slipping customers first: they hold {cs:,.0f} of predicted value and bought {rs:.0%} of revenue "
                   "to date. The high value tier, {nh:,} customers, carries {sh:.0%} of all predicted value.",
                   nc=len(champ), cc=float(champ["clv"].sum()), h=seg.settings.horizon_months, ns=len(slip),
                   cs=float(slip["clv"].sum()),
                   rs=float(slip["total_spend"].sum() / max(t["total_spend"].sum(), 1e-9)), nh=len(high),
                   sh=float(high["clv"].sum() / max(t["clv"].sum(), 1e-9))).data
    c = seg.check
    trust = safe.md(" Treat CLV as a ranking rather than a forecast: on the holdout the model was off by {e:+.0%} in "
                    "total.", e=c.total_rel_error).data if abs(c.total_rel_error) > 0.2 else safe.md(
        " The purchase model passed its holdout check ({e:+.0%} in total), so the CLV figures can be used as "
        "forecasts.", e=c.total_rel_error).data
    return _markdown(text + trust)
