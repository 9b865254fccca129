"""Graded care: which negative customers need what, by when.

Each negative text gets a grade from cue phrases (``DEFAULT_CUES``, a parameter): **severe** for threats to
complain (投诉, "file a complaint"), to go public or to a regulator (消协, 12315, 曝光, "BBB"), legal threats,
demands for compensation, "never again" and cancelling the membership; **moderate** for disappointment and
dissatisfaction (失望, 不满意, "disappointed"), "not the first time", urgency and explicit refund demands;
**mild** for any other negative text. A softener just before a cue (有点, 稍微, 小, "a bit", "slightly") lowers it
one grade: "有点小失望" is mild, "真的很失望" moderate. A refund *topic* is not a cue by itself (asking where a
refund is stays mild unless worded as a demand).

Per customer (``care_queue``), over the negative texts of the last ``window_days`` before ``as_of``: the grade is
the highest text grade, raised one level when the customer wrote ``repeat_contacts`` or more negative texts within
``repeat_days`` (repeated negative contacts); customers at ``min_grade`` or above enter the queue with the action
of their grade (automatic apology / agent call-back / senior agent with compensation) and a due time = their last
negative contact + ``due_hours`` of the grade. Texts are stored masked (``safe.mask_pii``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.common.masking import mask_pii

GRADES = ("mild", "moderate", "severe")

DEFAULT_CUES: dict[str, list[str]] = {
    "severe": [
        "投诉", "消协", "消费者协会", "12315", "工商", "市场监管", "曝光", "媒体", "律师", "起诉", "法院",
        "举报", "维权", "赔偿", "索赔", "再也不", "永不", "不会再买", "不会再来",
        "取消会员", "注销", "气死", "离谱", "骗子", "欺诈",
        r"complain(t|ts|ing)?\b", r"\bregulator", r"\bBBB\b", "consumer protection", r"\blawyer", r"\bsue\b",
        r"\bcourt\b", r"report (you|this)", r"go(ing)? public", "social media", r"compensat", r"never again",
        r"never (buy|order|shop|com|us|fly|book)\w*", r"cancel+(ing)? my (membership|account|subscription)",
        r"\bfurious", r"\boutrageous", r"\bunacceptable", r"\bscam", r"\bfraud", r"\bdisgust",
    ],
    "moderate": [
        "失望", "不满意", "不满", "很差", "太差", "极差", "体验差", "差劲", "不是第一次", "又一次", "尽快", "马上处理",
        "要求退款", "退钱", "生气", "无语",
        r"disappoint", r"not (satisfied|happy)", r"\bunhappy", r"dissatisf", r"\bpoor\b", r"\bterrible",
        r"\bawful", r"\bhorrible", r"\bworst\b", r"not the first time", r"(as soon as possible|\basap\b|immediately)",
        r"fix (this|it) (soon|now)", r"(want|demand|need) (a|my) refund", r"refund (me|now)", r"\bannoyed",
        r"\bangry", r"\bfed up",
    ],
}
SOFTENERS = r"(有点|有些|稍微|稍|略|一点|小|a bit|a little|slightly|somewhat|kind of|a tad)\s*$"
DEFAULT_ACTIONS = {"mild": "automatic apology message", "moderate": "call-back by an agent",
                   "severe": "senior agent with compensation"}
DEFAULT_DUE_HOURS = {"mild": 72, "moderate": 24, "severe": 4}


@dataclass
class CareRules:
    """Escalation rules (notebook parameters ``care_*``); see the module docstring."""

    cues: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_CUES.items()})
    repeat_contacts: int = 3
    repeat_days: float = 14.0
    window_days: float = 30.0
    min_grade: str = "mild"
    actions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ACTIONS))
    due_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DUE_HOURS))

    def __post_init__(self) -> None:
        # care_min_grade, care_repeat_contacts and care_repeat_days are range-checked by the runner (conf/runs.yaml
        # checks:); what a check rule cannot say (every grade present, known cue grades) is checked here.
        for name, mapping in (("care_actions", self.actions), ("care_due_hours", self.due_hours)):
            missing = [g for g in GRADES if g not in mapping]
            if missing:
                raise ValueError(f"{name} needs an entry for every grade {GRADES}; missing {missing}")
        unknown = [g for g in self.cues if g not in ("moderate", "severe")]
        if unknown:
            raise ValueError(f"care_keywords grades must be 'moderate' or 'severe'; got {unknown}")


def _compiled(cues: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    return {g: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE) for g, pats in cues.items() if pats}


def grade_text(text: str, rules: CareRules | None = None) -> tuple[str, str]:
    """Return (grade, cue) of one negative text: the highest cue grade after softeners, ``mild`` with cue "" if
    none matches. Worked examples: "真的很失望！" -> (moderate, 失望); "有点小失望。" -> (mild, 失望 softened)."""
    rules = rules or CareRules()
    pats = _compiled(rules.cues)
    best, cue = 0, ""
    for grade in ("severe", "moderate"):
        for m in pats[grade].finditer(text) if grade in pats else ():
            level = GRADES.index(grade)
            if re.search(SOFTENERS, text[max(0, m.start() - 12):m.start()], re.IGNORECASE):
                level -= 1
            if level > best:
                best, cue = level, m.group(0) + (" (softened)" if level < GRADES.index(grade) else "")
            elif not cue and level == best:
                cue = m.group(0) + " (softened)"
        if best == GRADES.index(grade):
            break
    return GRADES[best], cue


def grade_texts(texts: pd.Series, negative: pd.Series, rules: CareRules | None = None) -> pd.DataFrame:
    """Return ``grade`` and ``cue`` per text: graded where ``negative`` is True, empty strings elsewhere."""
    rules = rules or CareRules()
    t = pd.Series(texts, dtype="object").fillna("").reset_index(drop=True)
    neg = pd.Series(negative).fillna(False).astype(bool).reset_index(drop=True)
    out = pd.DataFrame({"grade": "", "cue": ""}, index=t.index)
    if neg.any():
        graded = [grade_text(x, rules) for x in t[neg]]
        out.loc[neg, "grade"] = [g for g, _ in graded]
        out.loc[neg, "cue"] = [c for _, c in graded]
    return out


def repeated_negative(customer: pd.Series, created_at: pd.Series, k: int, days: float) -> np.ndarray:
    """Return True for each negative contact that is the k-th (or later) within ``days`` of the same customer.

    Vectorised: after sorting by customer and time, a row qualifies when the contact k-1 rows earlier belongs to the
    same customer and is at most ``days`` older. Worked example: contacts on days 1, 5, 12 with k=3, days=14 -> the
    third qualifies (12 - 1 <= 14); days 1, 5, 20 -> none does.
    """
    df = pd.DataFrame({"c": pd.Series(customer).to_numpy(), "t": pd.to_datetime(pd.Series(created_at), utc=True)
                      .to_numpy()})
    order = np.lexsort((df["t"].to_numpy(), df["c"].astype(str).to_numpy()))
    s = df.iloc[order]
    prev_t = s.groupby("c", sort=False)["t"].shift(int(k) - 1)
    hit = (s["t"] - prev_t) <= pd.Timedelta(days=float(days))
    out = np.zeros(len(df), dtype=bool)
    out[order] = hit.fillna(False).to_numpy()
    return out


def care_queue(scored: pd.DataFrame, rules: CareRules, as_of: pd.Timestamp, source: str,
               max_texts: int = 3) -> pd.DataFrame:
    """Return the care queue, one row per customer needing care, most urgent first.

    ``scored`` needs customer_id (rows without one are skipped: anonymous), feedback_id, created_at, text,
    sentiment and grade (from ``grade_texts``), cue. Columns: customer_id, source, grade, reason, action, due_at,
    n_negative, last_contact_at, channels, feedback_ids, texts (masked, at most ``max_texts``, highest grade first).
    """
    as_of = pd.Timestamp(as_of)
    as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of
    d = scored[(scored["sentiment"] == "negative") & scored["customer_id"].notna()
               & scored["customer_id"].astype(str).str.strip().ne("")].copy()
    d["created_at"] = pd.to_datetime(d["created_at"], utc=True)
    if rules.window_days and rules.window_days > 0:
        d = d[d["created_at"] >= as_of - pd.Timedelta(days=float(rules.window_days))]
    d = d[d["created_at"] <= as_of]
    cols = ["customer_id", "source", "grade", "reason", "action", "due_at", "n_negative", "last_contact_at",
            "channels", "feedback_ids", "texts"]
    if d.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    d["customer_id"] = d["customer_id"].astype(str)
    d["rank"] = d["grade"].map({g: i for i, g in enumerate(GRADES)}).fillna(0).astype(int)
    d["repeat"] = repeated_negative(d["customer_id"], d["created_at"], rules.repeat_contacts, rules.repeat_days)
    d = d.sort_values(["customer_id", "rank", "created_at"], ascending=[True, False, False], kind="stable")
    top = d.groupby("customer_id", sort=False).head(1).set_index("customer_id")
    g = d.groupby("customer_id", sort=False)
    agg = pd.DataFrame({
        "rank": g["rank"].max(), "repeat": g["repeat"].any(), "n_negative": g.size(),
        "last_contact_at": g["created_at"].max(),
        "channels": g["channel"].agg(lambda s: ", ".join(sorted(set(map(str, s))))),
    })
    shown = g.head(max_texts)
    shown = shown.assign(text=shown["text"].map(lambda x: mask_pii(x)[:300]))
    sg = shown.groupby("customer_id", sort=False)
    agg["feedback_ids"] = sg["feedback_id"].agg(lambda s: ", ".join(map(str, s)))
    agg["texts"] = sg["text"].agg(" | ".join)
    agg["final"] = np.where(agg["repeat"], np.minimum(agg["rank"] + 1, 2), agg["rank"])
    agg["grade"] = np.array(GRADES)[agg["final"].to_numpy()]
    cue = top["cue"].reindex(agg.index).fillna("")
    base = np.where(cue.ne(""), "cue: " + cue.astype(str), "negative feedback")
    agg["reason"] = base + np.where(agg["repeat"], f"; {rules.repeat_contacts}+ negative contacts within "
                                    f"{rules.repeat_days:g} days", "")
    agg = agg[agg["final"] >= GRADES.index(rules.min_grade)]
    agg["action"] = agg["grade"].map(rules.actions)
    agg["due_at"] = agg["last_contact_at"] + pd.to_timedelta(agg["grade"].map(rules.due_hours).astype(float),
                                                             unit="h")
    agg["source"] = source
    out = agg.reset_index().sort_values(["final", "due_at"], ascending=[False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def counts(queue: pd.DataFrame) -> dict[str, int]:
    """Return ``{"care_mild": n, "care_moderate": n, "care_severe": n}`` customers per grade in the queue."""
    vc = queue["grade"].value_counts() if len(queue) else pd.Series(dtype=int)
    return {f"care_{g}": int(vc.get(g, 0)) for g in GRADES}
