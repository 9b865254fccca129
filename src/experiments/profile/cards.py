"""Customer cards: who gets one (this week's care queue and retention list, then ``card_ids``) and what it holds
(the blocks, then the last events)."""

from __future__ import annotations

import pandas as pd

from experiments.profile.blocks import FIELDS, GRADE_ORDER
from experiments.profile.sources import Data

#: A card shows every block's fields (``blocks.FIELDS``) but a shorter identity and value.
CARD_FIELDS = FIELDS | {
    "identity": ["name", "email", "phone", "city", "age_group", "consent"],
    "value": ["segment", "value_tier", "lifecycle", "clv", "p_alive", "n_purchases"],
}


def chosen(data: Data, n_cards: int, card_ids: tuple[str, ...], customer_ids: pd.Series) -> list[str]:
    """Up to ``n_cards`` customers from the care queue (worst grade, earliest due first) and the retention list
    (``churn_actions`` by rank), taken in turn; then every ``card_ids`` id that is a customer."""
    lists = []
    care = data.tables["care_queue"]
    if care.usable and len(care.frame):
        q = care.frame.assign(o=-care.frame["grade"].map(GRADE_ORDER)).sort_values(["o", "due_at"])
        lists.append(q["customer_id"].astype(str).tolist())
    act = data.tables["churn_actions"]
    if act.usable and len(act.frame):
        lists.append(act.frame.sort_values("rank")["customer_id"].astype(str).tolist())
    known = set(customer_ids.astype(str))
    picked: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        for lst in lists:
            if i < len(lst) and lst[i] not in picked and lst[i] in known and len(picked) < n_cards:
                picked.append(lst[i])
    return picked + [c for c in card_ids if c in known and c not in picked]


def card(profile_row: pd.Series, events: pd.DataFrame, n_events: int) -> dict:
    """One card: block -> {field: value} (with the block's status) and the last ``n_events`` events, newest first."""
    blocks = {}
    for block, fields in CARD_FIELDS.items():
        blocks[block] = {"status": profile_row.get(f"{block}_status"),
                         **{f: profile_row.get(f) for f in fields if f in profile_row.index}}
    last = events.tail(n_events).iloc[::-1]
    return {"customer_id": profile_row["customer_id"], "blocks": blocks, "events": last.reset_index(drop=True)}
