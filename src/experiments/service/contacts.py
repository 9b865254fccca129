"""What a contact is, in either input: the company's ``service_contacts`` (a contacts table) or a message log.

A **contacts table** has one row per contact with its opening and first-reply times (no first reply = a miss).

A **message log** has one row per message: ``inbound`` says which messages are the customers', ``reply_to`` names the
message a message answers, ``channel`` is the author (a brand's account on its replies). Its contacts are defined
once, here (``message_contacts``):

1. Every inbound message belongs to one contact. An inbound message opens a contact, unless it answers an inbound
   message of the same author: then it is that customer's follow-up (a tweet in several parts, "any news?") and
   joins the contact of the message it answers. So a contact opens a conversation (its message answers nothing in
   the log) or continues one (it answers a brand's reply, or another customer's message).
2. A reply is an outbound message answering an inbound message; it belongs to that message's contact. An outbound
   message answering an outbound one (a brand continuing its own thread) answers no customer.
3. A contact's first reply is the earliest reply to any of its messages, counted once: reply minutes run from the
   contact's first message; its channel is the account that sent the first reply. Later replies to the same contact
   are not contacts of their own.
4. A contact with no reply in the log is unanswered. Its channel is unknown (a first tweet names no brand), so the
   per-channel figures cover answered contacts; ``Contacts.unanswered`` lists the others, and the analysis reports
   them beside the answered ones (``n_unanswered``, ``share_within_target_incl_unanswered``). In an extract of a
   longer log, a message near its end may have been answered after it.

``reply_pairs`` keeps the older reading of a log (every reply to an inbound message a pair, second replies included);
the dataset README's figures for customer_support_twitter are stated that way.

In either input, a contact whose first reply is earlier than its opening (negative reply minutes: a clock or export
error) is set aside in ``Contacts.negative``, counted and shown, never counted as answered within target.

The analysis frame has contact_id, channel, opened_at, first_reply_at, reply_minutes (UTC times) and, when given,
resolved_at, customer_id, text; the company world adds the bot, topic and satisfaction columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from experiments.common.errors import DataInputError
from experiments.data.inputs import InputTable
from experiments.service.engine_steps import first_replies
from experiments.service.reply_times import reply_minutes, to_flag, to_utc

BOT_COLUMNS = ("bot_turns", "bot_failures", "bot_max_fail_run", "bot_seconds", "handed_to_agent", "resolved",
               "satisfaction", "topic", "handled_by")
FRAME_COLUMNS = ["contact_id", "channel", "opened_at", "first_reply_at", "reply_minutes"]


@dataclass
class Contacts:
    """The contacts of one input: ``frame`` (the analysis frame) and, for a message log, the ``unanswered``
    contacts (contact_id, opened_at, messages, text when given; None for a contacts table) and ``n_messages``
    (inbound messages read)."""

    frame: pd.DataFrame
    unanswered: pd.DataFrame | None = None
    n_inbound_messages: int | None = None
    negative: pd.DataFrame | None = None  # set aside: first reply before the contact opened (``set_aside_negative``)

    @property
    def is_message_log(self) -> bool:
        """True when the contacts were built from a message log."""
        return self.unanswered is not None


def set_aside_negative(d: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``d`` into the contacts kept and those whose first reply came before the contact opened (negative
    ``reply_minutes``: a clock or export error, never an answer within target); both keep ``d``'s columns."""
    bad = d["reply_minutes"].lt(0).fillna(False).astype(bool)
    return d.loc[~bad].reset_index(drop=True), d.loc[bad].reset_index(drop=True)


def _ids(values: pd.Series) -> pd.Series:
    return values.astype("string").str.replace(r"\.0$", "", regex=True)


def _messages(log: pd.DataFrame, *, message: str, inbound: str, reply_to: str, time: str, channel: str,
              source: str, dates: tuple[str, str] = ("auto", "")) -> pd.DataFrame:
    """One row per message (duplicated ids keep their first row): id, parent, inbound, at, author."""
    d = log.drop_duplicates(subset=[message], keep="first")
    return pd.DataFrame({"id": _ids(d[message]).to_numpy(), "parent": _ids(d[reply_to]).to_numpy(),
                         "inbound": to_flag(d[inbound], inbound, source).to_numpy(),
                         "at": to_utc(d[time], time, source, *dates).to_numpy(),
                         "author": d[channel].astype("string").to_numpy()}, index=d.index)


def reply_pairs(log: pd.DataFrame, *, message: str, inbound: str, reply_to: str, time: str, channel: str,
                source: str = "input") -> pd.DataFrame:
    """Every reply paired with the inbound message it answers (one row per pair: a second reply to one message is a
    second row): contact_id (the inbound message), channel (the replying account), opened_at, first_reply_at,
    reply_minutes. The reading behind the customer_support_twitter README's figures; not a count of contacts."""
    m = _messages(log, message=message, inbound=inbound, reply_to=reply_to, time=time, channel=channel, source=source)
    inbound_msgs = m.loc[m["inbound"], ["id", "at"]].rename(columns={"id": "contact_id", "at": "opened_at"})
    replies = m.loc[~m["inbound"], ["parent", "at", "author"]].rename(
        columns={"parent": "contact_id", "at": "first_reply_at", "author": "channel"})
    pairs = inbound_msgs.merge(replies.dropna(subset=["contact_id"]), on="contact_id", how="inner")
    pairs["reply_minutes"] = reply_minutes(pairs["opened_at"], pairs["first_reply_at"])
    return pairs[FRAME_COLUMNS].reset_index(drop=True)


