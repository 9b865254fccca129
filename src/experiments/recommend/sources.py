"""Interactions in: ``load(config) -> Data``, the company-world adapter and the flat-table adapter.

Both read through ``experiments.data.inputs.load_input`` and give the same long frame ``user, item, weight, time``
(time and weight may be absent for a flat table without those columns) plus the counted reasons rows were left out:

- company world (empty ``input_path``): completed order lines of known customers with a positive quantity
  (``weight`` = quantity, ``time`` = ``ordered_at``); cancelled and returned lines, guest lines and return lines
  are left out. Item names and categories come from ``items``, customer profiles (acquisition channel, segment from
  ``segments.parquet`` when 02 published it) from ``customers``, for the cold-start lists;
- flat table: rows without a user or item are dropped (counted), ``weight`` must be numeric (else an error naming
  file, column and rows), rows with weight <= 0 are dropped (cancellations, returns), ``min_rating`` keeps rows
  whose weight is at least that (explicit ratings as positives), ``time`` is parsed with the lab's one date parser
  (``common.dates.parse_dates``: ``date_order`` for slash dates, never guessed) and unparsable dates are an error
  naming the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.common.dates import parse_dates
from experiments.common.errors import DataInputError, example_rows
from experiments.common.ids import id_text
from experiments.data import inputs, processed
from experiments.recommend.config import Config

SEGMENT_COLUMNS = ("segment", "rfm_segment", "segment_name", "segment_label")
"""Columns of segments.parquet read as the segment label, first match wins (02 publishes ``rfm_segment``)."""


@dataclass
class Interactions:
    """The long interaction frame and the counted reasons rows were left out."""

    frame: pd.DataFrame
    dropped: dict[str, int] = field(default_factory=dict)
    rows_in: int = 0

    @property
    def has_time(self) -> bool:
        """True when every interaction has a time (a time split is possible)."""
        return "time" in self.frame.columns

    def dropped_table(self) -> pd.DataFrame:
        """Return the dropped rows per reason (reason, rows)."""
        return pd.DataFrame({"reason": list(self.dropped), "rows": list(self.dropped.values())})


def company_interactions(orders: pd.DataFrame) -> Interactions:
    """Return the completed, positive-quantity order lines of known customers as interactions (with channel)."""
    reasons = {
        "not completed (cancelled or returned)": orders["status"].ne("completed"),
        "guest line (no customer_id)": orders["customer_id"].isna(),
        "quantity <= 0 (return line)": orders["quantity"].le(0),
    }
    keep = pd.Series(True, index=orders.index)
    dropped = {}
    for reason, bad in reasons.items():
        dropped[reason] = int((bad & keep).sum())
        keep &= ~bad
    o = orders.loc[keep].reset_index(drop=True)
    frame = pd.DataFrame({"user": o["customer_id"].astype(str), "item": o["item_id"].astype(str),
                          "weight": o["quantity"].astype(np.float64),
                          "time": pd.to_datetime(o["ordered_at"], utc=True), "channel": o["channel"].astype(str)})
    return Interactions(frame=frame, dropped=dropped, rows_in=len(orders))


def flat_interactions(frame: pd.DataFrame, source: str, columns: dict[str, str], *, min_rating: float | None,
                      date_order: str, date_format: str) -> Interactions:
    """Return the interactions of a role-named flat table (``user``, ``item``, optional ``weight``, ``time``).

    ``columns`` maps each role to the file's column (for messages). Raises ``DataInputError`` naming ``source``,
    the column and example rows for a non-numeric weight or an unparsable time.
    """
    df = frame.copy()
    n = len(df)
    dropped: dict[str, int] = {}
    for role in ("user", "item"):
        text = id_text(df[role])
        missing = text.isna() | text.eq("")
        dropped[f"no {role} ({columns[role]} empty)"] = int(missing.sum())
        df[role] = text
        df = df.loc[~missing]
    if "weight" in df.columns:
        w = pd.to_numeric(df["weight"], errors="coerce")
        bad = w.isna() & df["weight"].notna()
        if bad.any():
            raise DataInputError(f"{source}: column {columns['weight']!r} (weight_col) has {int(bad.sum())} values "
                                 f"that are not numbers ({example_rows(bad)}, e.g. {df.loc[bad, 'weight'].iloc[0]!r});"
                                 " expected quantities or ratings")
        inf = np.isinf(w.to_numpy(np.float64))
        if inf.any():
            raise DataInputError(f"{source}: column {columns['weight']!r} (weight_col) has {int(inf.sum())} infinite "
                                 f"values ({example_rows(pd.Series(frame.index.isin(df.index[inf])))}); a weight "
                                 "must be a finite quantity or rating: correct or remove those rows")
        df["weight"] = w
        nonpos = w.isna() | (w <= 0)
        dropped[f"weight empty or <= 0 ({columns['weight']})"] = int(nonpos.sum())
        df = df.loc[~nonpos]
        if min_rating is not None:
            low = df["weight"] < min_rating
            dropped[f"rating below min_rating {min_rating:g}"] = int(low.sum())
            df = df.loc[~low]
    elif min_rating is not None:
        raise DataInputError(f"{source}: min_rating is set but weight_col is empty; name the rating column")
    if "time" in df.columns:
        parsed = parse_dates(df["time"], order=date_order, fmt=date_format, column=columns["time"])
        bad = parsed.values.isna()
        if bad.any():
            raise DataInputError(f"{source}: column {columns['time']!r} (time_col) has {int(bad.sum())} values that "
                                 f"are not dates ({example_rows(bad)}, e.g. {df.loc[bad.to_numpy(), 'time'].iloc[0]!r}"
                                 "); set date_order or date_format")
        df["time"] = pd.to_datetime(parsed.values.to_numpy()).tz_localize("UTC")
    dropped = {k: v for k, v in dropped.items() if v}
    keep_cols = [c for c in ("user", "item", "weight", "time") if c in df.columns]
    out = df[keep_cols].reset_index(drop=True)
    out["user"] = out["user"].astype(str)
    out["item"] = out["item"].astype(str)
    return Interactions(frame=out, dropped=dropped, rows_in=n)


def customer_profiles(customers: pd.DataFrame | None, interactions: pd.DataFrame,
                      segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per customer: customer_id, channel (acquisition channel, else the channel of most lines),
    segment (from ``segments`` when given, else empty) for the cold-start fallback."""
    ids = pd.Index(interactions["user"].unique())
    if customers is not None and "customer_id" in customers.columns:
        ids = ids.union(pd.Index(customers["customer_id"].astype(str)))
    prof = pd.DataFrame({"customer_id": ids.astype(str)})
    channel = pd.Series(pd.NA, index=prof.index, dtype="string")
    if customers is not None and "acquisition_channel" in customers.columns:
        acq = customers.set_index(customers["customer_id"].astype(str))["acquisition_channel"]
        channel = prof["customer_id"].map(acq).astype("string")
    if "channel" in interactions.columns:
        top = (interactions.groupby(["user", "channel"]).size().rename("n").reset_index()
               .sort_values(["user", "n", "channel"], ascending=[True, False, True]).drop_duplicates("user"))
        channel = channel.fillna(prof["customer_id"].map(top.set_index("user")["channel"]).astype("string"))
    prof["channel"] = channel.fillna("unknown")
    prof["segment"] = ""
    if segments is not None and {"customer_id", "segment"} <= set(segments.columns):
        seg = segments.set_index(segments["customer_id"].astype(str))["segment"].astype(str)
        prof["segment"] = prof["customer_id"].map(seg).fillna("")
    return prof


