"""The chatbot: containment, hand-offs, the escalation rules and the care-queue rows they produce.

A bot conversation is one with at least one bot turn. Contained = resolved without a person (not handed to an
agent and resolved). The escalation rules (the notebook's parameters; the company's own rules are in
``common.service_rules``): the bot failed ``max_failure_run`` times
in a row, the customer has been with the bot for more than ``max_minutes``, or the text touches a sensitive matter
(any of ``sensitive_keywords``, case-insensitive: a complaint, a threat to go public or to a regulator). When
several rules fire, the conversation is counted under each, and its care-queue ``source`` is the first in
``RULES`` order (sensitive before failures before duration).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.common.masking import mask_pii

RULES = ("sensitive", "consecutive_failures", "long_conversation")
CARE_COLUMNS = ["customer_id", "source", "grade", "reason", "action", "due_at", "n_negative", "last_contact_at",
                "channels", "feedback_ids", "texts"]


@dataclass(frozen=True)
class EscalationRules:
    """When the bot must hand over to a person (from the parameters escalate_failure_run, escalate_minutes and
    sensitive_keywords; their ranges are checked by the runner, conf/runs.yaml)."""

    max_failure_run: int
    max_minutes: float
    sensitive_keywords: Sequence[str]

    def pattern(self) -> str:
        """The keyword alternation (escaped, case-insensitive); empty when there are no keywords."""
        return "|".join(re.escape(str(k)) for k in self.sensitive_keywords if str(k).strip())


def bot_conversations(df: pd.DataFrame) -> pd.DataFrame:
    """The rows the bot took part in (``bot_turns`` > 0)."""
    return df[df["bot_turns"] > 0]


def escalation_flags(df: pd.DataFrame, rules: EscalationRules) -> pd.DataFrame:
    """One boolean column per rule in ``RULES`` plus ``any`` and ``rule`` (the first firing rule, else NA), for the
    bot conversations of ``df`` (other rows are all False)."""
    bot = (df["bot_turns"] > 0).to_numpy()
    pat = rules.pattern()
    text = df["text"].astype("string").fillna("")
    sens = text.str.contains(pat, case=False, regex=True).to_numpy() if pat else np.zeros(len(df), bool)
    f = pd.DataFrame({
        "sensitive": bot & sens,
        "consecutive_failures": bot & (df["bot_max_fail_run"].to_numpy() >= int(rules.max_failure_run)),
        "long_conversation": bot & (df["bot_seconds"].to_numpy() > float(rules.max_minutes) * 60),
    }, index=df.index)
    f["any"] = f[list(RULES)].any(axis=1)
    first = np.select([f[r].to_numpy() for r in RULES], list(RULES), default="")
    f["rule"] = pd.Series(first, index=df.index).replace("", pd.NA).astype("string")
    return f


def bot_summary(df: pd.DataFrame, flags: pd.DataFrame) -> dict[str, float | int]:
    """Bot conversations, containment rate (resolved without a person), hand-off rate, escalations per rule, and
    escalated conversations the bot did not hand over (rules the current bot misses)."""
    bot = df["bot_turns"] > 0
    n = int(bot.sum())
    contained = bot & ~df["handed_to_agent"] & df["resolved"]
    out: dict[str, float | int] = {
        "bot_conversations": n,
        "bot_containment_rate": float(contained.sum() / n) if n else float("nan"),
        "bot_handoff_rate": float((bot & df["handed_to_agent"]).sum() / n) if n else float("nan"),
        "n_escalated": int(flags["any"].sum()),
        "n_escalated_not_handed": int((flags["any"] & ~df["handed_to_agent"]).sum()),
    }
    out.update({f"n_escalated_{r}": int(flags[r].sum()) for r in RULES})
    return out


def care_rows(df: pd.DataFrame, flags: pd.DataFrame, as_of: pd.Timestamp, window_days: float,
              due_hours: float = 24, max_texts: int = 3) -> pd.DataFrame:
    """Care-queue rows (the feedback notebook's columns) for customers with an escalated conversation that is still
    unresolved and opened within ``window_days`` before ``as_of``: one row per customer, ``source`` the rule that
    fired (``RULES`` order), grade severe for a sensitive matter else moderate, due = last contact + ``due_hours``.
    Texts are masked (``safe.mask_pii``). Anonymous conversations cannot join the queue."""
    as_of = pd.Timestamp(as_of)
    as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of
    d = df.assign(rule=flags["rule"])
    keep = (flags["any"] & ~d["resolved"] & d["customer_id"].notna()
            & (d["opened_at"] > as_of - pd.Timedelta(days=float(window_days))) & (d["opened_at"] <= as_of))
    d = d[keep.to_numpy()].copy()
    if d.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CARE_COLUMNS})
    d["rank"] = d["rule"].map({r: i for i, r in enumerate(RULES)})
    d = d.sort_values(["customer_id", "rank", "opened_at"], ascending=[True, True, False], kind="stable")
    g = d.groupby("customer_id", sort=False)
    shown = g.head(max_texts)
    out = pd.DataFrame({
        "source": g["rule"].first(), "n_negative": g.size(), "last_contact_at": g["opened_at"].max(),
        "channels": g["channel"].agg(lambda s: ", ".join(sorted(set(map(str, s))))),
        "feedback_ids": shown.groupby("customer_id", sort=False)["contact_id"].agg(", ".join),
        "texts": shown.groupby("customer_id", sort=False)["text"].agg(lambda s: " | ".join(mask_pii(x)[:300]
                                                                                          for x in s)),
    })
    out["grade"] = np.where(out["source"] == "sensitive", "severe", "moderate")
    out["reason"] = "service escalation: " + out["source"].str.replace("_", " ")
    out["action"] = np.where(out["grade"] == "severe", "senior agent call-back", "agent call-back")
    out["due_at"] = out["last_contact_at"] + pd.Timedelta(hours=float(due_hours))
    out = out.reset_index().sort_values(["grade", "due_at"], ascending=[False, True], kind="stable")
    return out[CARE_COLUMNS].reset_index(drop=True)


def join_care_queue(existing: pd.DataFrame | None, mine: pd.DataFrame) -> pd.DataFrame:
    """One care queue: the feedback notebook's rows unchanged (in their order), then these rows (their columns
    aligned; a column only one side has stays empty on the other). ``existing`` None means only these rows.
    Rows of an earlier service run (``source`` in ``RULES``) are replaced, so re-running never duplicates them."""
    if existing is None or existing.empty:
        return mine.reset_index(drop=True)
    keep = existing[~existing["source"].astype("string").isin(RULES)] if "source" in existing else existing
    cols = list(keep.columns) + [c for c in mine.columns if c not in keep.columns]
    return pd.concat([keep, mine.reindex(columns=cols)], ignore_index=True)[cols]


__all__ = ["CARE_COLUMNS", "EscalationRules", "RULES", "bot_conversations", "bot_summary",
           "care_rows", "escalation_flags", "join_care_queue"]