def _roots(m: pd.DataFrame) -> pd.Series:
    """Per inbound message: the id of the message that opened its contact (rule 1: follow the same author's
    inbound parents)."""
    inb = m[m["inbound"]]
    author = pd.Series(inb["author"].to_numpy(), index=inb["id"].to_numpy())
    parent_author = inb["parent"].map(author)
    follow = inb["parent"].notna() & parent_author.notna() & (parent_author == inb["author"]).fillna(False)
    up = pd.Series(inb["parent"].where(follow).to_numpy(), index=inb["id"].to_numpy())
    root = pd.Series(inb["id"].to_numpy(), index=inb["id"].to_numpy())
    for _ in range(len(inb)):  # pointer jumping: each pass moves every message one follow-up up its chain
        nxt = root.map(up)
        moved = nxt.notna() & (nxt != root)
        if not moved.any():
            break
        root = root.where(~moved, nxt)
    return root


def message_contacts(log: pd.DataFrame, *, message: str, inbound: str, reply_to: str, time: str, channel: str,
                     engine, source: str = "input", extra: dict[str, str] | None = None,  # noqa: ANN001
                     dates: tuple[str, str] = ("auto", "")) -> Contacts:
    """The contacts of a message log by the rules of the module docstring. ``extra`` maps output names (``text``,
    ``customer_id``) to columns of ``log``, taken from each contact's first message. Each contact's opening and
    first reply are the data step ``engine_steps.first_replies`` on ``engine`` (``data.engine.Engine``)."""
    m = _messages(log, message=message, inbound=inbound, reply_to=reply_to, time=time, channel=channel, source=source,
                  dates=dates)
    root = _roots(m)
    inb = m[m["inbound"]].assign(contact_id=lambda d: d["id"].map(root))
    replies = m[~m["inbound"]].assign(contact_id=lambda d: d["parent"].map(root)).dropna(subset=["contact_id"])
    frame = first_replies(engine, inb[["contact_id", "at"]], replies[["contact_id", "at", "author"]])
    frame = frame[["contact_id", "opened_at", "first_reply_at", "channel", "messages"]]
    if extra:
        rows = log.loc[m.index]  # the deduplicated rows, aligned with m
        for name, col in extra.items():
            values = pd.Series(rows[col].to_numpy(), index=m["id"].to_numpy())
            frame[name] = frame["contact_id"].map(values)  # the contact's first message is its root
    frame = frame.sort_values("opened_at", kind="stable").reset_index(drop=True)
    answered = frame["first_reply_at"].notna()
    unanswered = frame.loc[~answered].drop(columns=["first_reply_at", "channel"]).reset_index(drop=True)
    d = frame.loc[answered].drop(columns=["messages"]).reset_index(drop=True)
    d["reply_minutes"] = reply_minutes(d["opened_at"], d["first_reply_at"])
    d, negative = set_aside_negative(d[FRAME_COLUMNS + [c for c in d.columns if c not in FRAME_COLUMNS]])
    return Contacts(frame=d, unanswered=unanswered, n_inbound_messages=int(m["inbound"].sum()), negative=negative)


def build(table: InputTable, engine, dates: tuple[str, str] = ("auto", "")) -> Contacts:  # noqa: ANN001 - Engine
    """Return the contacts of ``table`` (see the module docstring); bad timestamps are an error naming the file,
    column and rows; ``dates`` is (date_order, date_format) for ``reply_times.to_utc``. A message log's first
    replies run on ``engine`` (``message_contacts``)."""
    cols, f, src = table.columns, table.frame, table.source
    if "reply_to" in cols:
        extra = {name: cols[role] for role, name in (("text", "text"), ("customer", "customer_id")) if role in cols}
        return message_contacts(f, message=cols["contact_id"], inbound=cols["inbound"], reply_to=cols["reply_to"],
                                time=cols["opened"], channel=cols["channel"], engine=engine, source=src, extra=extra,
                                dates=dates)
    d = pd.DataFrame({
        "contact_id": f[cols["contact_id"]].astype("string"),
        "channel": f[cols["channel"]].astype("string").fillna("(none)"),
        "opened_at": to_utc(f[cols["opened"]], cols["opened"], src, *dates),
        "first_reply_at": to_utc(f[cols["first_reply"]], cols["first_reply"], src, *dates),
    })
    bad = d["opened_at"].isna()
    if bad.any():
        raise DataInputError(f"{src}: column '{cols['opened']}' is empty in {int(bad.sum())} rows; every contact "
                             "needs an opening time")
    d["reply_minutes"] = reply_minutes(d["opened_at"], d["first_reply_at"])
    if "resolved" in cols:
        d["resolved_at"] = to_utc(f[cols["resolved"]], cols["resolved"], src, *dates)
    if "customer" in cols:
        d["customer_id"] = f[cols["customer"]].astype("string")
    if "text" in cols:
        d["text"] = f[cols["text"]].astype("string")
    for c in BOT_COLUMNS:
        if table.is_company_world and c in f:
            d[c] = f[c].to_numpy()
    d, negative = set_aside_negative(d)
    return Contacts(frame=d, negative=negative)


def key(label: object) -> str:
    """A metrics-key fragment: lower case, every run of other characters turned into ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", str(label).lower()).strip("_") or "none"


__all__ = ["BOT_COLUMNS", "Contacts", "build", "key", "message_contacts", "reply_pairs", "set_aside_negative"]
