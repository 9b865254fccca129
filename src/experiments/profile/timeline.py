"""The customer timeline: one row per event (order, return, feedback, service contact, escalation, care action, ad
exposure) with customer_id, time (UTC), kind, channel and a short masked summary; sorted by customer and time."""

from __future__ import annotations

import pandas as pd

from experiments.common.masking import mask_pii
from experiments.profile.sources import Data

COLUMNS = ["customer_id", "time", "kind", "channel", "summary"]
SUMMARY_CHARS = 80


def _short(values: pd.Series) -> pd.Series:
    """Masked (``mask_pii``) and cut to ``SUMMARY_CHARS`` characters."""
    return values.fillna("").astype(str).map(lambda v: mask_pii(v)[:SUMMARY_CHARS])


def orders(frame: pd.DataFrame) -> pd.DataFrame:
    """One event per order: ``order`` (lines, amount) or ``return`` (a returned or negative order)."""
    o = frame[frame["customer_id"].notna()]
    o = o.assign(returned=o["status"].eq("returned"), customer_id=o["customer_id"].astype(str),
                 order_id=o["order_id"].astype(str), channel=o["channel"].astype(str))
    g = o.groupby(["customer_id", "order_id", "channel"], sort=False).agg(
        time=("ordered_at", "min"), lines=("line_no", "size"), amount=("amount", "sum"), returned=("returned", "any"))
    g = g.reset_index()
    kind = pd.Series("order", index=g.index).where(~(g["returned"] | (g["amount"] < 0)), "return")
    summary = g["lines"].astype(str) + " line(s), " + g["amount"].round(2).map("{:,.2f}".format) + " CNY"
    return pd.DataFrame({"customer_id": g["customer_id"], "time": g["time"], "kind": kind,
                         "channel": g["channel"].astype(str), "summary": summary})


def feedback(frame: pd.DataFrame) -> pd.DataFrame:
    """One event per feedback message: its sentiment and topic label."""
    f = frame[frame["customer_id"].notna()]
    label = f["topic_label"] if "topic_label" in f else f["topic"].astype(str)
    return pd.DataFrame({"customer_id": f["customer_id"], "time": f["created_at"], "kind": "feedback",
                         "channel": f.get("channel", pd.Series("", index=f.index)).astype(str),
                         "summary": _short(f["sentiment"].astype(str) + ": " + label.astype(str))})


def service(frame: pd.DataFrame) -> pd.DataFrame:
    """One event per service contact (its topic) and one ``escalation`` per contact handed to an agent."""
    s = frame[frame["customer_id"].notna()]
    topic = s["topic"].fillna("contact") if "topic" in s else pd.Series("contact", index=s.index)
    contacts = pd.DataFrame({"customer_id": s["customer_id"], "time": s["opened_at"], "kind": "service contact",
                             "channel": s["channel"].astype(str), "summary": _short(topic)})
    esc = s[s["handed_to_agent"].astype(bool)] if "handed_to_agent" in s else s.iloc[:0]
    escalations = pd.DataFrame({"customer_id": esc["customer_id"], "time": esc["opened_at"], "kind": "escalation",
                                "channel": esc["channel"].astype(str),
                                "summary": _short("handed to an agent: " + topic.loc[esc.index].astype(str))})
    return pd.concat([contacts, escalations], ignore_index=True)


def care(frame: pd.DataFrame) -> pd.DataFrame:
    """One ``care action`` per care-queue row, at its due time."""
    q = frame[frame["customer_id"].notna()]
    return pd.DataFrame({"customer_id": q["customer_id"], "time": q["due_at"], "kind": "care action",
                         "channel": q.get("channels", pd.Series("", index=q.index)).fillna("").astype(str),
                         "summary": _short(q["grade"].astype(str) + ": " + q["action"].astype(str))})


def ads(frame: pd.DataFrame) -> pd.DataFrame:
    """One ``ad exposure`` per linked ad-event row (only when ad events carry a customer_id)."""
    a = frame[frame["customer_id"].notna()]
    return pd.DataFrame({"customer_id": a["customer_id"], "time": pd.to_datetime(a["date"]).dt.tz_localize("UTC"),
                         "kind": "ad exposure", "channel": a.get("channel", pd.Series("", index=a.index)).astype(str),
                         "summary": _short(a["experiment_id"].astype(str) + " / " + a["variant"].astype(str))})


def build(data: Data, customer_ids: pd.Index) -> pd.DataFrame:
    """Every event of the fresh tables for customers in ``customer_ids``, sorted by customer, time and kind."""
    t = data.tables
    parts = []
    if t["orders"].usable:
        parts.append(orders(t["orders"].frame))
    if t["feedback_scored"].usable:
        parts.append(feedback(t["feedback_scored"].frame))
    if t["service_contacts"].usable:
        parts.append(service(t["service_contacts"].frame))
    if t["care_queue"].usable:
        parts.append(care(t["care_queue"].frame))
    if t["ad_events"].usable and "customer_id" in t["ad_events"].frame.columns:
        parts.append(ads(t["ad_events"].frame))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS}).assign(
            time=pd.Series(dtype="datetime64[us, UTC]"))
    events = pd.concat([p.assign(time=pd.to_datetime(p["time"], utc=True, errors="coerce")) for p in parts],
                       ignore_index=True)
    events["customer_id"] = events["customer_id"].astype("string")
    events = events[events["customer_id"].isin(customer_ids) & events["time"].notna()]
    return events.sort_values(["customer_id", "time", "kind"], kind="stable", ignore_index=True)[COLUMNS]
