"""Customer feedback: who wrote what, when, about which order, with planted topic, sentiment and severity.

Complaints follow experiences: a ``delivery_delay`` text is written a few days after a late shop delivery by that
order's customer, a ``refund`` text after a return, a ``product_quality`` text about an item the author bought.
``plan_feedback`` draws the facts (used by the churn model: negative feedback raises the hazard); ``render_feedback``
composes the texts once order ids exist (``feedback_text``), from its own random stream.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.synthetic.feedback_text import TOPICS, compose
from experiments.synthetic.purchases import CANCELLED, LATE_DAYS, RETURN, RETURNED, SHOP, VOID
from experiments.synthetic.sizes import EPOCH

TOPIC_P = np.array([0.2, 0.17, 0.12, 0.12, 0.1, 0.11, 0.18])
CHANNELS = np.array(["app_review", "chat", "email", "weibo", "wechat"])
CHANNEL_P = np.array([0.3, 0.2, 0.15, 0.15, 0.2])
SEVERITIES = np.array(["mild", "moderate", "severe"])
ANONYMOUS = 0.15


def _pick_orders(pool: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    return pool[rng.integers(0, len(pool), n)] if len(pool) else np.full(n, -1, dtype=np.int64)


def plan_feedback(n: int, day_lo: int, day_hi: int, orders: pd.DataFrame, first_item: pd.Series,
                  persons: pd.DataFrame, records: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw ``n`` feedback facts dated within ``[day_lo, day_hi]`` from the experiences in ``orders``.

    Columns: topic, sentiment, severity, person (-1 anonymous/unknown), author_record (row in ``records`` or -1),
    day, sec (seconds since ``EPOCH``, UTC), channel, language, order_key (-1), item (-1), days, rating.
    """
    o = orders[(orders["day"] >= day_lo - 20) & (orders["day"] <= day_hi - 3)]
    ch, st = o["channel"].to_numpy(), o["status"].to_numpy()
    pools = {
        "delivery_delay": np.flatnonzero((ch == SHOP) & (st != CANCELLED)
                                         & (o["delivery_days"].to_numpy() > LATE_DAYS)),
        "refund": np.flatnonzero(((ch == SHOP) & (st == RETURNED)) | ((ch != SHOP) & (st == RETURN))),
        "product_quality": np.flatnonzero(~(((ch == SHOP) & (st == CANCELLED)) | ((ch != SHOP) & (st == VOID)))),
    }
    topic = rng.choice(len(TOPICS), n, p=TOPIC_P / TOPIC_P.sum())
    row = _pick_orders(np.arange(len(o)), n, rng)
    for name, pool in pools.items():
        at = np.flatnonzero(topic == TOPICS.index(name))
        row[at] = _pick_orders(pool, len(at), rng)
    no_order = (topic == TOPICS.index("app_bug")) | (rng.random(n) < 0.15)
    row[no_order] = -1
    has = row >= 0
    safe = np.maximum(row, 0)
    person = np.where(has, o["person"].to_numpy()[safe], -1)
    buyers = np.flatnonzero(np.isin(np.arange(len(persons)), records["person"].to_numpy()))
    person[~has] = buyers[rng.integers(0, len(buyers), int((~has).sum()))]
    delay = np.where(has, np.maximum(o["delivery_days"].to_numpy()[safe], 0) + rng.integers(0, 4, n), 0)
    day = np.where(has, o["day"].to_numpy()[safe] + delay, rng.integers(day_lo, day_hi + 1, n))
    day = np.clip(day, day_lo, day_hi)
    anonymous = (rng.random(n) < ANONYMOUS) | (person < 0)
    rec_of_order = np.where(has, o["record"].to_numpy()[safe], -1)
    rec_person = records["person"].to_numpy()
    by_person = np.argsort(rec_person, kind="stable")
    n_recs = np.bincount(rec_person, minlength=len(persons))
    first = np.cumsum(n_recs) - n_recs
    pp = np.maximum(person, 0)
    pick = first[pp] + np.floor(rng.random(n) * np.maximum(n_recs[pp], 1)).astype(np.int64)
    alt = np.where((person >= 0) & (n_recs[pp] > 0), by_person[np.minimum(pick, len(by_person) - 1)], -1)
    use_alt = (rec_of_order < 0) | (rng.random(n) < 0.3)
    author = np.where(anonymous, -1, np.where(use_alt, alt, rec_of_order))
    lang = np.where(person >= 0, persons["language"].to_numpy()[np.maximum(person, 0)], "zh")
    lang = np.where(anonymous & (rng.random(n) < 0.35), "en", lang)
    topic_name = np.array(TOPICS)[topic]
    sentiment = np.where(topic_name == "praise", "positive", np.where(rng.random(n) < 0.8, "negative", "neutral"))
    sev_idx = rng.choice(3, n, p=[0.45, 0.35, 0.2])
    sev_idx = np.where((topic_name == "delivery_delay") & (delay > 9), np.maximum(sev_idx, 1), sev_idx)
    severity = np.where(sentiment == "negative", SEVERITIES[sev_idx], "")
    channel = CHANNELS[rng.choice(len(CHANNELS), n, p=CHANNEL_P)]
    rating_by = {"positive": (4, 6), "neutral": (3, 4), "mild": (2, 4), "moderate": (2, 3), "severe": (1, 2)}
    rating = np.full(n, -1, dtype=np.int64)
    for key, (lo, hi) in rating_by.items():
        m = (channel == "app_review") & ((sentiment == key) | (severity == key))
        rating[m] = rng.integers(lo, hi, int(m.sum()))
    item = np.where(has, first_item.reindex(o["key"].to_numpy()[safe]).to_numpy(), -1)
    days_fact = np.where(topic_name == "delivery_delay", np.maximum(delay - rng.integers(0, 2, n), 6),
                         rng.integers(3, 21, n))
    plan = pd.DataFrame({
        "topic": topic_name, "sentiment": sentiment, "severity": severity,
        "person": np.where(anonymous, -1, person), "author_record": author, "day": day,
        "sec": day.astype(np.int64) * 86400 + rng.integers(0, 86400, n), "channel": channel, "language": lang,
        "order_key": np.where(has, o["key"].to_numpy()[safe], -1), "item": item, "days": days_fact,
        "rating": rating})
    return plan


