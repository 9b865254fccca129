"""Turn the internal orders and lines into ``shop_orders.csv`` and ``pos_transactions.csv`` (vectorised).

Ids follow time: shop orders ``S000001``... and POS transactions ``T000001``... in order of (day, time, key).
Shop times are UTC (``2024-05-01 13:45:00``); POS times are store-local UTC+8, day first (``01/05/2024 13:45``).
About 0.5% of lines are written twice in a row (exact duplicates).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from experiments.synthetic.purchases import POS, POS_TYPE, SHOP, SHOP_STATUS
from experiments.synthetic.sizes import START

DUPLICATE_RATE = 0.005
_DAY_PAD = 2


def order_ids(orders: pd.DataFrame, first: dict[str, int] | None = None, width: int | None = None) -> pd.Series:
    """Return order id strings indexed by internal key (``S``/``T`` + zero-padded rank in time order).

    A block of a world generated in blocks numbers from ``first[prefix]`` with a fixed ``width`` (ids then follow
    time within the block only)."""
    out = []
    for channel, prefix in ((SHOP, "S"), (POS, "T")):
        o = orders[orders["channel"] == channel].sort_values(["day", "tod", "key"], kind="stable")
        w = width or max(6, len(str(len(o))))
        start = (first or {}).get(prefix, 1)
        out.append(pd.Series([f"{prefix}{k + start:0{w}d}" for k in range(len(o))], index=o["key"].to_numpy()))
    return pd.concat(out)


def _day_strings(max_day: int, fmt: str) -> np.ndarray:
    return np.array([f"{START + timedelta(days=d - _DAY_PAD):{fmt}}" for d in range(max_day + 2 * _DAY_PAD + 1)],
                    dtype=object)


def _tod_strings(fmt_seconds: bool) -> np.ndarray:
    s = np.arange(86400)
    h, m, sec = s // 3600, s // 60 % 60, s % 60
    if fmt_seconds:
        return np.array([f"{a:02d}:{b:02d}:{c:02d}" for a, b, c in zip(h, m, sec, strict=True)], dtype=object)
    return np.array([f"{a:02d}:{b:02d}" for a, b in zip(h, m, strict=True)], dtype=object)


def _stamp(day: np.ndarray, tod: np.ndarray, shift_hours: int, day_fmt: str, seconds: bool) -> np.ndarray:
    total = day.astype(np.int64) * 86400 + tod.astype(np.int64) + shift_hours * 3600
    d, t = np.divmod(total, 86400)
    days = _day_strings(int(d.max(initial=0)) + 1, day_fmt)
    return days[d + _DAY_PAD] + " " + _tod_strings(seconds)[t]


def _joined(orders: pd.DataFrame, lines: pd.DataFrame, channel: int, ids: pd.Series) -> pd.DataFrame:
    o = orders[orders["channel"] == channel].set_index("key")
    ln = lines[lines["key"].isin(o.index)]
    j = o.loc[ln["key"].to_numpy()].reset_index()
    j["line_no"] = ln["line_no"].to_numpy()
    j["item"] = ln["item"].to_numpy()
    j["qty"] = ln["qty"].to_numpy()
    j["unit_price"] = ln["unit_price"].to_numpy()
    j["order_id"] = ids.loc[j["key"].to_numpy()].to_numpy()
    return j.sort_values(["order_id", "line_no"], kind="stable").reset_index(drop=True)


def _duplicate(df: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    dup = rng.random(len(df)) < DUPLICATE_RATE
    if len(df) and not dup.any():
        dup[rng.integers(0, len(df))] = True
    return df.iloc[np.repeat(np.arange(len(df)), 1 + dup)].reset_index(drop=True), int(dup.sum())


def shop_table(orders: pd.DataFrame, lines: pd.DataFrame, ids: pd.Series, records: pd.DataFrame,
               items: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Return (``shop_orders.csv`` frame, number of duplicated lines)."""
    j = _joined(orders, lines, SHOP, ids)
    rec = j["record"].to_numpy()
    out = pd.DataFrame({
        "order_id": j["order_id"], "line_no": j["line_no"],
        "user_id": np.where(rec >= 0, records["record_id"].to_numpy()[np.maximum(rec, 0)], ""),
        "item_id": items["item_id"].to_numpy()[j["item"].to_numpy()], "quantity": j["qty"],
        "unit_price": j["unit_price"].round(2),
        "order_time": _stamp(j["day"].to_numpy(), j["tod"].to_numpy(), -8, "%Y-%m-%d", True),
        "status": pd.Series(j["status"]).map(SHOP_STATUS).to_numpy(),
        "delivery_days": pd.array(np.where(j["delivery_days"] >= 0, j["delivery_days"], 0), dtype="Int64")})
    out.loc[j["delivery_days"].to_numpy() < 0, "delivery_days"] = pd.NA
    return _duplicate(out, rng)


def pos_table(orders: pd.DataFrame, lines: pd.DataFrame, ids: pd.Series, records: pd.DataFrame,
              items: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Return (``pos_transactions.csv`` frame, number of duplicated lines)."""
    j = _joined(orders, lines, POS, ids)
    rec = j["record"].to_numpy()
    out = pd.DataFrame({
        "txn_id": j["order_id"], "line_no": j["line_no"],
        "card_no": np.where(rec >= 0, records["record_id"].to_numpy()[np.maximum(rec, 0)], ""),
        "store_city": j["store_city"], "sku": items["item_id"].to_numpy()[j["item"].to_numpy()], "qty": j["qty"],
        "price": j["unit_price"].round(2),
        "txn_time": _stamp(j["day"].to_numpy(), j["tod"].to_numpy(), 0, "%d/%m/%Y", False),
        "txn_type": pd.Series(j["status"]).map(POS_TYPE).to_numpy()})
    return _duplicate(out, rng)
