"""The customer-360 profile: one row per customer of ``customers``, one block per analysis.

Every block has ``<block>_status`` (``fresh``; ``stale``: the table is older than ``max_age_days``, so its values
are left out; ``not computed``: the table is missing), ``<block>_run_id`` and ``<block>_run_time`` (UTC): the
runner's run that published the source table and when (``data.processed.provenance``; ``not recorded`` for a table
published outside the runner), or for your own file its fingerprint and modification time. Inside a fresh block a
customer the table does not mention gets ``none`` (text) or 0 (counts), never a silent NaN; the measures of a stale
or missing block are empty and its status says why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.profile.sources import FRESH, Data, Source

NONE = "none"
NOT_COMPUTED = "not computed"
#: block -> the tables it comes from (the first one sets the status, run id and run time)
BLOCKS = {
    "identity": ("customers",),
    "value": ("segments",),
    "risk": ("churn_scores",),
    "feelings": ("feedback_scored", "care_queue"),
    "service": ("service_contacts",),
    "recommendations": ("recommendations",),
    "ads": ("ad_events",),
    "next_action": ("next_best_actions",),
}
GRADE_ORDER = {"mild": 1, "moderate": 2, "severe": 3}
AGE_GROUPS = ((0, 25, "18-24"), (25, 35, "25-34"), (35, 45, "35-44"), (45, 55, "45-54"), (55, 200, "55+"))
CONSENT_COLUMNS = ("marketing_consent", "consent")
OPT_OUT_COLUMNS = ("opt_out", "marketing_opt_out", "unsubscribed")


#: The profile's columns after ``customer_id``, per block (audience rules are checked against these before anything
#: is read); each block also has ``<block>_status``, ``<block>_run_id`` and ``<block>_run_time``.
FIELDS = {
    "identity": ["name", "email", "phone", "city", "gender", "signup_date", "acquisition_channel", "age_group",
                 "consent"],
    "value": ["segment", "value_tier", "lifecycle", "clv", "p_alive", "n_purchases", "total_spend",
              "engagement_per_month", "premium_share"],
    "risk": ["churn_probability", "churn_tier", "top_reasons"],
    "feelings": ["latest_sentiment", "negatives_90d", "open_care_grade"],
    "service": ["n_contacts", "n_breaches", "n_escalations", "satisfaction"],
    "recommendations": ["top_items"],
    "ads": ["experiments_seen", "last_variant"],
    "next_action": ["next_action", "next_action_gain", "next_action_reason"],
}


def profile_columns() -> list[str]:
    """Every column of ``customer_360`` in order."""
    return ["customer_id"] + [c for block, fields in FIELDS.items()
                              for c in [*fields, f"{block}_status", f"{block}_run_id", f"{block}_run_time"]]


def _meta(block: str, source: Source, ids: pd.Index) -> pd.DataFrame:
    status = source.status if source.status != FRESH or source.frame is not None else NOT_COMPUTED
    return pd.DataFrame({f"{block}_status": status, f"{block}_run_id": source.run_id or None,
                         f"{block}_run_time": source.run_time or None}, index=ids)


def _text(values: pd.Series, ids: pd.Index, computed: bool) -> pd.Series:
    out = values.reindex(ids).astype("object")
    return out.where(out.notna(), NONE if computed else NOT_COMPUTED)


def age_group(birth: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """Age band at ``as_of`` from a birth date (``unknown`` without one)."""
    born = pd.to_datetime(birth, errors="coerce")
    years = (as_of.tz_localize(None) - born).dt.days / 365.25
    out = pd.Series("unknown", index=birth.index, dtype="object")
    for lo, hi, label in AGE_GROUPS:
        out[(years >= lo) & (years < hi)] = label
    return out


def consent(customers: pd.DataFrame) -> pd.Series:
    """Marketing consent per customer: a consent column when there is one, else not an opt-out, else True."""
    for col in CONSENT_COLUMNS:
        if col in customers.columns:
            return customers[col].map(lambda v: str(v).strip().lower() in ("1", "true", "yes", "y")).astype(bool)
    for col in OPT_OUT_COLUMNS:
        if col in customers.columns:
            return ~customers[col].map(lambda v: str(v).strip().lower() in ("1", "true", "yes", "y")).astype(bool)
    return pd.Series(True, index=customers.index)


def identity(src: Source, as_of: pd.Timestamp, ids: pd.Index | None = None) -> pd.DataFrame:
    """Who the customer is (masked in every report): name, email, phone, city, signup, channel, consent, age.
    Without a usable ``customers`` table the customers are ``ids`` (every id the other tables name), unknown."""
    c = (src.frame.drop_duplicates("customer_id").set_index("customer_id") if src.usable
         else pd.DataFrame({"consent": False}, index=ids if ids is not None else pd.Index([], name="customer_id")))
    cols = ["name", "email", "phone", "city", "gender", "signup_date", "acquisition_channel"]
    out = pd.DataFrame({col: c[col] if col in c.columns else pd.NA for col in cols}, index=c.index)
    out["age_group"] = age_group(c["birth_date"], as_of) if "birth_date" in c.columns else "unknown"
    out["gender"] = out["gender"].astype("object").where(out["gender"].notna(), "unknown")
    out["city"] = out["city"].astype("object").where(out["city"].notna(), "unknown")
    out["consent"] = consent(c).to_numpy()
    return out


def value(src: Source, ids: pd.Index, orders: Source, items: pd.DataFrame | None) -> pd.DataFrame:
    """Segment, value tier, lifecycle, CLV, p_alive, purchases, spend; and the two lookalike traits
    (``engagement_per_month``: purchases per month of tenure; ``premium_share``: share of completed lines priced
    above their category's median)."""
    ok = src.usable
    s = src.frame.drop_duplicates("customer_id").set_index("customer_id") if ok else pd.DataFrame(index=ids)
    out = pd.DataFrame(index=ids)
    out["segment"] = _text(s.get("rfm_segment", pd.Series(dtype=object)), ids, ok)
    out["value_tier"] = _text(s.get("value_tier", pd.Series(dtype=object)), ids, ok)
    out["lifecycle"] = _text(s.get("lifecycle", pd.Series(dtype=object)), ids, ok)
    for col in ("clv", "p_alive", "n_purchases", "total_spend"):
        out[col] = pd.to_numeric(s[col], errors="coerce").reindex(ids) if ok and col in s.columns else np.nan
    if ok and {"n_purchases", "tenure_days"} <= set(s.columns):
        months = np.maximum(pd.to_numeric(s["tenure_days"], errors="coerce") / 30.44, 1.0)
        out["engagement_per_month"] = (pd.to_numeric(s["n_purchases"], errors="coerce") / months).reindex(ids)
    else:
        out["engagement_per_month"] = np.nan
    out["premium_share"] = premium_share(orders, items).reindex(ids) if orders.usable else np.nan
    return out


def premium_share(orders: Source, items: pd.DataFrame | None) -> pd.Series:
    """Share of a customer's completed lines priced above the median price of the item's category (or of all
    lines when there is no item catalogue)."""
    o = orders.frame
    o = o[o["customer_id"].notna() & (o.get("status", "completed") == "completed")]
    price = pd.to_numeric(o["unit_price"], errors="coerce")
    if items is not None and {"item_id", "category"} <= set(items.columns):
        cat = o["item_id"].map(items.drop_duplicates("item_id").set_index("item_id")["category"])
        median = price.groupby(cat.fillna("?")).transform("median")
    else:
        median = pd.Series(price.median(), index=o.index)
    return (price > median).groupby(o["customer_id"]).mean()


def risk(src: Source, ids: pd.Index) -> pd.DataFrame:
    """Churn probability, tier and the top three reasons (``none``: the customer was not scored)."""
    ok = src.usable
    s = src.frame.drop_duplicates("customer_id").set_index("customer_id") if ok else pd.DataFrame(index=ids)
    out = pd.DataFrame(index=ids)
    out["churn_probability"] = pd.to_numeric(s["churn_probability"], errors="coerce").reindex(ids) if ok else np.nan
    out["churn_tier"] = _text(s.get("tier", pd.Series(dtype=object)), ids, ok)
    if ok:
        parts = [c for c in ("reason_1", "reason_2", "reason_3") if c in s.columns]
        reasons = (pd.Series("", index=s.index) if parts
                   else s.get("reasons", pd.Series("", index=s.index)).astype(object).fillna("").astype(str))
        for col in parts:  # "r1; r2; r3" without empty parts, vectorised
            part = s[col].astype(object).fillna("").astype(str)
            reasons = reasons.where(part.eq(""), reasons.where(reasons.eq(""), reasons + "; ") + part)
        reasons = reasons.replace("", np.nan)
    else:
        reasons = pd.Series(dtype=object)
    out["top_reasons"] = _text(reasons, ids, ok)
    return out


def feelings(fb: Source, care: Source, ids: pd.Index, as_of: pd.Timestamp, days: int) -> pd.DataFrame:
    """Latest sentiment, negative messages in the last ``days`` and the open care grade (``none``: no feedback)."""
    out = pd.DataFrame(index=ids)
    if fb.usable:
        f = fb.frame[fb.frame["customer_id"].notna()].copy()
        f["created_at"] = pd.to_datetime(f["created_at"], utc=True, errors="coerce")
        latest = f.sort_values("created_at").groupby("customer_id")["sentiment"].last()
        recent = f[(f["created_at"] >= as_of - pd.Timedelta(days=days)) & (f["created_at"] <= as_of)]
        neg = recent[recent["sentiment"] == "negative"].groupby("customer_id").size()
        out["latest_sentiment"] = _text(latest, ids, True)
        out["negatives_90d"] = neg.reindex(ids).fillna(0).astype(float)
    else:
        out["latest_sentiment"] = NOT_COMPUTED
        out["negatives_90d"] = np.nan
    if care.usable:
        q = care.frame[care.frame["customer_id"].notna()]
        worst = q.assign(o=q["grade"].map(GRADE_ORDER)).sort_values("o").groupby("customer_id")["grade"].last()
        out["open_care_grade"] = _text(worst, ids, True)
    else:
        out["open_care_grade"] = NOT_COMPUTED
    return out


def service(src: Source, ids: pd.Index, target_minutes: float) -> pd.DataFrame:
    """Contacts, breaches (first reply later than ``target_minutes`` or none), escalations (handed to an agent),
    mean satisfaction (empty when never rated)."""
    out = pd.DataFrame(index=ids)
    if not src.usable:
        for col in ("n_contacts", "n_breaches", "n_escalations", "satisfaction"):
            out[col] = np.nan
        return out
    s = src.frame[src.frame["customer_id"].notna()].copy()
    opened = pd.to_datetime(s["opened_at"], utc=True, errors="coerce")
    reply = pd.to_datetime(s["first_reply_at"], utc=True, errors="coerce") if "first_reply_at" in s else opened
    late = ((reply - opened).dt.total_seconds() / 60 > target_minutes) | reply.isna()
    esc = s["handed_to_agent"].astype(bool) if "handed_to_agent" in s else pd.Series(False, index=s.index)
    g = s.assign(late=late, esc=esc).groupby("customer_id")
    out["n_contacts"] = g.size().reindex(ids).fillna(0).astype(float)
    out["n_breaches"] = g["late"].sum().reindex(ids).fillna(0).astype(float)
    out["n_escalations"] = g["esc"].sum().reindex(ids).fillna(0).astype(float)
    sat = pd.to_numeric(s["satisfaction"], errors="coerce") if "satisfaction" in s else pd.Series(np.nan, s.index)
    out["satisfaction"] = sat.groupby(s["customer_id"]).mean().reindex(ids)
    return out


def recommendations(src: Source, ids: pd.Index, n: int) -> pd.DataFrame:
    """The top ``n`` recommended items, ``|``-joined in rank order (``none``: nothing recommended)."""
    if not src.usable:
        return pd.DataFrame({"top_items": NOT_COMPUTED}, index=ids)
    r = src.frame.sort_values(["customer_id", "rank"])
    r = r[r["rank"] <= n]
    label = r["item_name"].fillna(r["item_id"]) if "item_name" in r else r["item_id"]
    top = label.astype(str).groupby(r["customer_id"]).agg(" | ".join)
    return pd.DataFrame({"top_items": _text(top, ids, True)}, index=ids)


def ads(src: Source, ids: pd.Index) -> tuple[pd.DataFrame, str]:
    """Experiments seen and the last variant of the customer's logged-in ad units (cleaning maps the company world's
    ``member_ref`` to ``customer_id``); a table without ``customer_id`` (all units anonymous, or cleaned before the
    link existed) makes the block ``not computed`` with that reason."""
    if not src.usable or "customer_id" not in src.frame.columns:
        why = "ad events carry no customer_id" if src.usable else src.status
        return pd.DataFrame({"experiments_seen": np.nan, "last_variant": NOT_COMPUTED}, index=ids), why
    a = src.frame[src.frame["customer_id"].notna()].sort_values("date", kind="stable")
    g = a.groupby("customer_id")
    out = pd.DataFrame(index=ids)
    out["experiments_seen"] = g["experiment_id"].nunique().reindex(ids).fillna(0).astype(float)
    out["last_variant"] = _text(g["variant"].last(), ids, True)
    return out, ""


def next_action(src: Source, ids: pd.Index) -> pd.DataFrame:
    """09's decision per customer (``next_best_actions``, the one decider of actions): the action, its expected gain
    after its cost and the reason; ``none`` for a customer 09 did not decide on (a control-group customer's action is
    ``none`` in the table itself, the reason says so)."""
    if not src.usable:
        return pd.DataFrame({"next_action": NOT_COMPUTED, "next_action_gain": np.nan,
                             "next_action_reason": NOT_COMPUTED}, index=ids)
    a = src.frame[src.frame["customer_id"].notna()].drop_duplicates("customer_id").set_index("customer_id")
    gain = pd.to_numeric(a.get("expected_gain", pd.Series(dtype=float)), errors="coerce")  # net of its cost
    return pd.DataFrame({"next_action": _text(a["action"], ids, True),
                         "next_action_gain": gain.reindex(ids),
                         "next_action_reason": _text(a.get("reason", pd.Series(dtype=object)), ids, True)},
                        index=ids)


def build(data: Data, target_minutes: float, n_recs: int, negative_days: int,
          items: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The ``customer_360`` table and, per block, a note why it is not computed (empty when it is)."""
    t = data.tables
    others = [s.frame["customer_id"].dropna() for s in t.values() if s.usable and "customer_id" in s.frame]
    known = pd.Index(sorted(set(pd.concat(others).astype(str))) if others else [], name="customer_id")
    ident = identity(t["customers"], data.as_of, known)
    ids = ident.index
    ad_block, ad_note = ads(t["ad_events"], ids)
    parts = {
        "identity": ident,
        "value": value(t["segments"], ids, t["orders"], items),
        "risk": risk(t["churn_scores"], ids),
        "feelings": feelings(t["feedback_scored"], t["care_queue"], ids, data.as_of, negative_days),
        "service": service(t["service_contacts"], ids, target_minutes),
        "recommendations": recommendations(t["recommendations"], ids, n_recs),
        "ads": ad_block,
        "next_action": next_action(t["next_best_actions"], ids),
    }
    frames, notes = [], {}
    for block, frame in parts.items():
        src = t[BLOCKS[block][0]]
        meta = _meta(block, src, ids)
        if block == "ads" and ad_note and src.usable:
            meta["ads_status"] = NOT_COMPUTED
        notes[block] = ad_note if block == "ads" and ad_note else ("" if src.usable else f"{src.status}: {src.origin}")
        frames.append(frame.join(meta))
    profile = pd.concat(frames, axis=1).rename_axis("customer_id").reset_index()
    return profile[profile_columns()], notes