def check_usable(inter: Interactions, source: str, columns: dict[str, str]) -> None:
    """Raise ``DataInputError`` naming ``source`` and the column when the interactions cannot train a recommender:
    none left (a header-only file, or every row dropped: the reasons counted), one customer, or one item (every row
    identical is both). ``columns`` maps the roles ``user`` and ``item`` to the file's columns."""
    frame = inter.frame
    if frame.empty:
        why = "; ".join(f"{reason}: {rows}" for reason, rows in inter.dropped.items()) or "the file has no data rows"
        raise DataInputError(f"{source}: no usable interactions in {inter.rows_in} rows read ({why}); "
                             f"03 needs rows naming a customer ({columns['user']!r}, customer_col) and an item "
                             f"({columns['item']!r}, item_col)")
    for role, param, what in (("user", "customer_col", "customer"), ("item", "item_col", "item")):
        if frame[role].nunique() < 2:
            raise DataInputError(f"{source}: column {columns[role]!r} ({param}) holds one {what} in all "
                                 f"{len(frame)} usable rows; recommendations learn from several customers and rank "
                                 f"several items: give a table with at least 2 of each (check that {param} names "
                                 "the right column)")


@dataclass
class Data:
    """What was read: interactions, item names and categories, customer profiles, the input table."""

    interactions: Interactions
    item_names: pd.Series | None
    item_categories: pd.Series | None
    profiles: pd.DataFrame
    table: inputs.InputTable
    segments_found: bool

    @property
    def is_company_world(self) -> bool:
        """True when the data is the company world (results go to data/processed)."""
        return self.table.is_company_world


def _segments() -> pd.DataFrame | None:
    """Return segments.parquet (customer_id, segment) from the current processed folder when present."""
    path = processed.current_dir() / "segments.parquet"
    if not path.is_file():
        return None
    seg = pd.read_parquet(path)
    col = next((c for c in SEGMENT_COLUMNS if c in seg.columns), None)
    if col is None or "customer_id" not in seg.columns:
        return None
    return pd.DataFrame({"customer_id": seg["customer_id"].astype(str), "segment": seg[col].astype(str)})


def load(cfg: Config) -> Data:
    """Read the input: the company world's orders (plus items, customers, segments) or the flat table."""
    if not cfg.input_path:
        from experiments.data.contracts import load_processed

        table = inputs.load_input("", {"user": "customer_id", "item": "item_id", "weight": "quantity",
                                       "time": "ordered_at"}, company="orders")
        inter = company_interactions(table.frame)
        items = load_processed("items")
        names = items.set_index(items["item_id"].astype(str))["name"].astype(str)
        cats = items.set_index(items["item_id"].astype(str))["category"].astype(str)
        customers = load_processed("customers")
        seg = _segments()
        profiles = customer_profiles(customers, inter.frame, seg)
        return Data(inter, names, cats, profiles, table, seg is not None)
    roles = {"user": cfg.customer_col, "item": cfg.item_col, "weight": cfg.weight_col, "time": cfg.time_col,
             "item_name": cfg.item_name_col}
    table = inputs.load_input(cfg.input_path, roles, optional=["weight", "time", "item_name"],
                              encoding=cfg.input_encoding, sheet=cfg.input_sheet, sep=cfg.input_sep,
                              header=cfg.input_header, names={"user": "customer_col"})
    frame = table.select([r for r in ("user", "item", "weight", "time") if r in table.columns])
    inter = flat_interactions(frame, table.source, {r: str(c) for r, c in table.columns.items()},
                              min_rating=cfg.min_rating, date_order=cfg.date_order, date_format=cfg.date_format)
    names = None
    if "item_name" in table.columns:
        sel = table.select(["item", "item_name"]).dropna()
        names = sel.assign(item=sel["item"].astype(str).str.strip()).drop_duplicates("item").set_index("item")[
            "item_name"].astype(str)
    return Data(inter, names, None, customer_profiles(None, inter.frame), table, False)
