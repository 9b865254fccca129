"""FAQ gaps: the topics the bot fails on most, ranked by volume x failure rate.

For each topic over the bot conversations: conversations, turns, failed turns, the turn failure rate (failed turns /
turns) and the gap score = conversations x failure rate (the expected failed conversations-worth of questions a
knowledge-base article would absorb). Highest score first.
"""

from __future__ import annotations

import pandas as pd


def faq_gaps(df: pd.DataFrame, min_conversations: int = 1) -> pd.DataFrame:
    """Per topic of the bot conversations (``bot_turns`` > 0): conversations, turns, failures, failure_rate,
    hand_off_rate and gap_score, highest gap_score first; topics with fewer than ``min_conversations`` dropped."""
    bot = df[df["bot_turns"] > 0]
    g = bot.groupby(bot["topic"].astype("string").fillna("(none)"), observed=True)
    t = pd.DataFrame({"conversations": g.size(), "turns": g["bot_turns"].sum(), "failures": g["bot_failures"].sum(),
                      "hand_off_rate": g["handed_to_agent"].mean()})
    t["failure_rate"] = t["failures"] / t["turns"].where(t["turns"] > 0)
    t["gap_score"] = t["conversations"] * t["failure_rate"]
    t = t[t["conversations"] >= int(min_conversations)]
    return t.sort_values(["gap_score", "conversations"], ascending=False).rename_axis("topic")


__all__ = ["faq_gaps"]
