"""The customer-service log: one row per conversation over the last half year, with the plants of
``_truth/service.json`` (see ``docs/raw_sources.md``, "Service log").

Volume per day = base x weekday factor (a weekend dip) x holiday peak, split over six channels; within a day the
hour follows a two-peak profile (Beijing time). Plants: ``weibo_pm`` answers slowly on weekends (it misses its
4-hour target), a week of delivery delays (``INCIDENT``) adds negative delivery contacts and posts, the bot cannot
answer invoice questions (``KB_GAP_TOPIC``), and bot conversations meet each escalation rule (three failures in a
row, over five minutes with the bot, a sensitive matter); a few impossible rows (a reply before the opening, a
resolution before the opening, a satisfaction score outside 1-5) are for the cleaning to quarantine.
Everything comes from the ``"service"`` random stream, so no other raw file changes.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from experiments.synthetic.sizes import START, Size, rng_for

FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2025, 6, 30)
CHANNELS = ("app_chat", "wechat_pm", "weibo_pm", "weibo_comment", "hotline", "email")
CHANNEL_SHARE = (0.38, 0.20, 0.08, 0.14, 0.12, 0.08)
#: Reply targets the company works to (minutes): comments 2 hours, private messages 4 hours.
REPLY_TARGETS = {"app_chat": 5, "wechat_pm": 240, "weibo_pm": 240, "weibo_comment": 120, "hotline": 5,
                 "email": 1440}
#: Median minutes to first reply and the log-normal spread, by channel (agents; the bot answers in seconds).
REPLY_MEDIAN = {"wechat_pm": 45.0, "weibo_pm": 50.0, "weibo_comment": 35.0, "hotline": 1.5, "email": 300.0}
REPLY_SIGMA = {"wechat_pm": 0.9, "weibo_pm": 0.9, "weibo_comment": 0.9, "hotline": 0.7, "email": 0.8}
WEEKEND_BREACH_CHANNEL = "weibo_pm"
WEEKEND_MEDIAN = 420.0
TOPICS = ("delivery", "refund", "product_quality", "order_change", "membership_points", "payment", "invoice",
          "store_service")
TOPIC_SHARE = (0.24, 0.14, 0.12, 0.12, 0.12, 0.10, 0.10, 0.06)
TOPIC_NEGATIVE = (0.22, 0.30, 0.35, 0.10, 0.08, 0.15, 0.12, 0.25)
KB_GAP_TOPIC = "invoice"
BOT_FAIL = 0.09
KB_GAP_FAIL = 0.55
WEEKDAY_FACTOR = (1.10, 1.06, 1.02, 1.00, 1.00, 0.72, 0.66)
HOLIDAYS = {"2025-01-27": 1.8, "2025-04-04": 1.5, "2025-05-01": 1.7, "2025-06-18": 2.0}
INCIDENT = {"topic": "delivery", "start": "2025-05-12", "end": "2025-05-18",
            "ramp": (0.8, 1.6, 2.4, 2.6, 2.4, 1.8, 1.2)}
INCIDENT_CHANNELS = (0.15, 0.25, 0.10, 0.40, 0.07, 0.03)
CONTACTS_PER_DAY = {"tiny": 14, "small": 110, "medium": 250, "large": 600, "xlarge": 1500}
HOUR_WEIGHT = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 6, 5, 5, 5, 5, 5, 6, 7, 7, 6, 4, 2], float)
ANONYMOUS = {"app_chat": 0.0, "wechat_pm": 0.05, "weibo_pm": 0.3, "weibo_comment": 0.6, "hotline": 0.25,
             "email": 0.1}
#: The escalation rules the company uses (the analysis takes them as parameters with these defaults).
ESCALATION = {"max_failure_run": 3, "max_minutes": 5.0,
              "sensitive_keywords": ["投诉", "12315", "消协", "曝光", "complaint", "regulator", "go public"]}
MAX_TURNS = 12
SURVEY_RATE = 0.6
UTC_OFFSET_HOURS = 8

_SUBJECT = {
    "delivery": ("快递", "my delivery"), "refund": ("退款", "my refund"),
    "product_quality": ("商品质量", "the product"),
    "order_change": ("改订单", "changing my order"), "membership_points": ("会员积分", "my member points"),
    "payment": ("付款", "the payment"), "invoice": ("开发票", "an invoice"), "store_service": ("门店服务", "the store"),
}
_NEUTRAL = (("请问{zh}怎么处理？", "Hi, a question about {en}."), ("想咨询一下{zh}", "Can you help with {en}?"),
            ("{zh}的问题，谢谢", "Question on {en}, thanks"))
_NEGATIVE = (("{zh}太慢了，很不满意", "Really unhappy about {en}, far too slow"),
             ("{zh}出问题了，体验太差", "Terrible experience with {en}"),
             ("{zh}一直没解决，失望", "Still not sorted: {en}. Disappointed"))
_SENSITIVE = (("{zh}再不处理我就投诉到12315", "Sort out {en} or I file a complaint with the regulator"),
              ("{zh}这样我要去消协", "About {en}: I will go public with this"),
              ("{zh}我要曝光你们", "I am making a complaint about {en}"))
_INCIDENT = (("快递延误一周了还没到，太慢了", "My delivery is a week late, far too slow"),
             ("物流停了？快递一直不动，很不满意", "Delivery stuck for days, really unhappy"))


def _days() -> pd.DatetimeIndex:
    return pd.date_range(FIRST_DAY, LAST_DAY, freq="D")


def daily_rate(per_day: float) -> pd.Series:
    """Expected contacts per day before the incident: base x weekday factor x holiday peak."""
    days = _days()
    rate = per_day * np.asarray(WEEKDAY_FACTOR)[days.day_of_week]
    hol = pd.Series(HOLIDAYS)
    hol.index = pd.to_datetime(hol.index)
    return pd.Series(rate, index=days) * hol.reindex(days).fillna(1.0).to_numpy()


def _contacts(rng: np.random.Generator, per_day: float) -> pd.DataFrame:
    """Contact skeleton: day, channel, topic, incident flag."""
    rate = daily_rate(per_day)
    n_day = rng.poisson(rate.to_numpy())
    day = np.repeat(rate.index.to_numpy(), n_day)
    n = len(day)
    chan = rng.choice(len(CHANNELS), n, p=CHANNEL_SHARE)
    topic = rng.choice(len(TOPICS), n, p=TOPIC_SHARE)
    inc_days = pd.date_range(INCIDENT["start"], INCIDENT["end"], freq="D")
    base_topic = per_day * TOPIC_SHARE[TOPICS.index(INCIDENT["topic"])]
    extra = rng.poisson(np.asarray(INCIDENT["ramp"]) * base_topic * np.asarray(WEEKDAY_FACTOR)[inc_days.day_of_week])
    i_day = np.repeat(inc_days.to_numpy(), extra)
    i_chan = rng.choice(len(CHANNELS), len(i_day), p=INCIDENT_CHANNELS)
    return pd.DataFrame({
        "day": np.concatenate([day, i_day]),
        "channel": np.asarray(CHANNELS)[np.concatenate([chan, i_chan])],
        "topic": np.asarray(TOPICS)[np.concatenate([topic, np.full(len(i_day), TOPICS.index(INCIDENT["topic"]))])],
        "incident": np.concatenate([np.zeros(n, bool), np.ones(len(i_day), bool)]),
    })


def _opened(df: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Local (Beijing) opening time: the hour from the daily profile (hotline only 08:00-21:59)."""
    p_all = HOUR_WEIGHT / HOUR_WEIGHT.sum()
    hot = HOUR_WEIGHT * (np.arange(24) >= 8) * (np.arange(24) < 22)
    hour = np.where(df["channel"].eq("hotline"), rng.choice(24, len(df), p=hot / hot.sum()),
                    rng.choice(24, len(df), p=p_all))
    secs = hour * 3600 + rng.integers(0, 3600, len(df))
    return pd.to_datetime(df["day"]) + pd.to_timedelta(secs, unit="s")


