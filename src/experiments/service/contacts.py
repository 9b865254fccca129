"""The analysis frame of notebook 07 from either input: the company's ``service_contacts`` or a flat table.

A flat table is either a contacts table (``opened`` and ``first_reply`` per row) or a message log (``reply_to`` and
``inbound``: replies are paired with the inbound message they answer, see ``reply_times.pair_replies``). The frame
has contact_id, channel, opened_at, first_reply_at, reply_minutes (UTC times) and, when given, resolved_at,
customer_id, text; the company world adds the bot, topic and satisfaction columns.
"""

from __future__ import annotations

import re

import pandas as pd

from experiments.data.inputs import InputTable
from experiments.data.tables import DataInputError
from experiments.service.reply_times import pair_replies, reply_minutes, to_utc

BOT_COLUMNS = ("bot_turns", "bot_failures", "bot_max_fail_run", "bot_seconds", "handed_to_agent", "resolved",
               "satisfaction", "topic", "handled_by")


def roles(contact_id_col: str, channel_col: str, opened_col: str, first_reply_col: str, reply_to_col: str,
          inbound_col: str, resolved_col: str, customer_col: str, text_col: str) -> tuple[dict[str, str], list[str]]:
    """The ``{role: column}`` map and optional roles for ``inputs.load_input``; exactly one way to a reply time
    (``first_reply_col``, or ``reply_to_col`` with ``inbound_col``) must be given."""
    link = bool(reply_to_col) or bool(inbound_col)
    if link and not (reply_to_col and inbound_col):
        raise DataInputError("parameters reply_to_col and inbound_col go together: give both (a message log) or "
                             f"neither; got reply_to_col={reply_to_col!r}, inbound_col={inbound_col!r}")
    if link == bool(first_reply_col):
        raise DataInputError("give either first_reply_col (one row per contact) or reply_to_col + inbound_col "
                             "(a message log), not both and not neither")
    r = {"contact_id": contact_id_col, "channel": channel_col, "opened": opened_col, "first_reply": first_reply_col,
         "reply_to": reply_to_col, "inbound": inbound_col, "resolved": resolved_col, "customer": customer_col,
         "text": text_col}
    optional = ["first_reply", "reply_to", "inbound", "resolved", "customer", "text"]
    return {k: v for k, v in r.items() if v}, optional


def build(table: InputTable) -> pd.DataFrame:
    """Return the analysis frame of ``table`` (see the module docstring); bad timestamps are an error naming the
    file, column and rows."""
    cols, f, src = table.columns, table.frame, table.source
    if "reply_to" in cols:
        d = pair_replies(f, message=cols["contact_id"], inbound=cols["inbound"], reply_to=cols["reply_to"],
                         time=cols["opened"], channel=cols["channel"], source=src, first_only=False)
        inbound = f.drop_duplicates(subset=[cols["contact_id"]])
        ids = inbound[cols["contact_id"]].astype("string").str.replace(r"\.0$", "", regex=True)
        for role, name in (("text", "text"), ("customer", "customer_id")):
            if role in cols:
                d[name] = d["contact_id"].map(pd.Series(inbound[cols[role]].to_numpy(), index=ids.to_numpy()))
        return d
    d = pd.DataFrame({
        "contact_id": f[cols["contact_id"]].astype("string"),
        "channel": f[cols["channel"]].astype("string").fillna("(none)"),
        "opened_at": to_utc(f[cols["opened"]], cols["opened"], src),
        "first_reply_at": to_utc(f[cols["first_reply"]], cols["first_reply"], src),
    })
    bad = d["opened_at"].isna()
    if bad.any():
        raise DataInputError(f"{src}: column '{cols['opened']}' is empty in {int(bad.sum())} rows; every contact "
                             "needs an opening time")
    d["reply_minutes"] = reply_minutes(d["opened_at"], d["first_reply_at"])
    if "resolved" in cols:
        d["resolved_at"] = to_utc(f[cols["resolved"]], cols["resolved"], src)
    if "customer" in cols:
        d["customer_id"] = f[cols["customer"]].astype("string")
    if "text" in cols:
        d["text"] = f[cols["text"]].astype("string")
    for c in BOT_COLUMNS:
        if table.is_company_world and c in f:
            d[c] = f[c].to_numpy()
    return d


def key(label: object) -> str:
    """A metrics-key fragment: lower case, every run of other characters turned into ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", str(label).lower()).strip("_") or "none"


__all__ = ["BOT_COLUMNS", "build", "key", "roles"]
