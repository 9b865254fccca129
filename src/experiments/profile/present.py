"""Text and tables of the Customer 360 report: masked (identity always), shortened and escaped (``lab.report.safe``)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

from experiments.common.masking import mask_pii, visible_controls
from experiments.lab.report import safe
from experiments.profile.blocks import NONE, NOT_COMPUTED
from experiments.profile.result import Result

TIERS = ["high", "medium", "low"]
PERSONAL = {"name", "email", "phone"}


def answer(result: Result) -> Markdown:
    """Who the customers are, what is at stake and how fresh the picture is, in two sentences."""
    m = result.metrics()
    stale = result.freshness.query("status != 'fresh'")
    at_stake = value_at_stake(result.profile)
    high = result.profile[result.profile["churn_tier"] == "high"]
    lead = (f"**{m['n_customers']:,} customers** in one profile, {m['n_blocks_fresh']} of {len(result.freshness)} "
            f"blocks fresh; {len(high):,} customers are at high churn risk")
    tail = f", holding {at_stake.loc[high.index].sum():,.0f} of value at stake." if len(high) else "."
    names = ", ".join(safe.text(b) for b in stale["block"]) or "none"
    return Markdown(f"{lead}{tail} Not fresh: {names}. {m['n_timeline_events']:,} events on the timeline, "
                    f"{m['n_cards']} customer cards below.")


def value_at_stake(profile: pd.DataFrame) -> pd.Series:
    """CLV x churn probability per customer (0 when either is unknown)."""
    return (pd.to_numeric(profile["clv"], errors="coerce").fillna(0)
            * pd.to_numeric(profile["churn_probability"], errors="coerce").fillna(0))


def by_segment(result: Result) -> pd.DataFrame:
    """Per segment: customers, mean CLV, mean churn probability, share with a negative message lately, share in the
    high value tier."""
    p = result.profile
    g = p.assign(neg=pd.to_numeric(p["negatives_90d"], errors="coerce") > 0,
                 high=p["value_tier"] == "high").groupby("segment", dropna=False)
    out = pd.DataFrame({"customers": g.size(), "mean CLV": g["clv"].mean().round(0),
                        "mean churn probability": g["churn_probability"].mean().round(3),
                        "negative lately": g["neg"].mean().round(3), "high value tier": g["high"].mean().round(3)})
    return safe.frame(out.sort_values("customers", ascending=False).reset_index())


def matrix(result: Result) -> pd.DataFrame:
    """Value tier x churn tier: customers and value at stake (CLV x churn probability) per cell."""
    p = result.profile.assign(at_stake=value_at_stake(result.profile))
    rows = [t for t in TIERS if t in set(p["value_tier"])] + sorted(set(p["value_tier"]) - set(TIERS))
    cols = [t for t in TIERS if t in set(p["churn_tier"])] + sorted(set(p["churn_tier"]) - set(TIERS))
    count = pd.crosstab(p["value_tier"], p["churn_tier"]).reindex(index=rows, columns=cols, fill_value=0)
    stake = p.pivot_table(index="value_tier", columns="churn_tier", values="at_stake", aggfunc="sum",
                          fill_value=0).reindex(index=rows, columns=cols, fill_value=0)
    cells = count.astype(int).astype(str) + " · " + stake.round(0).map("{:,.0f}".format)
    cells.index.name, cells.columns.name = "value tier \\ churn tier", None
    return safe.frame(cells.reset_index())


def freshness(result: Result) -> pd.DataFrame:
    """Every block's source table, status (fresh, stale, not computed), run id and time."""
    return safe.frame(result.freshness)


def audiences(result: Result) -> pd.DataFrame:
    """Every audience's rule, size, share, value and the customers left out for consent."""
    return safe.frame(result.audience_summary.assign(share=lambda d: d["share"].round(4),
                                                     value=lambda d: d["value"].round(0)))


def lookalike(result: Result) -> Markdown:
    """How many prospects were scored against how big a seed, or why none were."""
    look = result.lookalike
    if not len(look.scores):
        return safe.md("No prospects scored: {why}.", why=look.note or "no prospects")
    return safe.md("**{n:,} prospects scored** by a calibrated {model} classifier of {seed:,} seed customers "
                   "({rule}) against {other:,} others; {skip:,} prospects who are already customers were left out. "
                   "The top tenth ({top:,} people) have a seed-likeness of {lo:.2f} or more.",
                   n=len(look.scores), model=result.config.lookalike_model, seed=look.n_seed,
                   rule=result.config.lookalike_seed, other=look.n_train - look.n_seed,
                   skip=look.n_already_customers, top=len(look.top_decile),
                   lo=float(look.top_decile["score"].min()))


def mask_name(v: str) -> str:
    """A name shown by its first character only (``Jennifer Perry`` -> ``J*************``)."""
    return v[:1] + "*" * max(len(v) - 1, 0)


def _h(v: object, max_chars: int = 60) -> str:
    """Data text for HTML: masked, shortened and HTML-escaped (no Markdown escaping inside HTML)."""
    return html.escape(safe.shorten(visible_controls(mask_pii(str(v))), max_chars), quote=True)


def _value(field: str, v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float | np.floating) and np.isnan(v)):
        return "–"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float | np.floating | int | np.integer):
        v = float(v)
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}" if abs(v) < 10 else f"{v:,.0f}"
    if field == "name":
        return html.escape(mask_name(str(v)))
    if field in PERSONAL:
        return html.escape(mask_pii(str(v), personal=True))
    return _h(v, 120)


def _shown(v: object) -> bool:
    return not (isinstance(v, str) and v in (NONE, NOT_COMPUTED))


def card_html(card: dict) -> str:
    """One card: a headline (id, segment, tiers), one line per block, then the last events (newest first)."""
    b = card["blocks"]
    head = (f"<b>{_h(card['customer_id'])}</b> · {_value('segment', b['value'].get('segment'))} · value "
            f"{_value('value_tier', b['value'].get('value_tier'))} · churn "
            f"{_value('churn_tier', b['risk'].get('churn_tier'))}")
    lines = []
    for block, fields in b.items():
        status = fields.get("status")
        if status != "fresh":
            lines.append(f"<li><i>{block}</i>: {_h(status)}</li>")
            continue
        parts = [f"{f.replace('_', ' ')} {_value(f, v)}" for f, v in fields.items() if f != "status" and _shown(v)]
        lines.append(f"<li><i>{block}</i>: {'; '.join(parts) or NONE}</li>")
    ev = card["events"]
    rows = "".join(f"<tr><td>{t:%Y-%m-%d}</td><td>{_h(k)}</td><td>{_h(c, 20)}</td><td>{_h(s)}</td></tr>"
                   for t, k, c, s in zip(ev["time"], ev["kind"], ev["channel"], ev["summary"], strict=True))
    events = (f"<table><tr><th>when</th><th>what</th><th>channel</th><th>summary</th></tr>{rows}</table>" if rows
              else "<p>no events</p>")
    return f"<div style='border:1px solid #ccc;padding:6px;margin:6px 0'>{head}<ul>{''.join(lines)}</ul>{events}</div>"


def cards(result: Result) -> HTML:
    """Every card, one after the other (identity masked, text escaped, no script)."""
    if not result.cards:
        return HTML("<p>No customer is on this week's care or retention list and no card_ids were given.</p>")
    return HTML("".join(card_html(c) for c in result.cards))