def failure_runs(fails: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a boolean turns matrix: the number of failed turns and the longest run of consecutive ones."""
    run = np.zeros(fails.shape[0], dtype=np.int64)
    best = np.zeros(fails.shape[0], dtype=np.int64)
    for j in range(fails.shape[1]):  # a loop over turn positions (at most MAX_TURNS), not over rows
        run = np.where(fails[:, j], run + 1, 0)
        best = np.maximum(best, run)
    return fails.sum(axis=1).astype(np.int64), best


def _bot(df: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Bot turns, failures, longest failure run and seconds with the bot for app-chat conversations."""
    n = len(df)
    bot = df["channel"].eq("app_chat").to_numpy()
    turns = np.minimum(1 + rng.poisson(2.2, n), MAX_TURNS)
    p_fail = np.where(df["topic"].eq(KB_GAP_TOPIC), KB_GAP_FAIL, BOT_FAIL)
    fails = (rng.random((n, MAX_TURNS)) < p_fail[:, None]) & (np.arange(MAX_TURNS)[None, :] < turns[:, None])
    n_fail, run = failure_runs(fails)
    secs = (rng.gamma(4.0, 10.0, (n, MAX_TURNS)) * np.where(fails, 1.6, 1.0)
            * (np.arange(MAX_TURNS)[None, :] < turns[:, None])).sum(axis=1).round()
    return {"bot": bot, "turns": np.where(bot, turns, 0), "fails": np.where(bot, n_fail, 0),
            "run": np.where(bot, run, 0), "secs": np.where(bot, secs, 0).astype(np.int64)}


def _texts(df: pd.DataFrame, negative: np.ndarray, sensitive: np.ndarray, lang_en: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """Short zh/en messages: neutral, negative or sensitive wording about the topic (incident texts are fixed)."""
    pick = rng.integers(0, 3, len(df))
    out = np.empty(len(df), dtype=object)
    topics = df["topic"].to_numpy()
    for kind, table in (("neutral", _NEUTRAL), ("negative", _NEGATIVE), ("sensitive", _SENSITIVE)):
        mask = {"neutral": ~negative & ~sensitive, "negative": negative & ~sensitive, "sensitive": sensitive}[kind]
        for k, (zh, en) in enumerate(table):
            for t, (s_zh, s_en) in _SUBJECT.items():
                m = mask & (pick == k) & (topics == t)
                out[m & ~lang_en] = zh.format(zh=s_zh)
                out[m & lang_en] = en.format(en=s_en)
    inc = df["incident"].to_numpy() & ~sensitive
    alt = rng.integers(0, 2, len(df))
    for k, (zh, en) in enumerate(_INCIDENT):
        out[inc & (alt == k) & ~lang_en] = zh
        out[inc & (alt == k) & lang_en] = en
    return out


def _fmt(ts: pd.Series) -> pd.Series:
    return ts.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")


def make_service_log(size: Size, seed: int, records: pd.DataFrame, persons: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                                                   dict]:
    """Return the raw service log (``service_log.csv``) and its truth (``_truth/service.json``).

    ``records`` (source, record_id, person, reg_day) gives the customer references: a contact cites one raw record
    id of a person registered by that day; some contacts are anonymous (``ANONYMOUS`` share per channel).
    """
    rng = rng_for(seed, "service")
    df = _contacts(rng, CONTACTS_PER_DAY.get(size.name, size.persons / 36))
    opened = _opened(df, rng)
    order = np.lexsort((df["channel"].to_numpy(), opened.to_numpy()))
    df, opened = df.iloc[order].reset_index(drop=True), opened.iloc[order].reset_index(drop=True)
    n = len(df)
    chan = df["channel"].to_numpy()
    weekend = opened.dt.day_of_week.to_numpy() >= 5

    rec = records.sort_values("reg_day", kind="stable").reset_index(drop=True)
    day_no = (df["day"] - pd.Timestamp(START)).dt.days.to_numpy()
    n_known = np.searchsorted(rec["reg_day"].to_numpy(), day_no, side="right")
    ref_row = np.minimum((rng.random(n) * n_known).astype(np.int64), np.maximum(n_known - 1, 0))
    anon = (rng.random(n) < pd.Series(chan).map(ANONYMOUS).to_numpy()) | (n_known == 0)
    ref = np.where(anon, "", rec["record_id"].to_numpy()[ref_row])
    person = np.where(anon, -1, rec["person"].to_numpy()[ref_row])
    lang_en = np.where(person >= 0, persons["language"].to_numpy()[np.maximum(person, 0)] == "en",
                       rng.random(n) < 0.15)

    bot = _bot(df, rng)
    topic_i = pd.Series(df["topic"]).map({t: i for i, t in enumerate(TOPICS)}).to_numpy()
    p_neg = np.asarray(TOPIC_NEGATIVE)[topic_i] + 0.25 * (bot["run"] >= 2)
    negative = df["incident"].to_numpy() | (rng.random(n) < p_neg)
    sensitive = ~df["incident"].to_numpy() & negative & (rng.random(n) < np.where(bot["bot"], 0.10, 0.06))
    text = _texts(df, negative, sensitive, lang_en, rng)

    rules = {"consecutive_failures": bot["bot"] & (bot["run"] >= ESCALATION["max_failure_run"]),
             "long_conversation": bot["bot"] & (bot["secs"] > ESCALATION["max_minutes"] * 60),
             "sensitive": bot["bot"] & sensitive}
    any_rule = rules["consecutive_failures"] | rules["long_conversation"] | rules["sensitive"]
    asked = bot["bot"] & (rng.random(n) < 0.05)
    handed = any_rule | asked
    bot_ok = bot["bot"] & ~handed & (rng.random(n) < 0.9 - 0.15 * bot["fails"].clip(0, 2))

    # first reply: the bot in seconds; agents by channel, overnight messages wait for the 08:30 shift
    med = pd.Series(chan).map(REPLY_MEDIAN).fillna(1.0).to_numpy()
    med = np.where((chan == WEEKEND_BREACH_CHANNEL) & weekend, WEEKEND_MEDIAN, med)
    sig = pd.Series(chan).map(REPLY_SIGMA).fillna(0.5).to_numpy()
    wait = med * np.exp(sig * rng.standard_normal(n))
    hour = opened.dt.hour.to_numpy()
    night = (hour < 8) & (chan != "app_chat") & (chan != "hotline")
    to_shift = ((8.5 - hour - opened.dt.minute.to_numpy() / 60) * 60).clip(0)
    wait = np.where(night, to_shift + wait * 0.5, wait)
    wait = np.where(bot["bot"], rng.uniform(2, 15, n) / 60, wait)
    first = opened + pd.to_timedelta(np.round(wait * 60), unit="s")

    # resolution: the bot at the end of its conversation; agents after a handling time
    handle = rng.lognormal(np.log(np.where(chan == "email", 120, 15)), 0.6, n)
    agent_start = np.where(bot["bot"], bot["secs"] / 60 + rng.lognormal(np.log(3), 0.8, n), wait)
    res_min = np.where(bot_ok, bot["secs"] / 60, agent_start + handle)
    resolved = bot_ok | ((~bot["bot"] | handed) & (rng.random(n) < np.where(negative, 0.82, 0.93)))
    resolved_at = (opened + pd.to_timedelta(np.round(res_min * 60), unit="s")).where(resolved)

    target = pd.Series(chan).map(REPLY_TARGETS).to_numpy()
    breach = wait > target
    score = (4.4 - 1.3 * breach - 1.2 * negative - 0.9 * ~resolved - 0.6 * (bot["run"] >= 3)
             + rng.normal(0, 0.6, n))
    sat = np.clip(np.round(score), 1, 5).astype(float)
    sat[rng.random(n) >= SURVEY_RATE] = np.nan

    raw = pd.DataFrame({
        "conversation_id": [f"SV{i + 1:07d}" for i in range(n)], "channel": chan, "customer_ref": ref,
        "opened_at": _fmt(opened), "first_reply_at": _fmt(first), "resolved_at": _fmt(resolved_at),
        "handled_by": np.where(bot["bot"] & ~handed, "bot", "agent"),
        "bot_turns": bot["turns"], "bot_failures": bot["fails"], "bot_max_fail_run": bot["run"],
        "bot_seconds": bot["secs"], "handed_to_agent": np.where(handed, "yes", "no"),
        "resolved": np.where(resolved, "yes", "no"),
        "satisfaction": pd.array(sat, dtype="Float64").astype("Int64"), "topic": df["topic"].to_numpy(),
        "text": text,
    })
    raw, impossible = _impossible(raw, opened, bot["bot"], rng)
    truth = {
        "first_day": f"{FIRST_DAY}", "last_day": f"{LAST_DAY}", "utc_offset_hours": UTC_OFFSET_HOURS,
        "contacts": n, "channels": list(CHANNELS), "topics": list(TOPICS), "reply_targets_minutes": REPLY_TARGETS,
        "weekend_breach_channel": WEEKEND_BREACH_CHANNEL, "weekend_median_minutes": WEEKEND_MEDIAN,
        "weekday_factors": list(WEEKDAY_FACTOR), "holidays": HOLIDAYS,
        "incident": {"topic": INCIDENT["topic"], "start": INCIDENT["start"], "end": INCIDENT["end"],
                     "extra_contacts": int(df["incident"].sum())},
        "kb_gap_topic": KB_GAP_TOPIC, "bot_failure_rate": {"kb_gap": KB_GAP_FAIL, "other": BOT_FAIL},
        "escalation_rules": ESCALATION,
        "escalation_counts": {**{k: int(v.sum()) for k, v in rules.items()}, "any": int(any_rule.sum())},
        "bot_conversations": int(bot["bot"].sum()), "handed_to_agent": int(handed.sum()),
        "bot_contained": int(bot_ok.sum()), "impossible_rows": impossible,
    }
    return raw, truth


def _impossible(raw: pd.DataFrame, opened: pd.Series, bot: np.ndarray, rng: np.random.Generator) -> tuple[
        pd.DataFrame, dict[str, int]]:
    """Plant a few impossible agent-channel rows (never bot rows, so the escalation counts stay exact)."""
    k = max(2, len(raw) // 1500)
    pool = np.flatnonzero(~bot & raw["resolved_at"].ne("").to_numpy())
    pick = rng.choice(pool, 3 * k, replace=False)
    before, res_before, bad_sat = pick[:k], pick[k:2 * k], pick[2 * k:]
    raw.loc[before, "first_reply_at"] = _fmt(opened.iloc[before] - pd.to_timedelta(
        rng.integers(600, 7200, k), unit="s")).to_numpy()
    raw.loc[res_before, "resolved_at"] = _fmt(opened.iloc[res_before] - timedelta(hours=3)).to_numpy()
    raw.loc[bad_sat, "satisfaction"] = rng.choice([0, 6, 9], k)
    return raw, {"reply_before_open": int(k), "resolved_before_open": int(k), "satisfaction_out_of_range": int(k)}


__all__ = ["CHANNELS", "ESCALATION", "INCIDENT", "KB_GAP_TOPIC", "REPLY_TARGETS", "TOPICS", "daily_rate",
           "failure_runs", "make_service_log"]