#: Planted rate at which an app review's star rating disagrees with its text (as on real review sites: a 5-star
#: rating on a complaint, a 1-star rating on praise), and share of texts that repeat an earlier text of the same
#: author, topic, sentiment and severity posted on another channel.
RATING_DISAGREES = 0.05
DUPLICATE_SHARE = 0.03
#: ``plan_feedback`` rates a mild complaint 2 or 3 evenly; this share of the 3s becomes 2 (most who write a complaint
#: give 2; a 3 reads neutral).
MILD_RATED_2 = 0.8
WRONG_RATING = {"negative": (4, 6), "neutral": (1, 2), "positive": (1, 3)}
#: Truth columns beyond topic, sentiment and severity (``_truth/feedback.csv``).
FEEDBACK_FLAGS = ("negation", "mixed", "sarcasm", "rating_disagrees", "duplicate_of")


def render_feedback(plan: pd.DataFrame, order_ids: pd.Series, order_amount: pd.Series, items: pd.DataFrame,
                    records: pd.DataFrame, seed: int, rng: np.random.Generator,
                    first: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compose texts and return (raw feedback table in file columns, truth table). Rows are sorted by time; their
    ids are numbered from ``first`` (a block of a world generated in blocks starts after the blocks before it).

    ``rng`` is the texts' own stream (``rng_for(seed, "feedback_text")``): the planned facts (``plan_feedback``,
    which the churn model and the campaigns read) and every other raw file stay byte-identical when only the texts
    change. The truth gains ``FEEDBACK_FLAGS``: the devices ``compose`` planted (negation, mixed, sarcasm),
    ``rating_disagrees`` (the star rating was replaced by one contradicting the text, ``RATING_DISAGREES`` of the
    rated texts) and ``duplicate_of`` (the feedback_id of the earlier text this one repeats on another channel).
    """
    plan = plan.sort_values(["sec", "topic"], kind="stable").reset_index(drop=True)
    names = {"zh": items["name_zh"].to_numpy(), "en": items["name"].str.replace("Lakeside ", "").to_numpy()}
    cheap = items["category"].ne("appliances").to_numpy()
    n = len(plan)
    fallback_item = np.flatnonzero(cheap)[rng.integers(0, int(cheap.sum()), n)]
    texts, flags = [], []
    for i, row in enumerate(plan.itertuples(index=False)):
        lang = row.language
        item = row.item if row.item >= 0 else fallback_item[i]
        key = int(row.order_key)
        oid = order_ids.get(key, "") if key >= 0 else ""
        if not oid:
            oid = "我的订单" if lang == "zh" else "my order"
        amount = order_amount.get(key, float(items["price"].iat[item])) if key >= 0 else float(items["price"].iat[item])
        slots = {"product": names[lang][item], "days": str(int(row.days)), "amount": f"{abs(amount):.0f}",
                 "order": oid}
        text, f = compose(lang, row.topic, row.sentiment, row.severity, slots, rng)
        texts.append(text)
        flags.append(f)
    texts_arr = np.array(texts, dtype=object)
    duplicate_of = np.full(n, -1)
    same = list(zip(plan["person"], plan["topic"], plan["sentiment"], plan["severity"], strict=True))
    channel, first_of, pairs = plan["channel"].to_numpy(), {}, []
    for i, k in enumerate(same):
        j = first_of.setdefault(k, i)
        if j != i and k[0] >= 0 and channel[j] != channel[i]:
            pairs.append((i, j))
    if pairs:
        for c in np.sort(rng.choice(len(pairs), min(len(pairs), round(DUPLICATE_SHARE * n)), replace=False)):
            i, j = pairs[c]
            texts_arr[i], duplicate_of[i], flags[i] = texts_arr[j], j, flags[j]
    rating = plan["rating"].to_numpy().copy()
    mild3 = (rating == 3) & (plan["severity"].to_numpy() == "mild")
    rating[mild3 & (rng.random(n) < MILD_RATED_2)] = 2
    flip = (rating >= 0) & (rng.random(n) < RATING_DISAGREES)
    for sent, (lo, hi) in WRONG_RATING.items():
        m = flip & (plan["sentiment"].to_numpy() == sent)
        rating[m] = rng.integers(lo, hi, int(m.sum()))
    fid = [f"F{k + first:06d}" for k in range(n)]
    created = (pd.Timestamp(EPOCH) + pd.to_timedelta(plan["sec"].to_numpy(), unit="s") - pd.Timedelta(hours=8))
    rec_ids = records["record_id"].to_numpy()
    raw = pd.DataFrame({
        "feedback_id": fid, "channel": plan["channel"].to_numpy(),
        "author_ref": np.where(plan["author_record"] >= 0, rec_ids[np.maximum(plan["author_record"], 0)], ""),
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "text": texts_arr,
        "rating": pd.array([None if v < 0 else int(v) for v in rating], dtype="Int64")})
    fl = pd.DataFrame(flags, columns=["negation", "mixed", "sarcasm"]).astype(int)
    truth = plan.assign(feedback_id=fid, **{c: fl[c].to_numpy() for c in fl}, rating_disagrees=flip.astype(int),
                        duplicate_of=[fid[j] if j >= 0 else "" for j in duplicate_of])
    return raw, truth
