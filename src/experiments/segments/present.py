"""Plain-language sentences and display tables of notebook 02 (every data-derived value through ``safe``)."""

from __future__ import annotations

import pandas as pd

from experiments.lab.report import safe
from experiments.segments import indicators, rfm
from experiments.segments.result import Result

SLIPPING = ("At risk", "Cannot lose them")
ALERTS_SHOWN = 20  # customers listed under the alert moves


def headline(seg: Result):
    """The first screen: who the best customers are, who is slipping, what each value tier is worth."""
    t = seg.table
    ind = indicators.segment_indicators(t, "rfm_segment")
    champ = ind.loc["Champions"] if "Champions" in ind.index else None
    slip = ind.reindex([s for s in SLIPPING if s in ind.index])
    horizon = seg.config.horizon_months
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


def value_table(seg: Result) -> pd.DataFrame:
    """Indicators per value tier (high, medium, potential, low), rounded for display."""
    return seg.indicators("value_tier")


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


def model_sentence(seg: Result):
    """One paragraph on the holdout check."""
    c = seg.check
    unit = {"W": "weeks", "D": "days"}[seg.config.time_unit]
    length = (seg.as_of - seg.calibration_end).days / (7 if unit == "weeks" else 1)
    pareto = ""
    pn = seg.models_calibration.pareto
    if c.pareto_total_rel_error is not None and pn is not None:
        pareto = f" Pareto/NBD, fitted beside it as a check, is off by {c.pareto_total_rel_error:+.0%}."
        if pn.extra["fit_customers"] < pn.n:
            pareto += (f" It was fitted on a random sample of {pn.extra['fit_customers']:,} of the {pn.n:,} "
                       f"calibration customers (above `pareto_max_customers`); its log-likelihood "
                       f"{pn.loglik:,.1f} is over all of them, against the BG/NBD's "
                       f"{seg.models_calibration.bgnbd.loglik:,.1f}.")
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


def verdict(seg: Result):
    """The closing recommendation in plain words."""
    t = seg.table
    slip = t[t["rfm_segment"].isin(SLIPPING)]
    champ = t[t["rfm_segment"] == "Champions"]
    high = t[t["value_tier"] == "high"]
    text = safe.md("Protect the {nc:,} Champions (predicted {cc:,.0f} over {h} months) and win back the {ns:,} "
                   "slipping customers first: they hold {cs:,.0f} of predicted value and bought {rs:.0%} of revenue "
                   "to date. The high value tier, {nh:,} customers, carries {sh:.0%} of all predicted value.",
                   nc=len(champ), cc=float(champ["clv"].sum()), h=seg.config.horizon_months, ns=len(slip),
                   cs=float(slip["clv"].sum()),
                   rs=float(slip["total_spend"].sum() / max(t["total_spend"].sum(), 1e-9)), nh=len(high),
                   sh=float(high["clv"].sum() / max(t["clv"].sum(), 1e-9))).data
    c = seg.check
    trust = safe.md(" Treat CLV as a ranking rather than a forecast: on the holdout the model was off by {e:+.0%} in "
                    "total.", e=c.total_rel_error).data if abs(c.total_rel_error) > 0.2 else safe.md(
        " The purchase model passed its holdout check ({e:+.0%} in total), so the CLV figures can be used as "
        "forecasts.", e=c.total_rel_error).data
    return _markdown(text + trust)


def run_info(seg: Result, git_revision: str = ""):
    """One line on what was read: source, purchases, customers, date, rows left out, fingerprint."""
    d = seg.data
    return safe.md("Run info: {src}, {n:,} purchases of {b:,} customers, as of {asof}; seed {seed}, data fingerprint "
                   "{fp}, git {git}. Rows left out: {dropped}. Full parameters in the appendix.", src=d.source,
                   n=len(d.tx), b=int(seg.table["n_purchases"].gt(0).sum()), asof=f"{seg.as_of:%Y-%m-%d}",
                   seed=seg.config.seed, fp=d.table.fingerprint, git=git_revision or "unknown",
                   dropped=left_out(d.dropped))


#: How the run-info line names each reason a row was left out (``sources.Data.dropped``).
LEFT_OUT = {"no_customer": "without a customer", "negative_amount": "with a negative amount (refunds)",
            "zero_amount": "with a zero amount", "non_finite_amount": "with an amount that is not a finite number",
            "future_date": "dated in the future (after as_of, or after today when as_of is empty)"}


def left_out(dropped: dict) -> str:
    """The rows left out as a phrase: '21 dated in the future (...), 1 with an amount that is not a finite number'
    (reasons with a count of zero omitted; 'none' when nothing was)."""
    parts = [f"{n:,} {LEFT_OUT.get(k, k)}" for k, n in dropped.items() if n]
    return ", ".join(parts) or "none"


def views(seg: Result) -> list:
    """The indicators of each view the run has (value, behaviour, lifecycle, needs), a title and a table each."""
    out = []
    for view, ind in seg.views.items():
        if view == "rfm_segment":
            continue
        out += [safe.md("**{v}**", v=view.replace("_", " ")), safe.frame(rounded(ind))]
    return out


def migration(seg: Result) -> list:
    """The migration section: a sentence on the moves since the previous run, the alert moves and the customers who
    made them, highest CLV first (or why there is no comparison)."""
    from experiments.segments import migration as mig

    if not seg.config.publish:
        return [safe.md("Publishing is off (`publish` = false): this run is not compared with earlier runs.")]
    moves = seg.moves
    if moves is None:
        return [safe.md("No previous run of this data source: the migration table starts with the next run.")]
    return [safe.md("{moved:,} of {both:,} customers changed segment since the run of {when}; {new:,} are new.",
                    moved=moves["moved"], both=moves["in_both"], new=moves["new"],
                    when=str(seg.previous["run_date"].iat[0])[:10]),
            safe.frame(pd.Series(moves["alerts"], name="customers").rename_axis("move").to_frame()),
            safe.frame(mig.alert_customers(seg.previous, seg.table, engine=seg.config.data_engine())
                       .head(ALERTS_SHOWN).round(0))]


def rules(seg: Result) -> pd.DataFrame:
    """The thresholds of the four views as a (parameter, value) table."""
    return seg.config.rules.table()
