"""Orders and order lines (web shop and POS), fully vectorised with numpy.

Order days come from ``behaviour``; each order gets 1-6 lines whose items are drawn from the person's softmax over
taste x factors + popularity (``catalog.preference_cdf``), with planted co-purchase boosts (coffee -> snacks,
tea -> tableware). Statuses, delivery days, discounts, POS returns and voids are drawn per order or line.
Internally an order is a row of an ``orders`` frame (key, person, channel, record, day, tod, status, ...) and a
line a row of a ``lines`` frame (key, line_no, item, qty, unit_price); ``raw.py`` turns both into the files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.synthetic.behaviour import Behaviour
from experiments.synthetic.products import CATEGORIES, COPURCHASE

SHOP, POS = 0, 1
COMPLETED, CANCELLED, RETURNED = 0, 1, 2
"""Shop order statuses."""
SALE, VOID, RETURN = 0, 1, 3
"""POS transaction types (``RETURN`` marks a negative-quantity return transaction)."""
SHOP_STATUS = {COMPLETED: "completed", CANCELLED: "cancelled", RETURNED: "returned"}
POS_TYPE = {SALE: "sale", VOID: "void", RETURN: "return"}
COPURCHASE_P = 0.45
DISCOUNTS = np.array([0.7, 0.75, 0.8, 0.85, 0.9])
LATE_DAYS = 5
"""A delivery is late when ``delivery_days > LATE_DAYS``."""


class ItemSampler:
    """Draws items from per-person purchase distributions with one ``searchsorted`` over stacked CDF rows."""

    def __init__(self, cdf: np.ndarray, items: pd.DataFrame, rng: np.random.Generator) -> None:
        self.n_items = cdf.shape[1]
        cdf += np.arange(cdf.shape[0], dtype=np.float64)[:, None]
        self.flat = cdf.ravel()
        self.rng = rng
        cats = items["category"].to_numpy()
        pop = np.exp(items["popularity"].to_numpy())
        self.pop_cdf = np.cumsum(pop) / pop.sum()
        self.cat_code = np.array([CATEGORIES.index(c) for c in cats], dtype=np.int64)
        self.by_cat = {c: (np.flatnonzero(cats == c), np.cumsum(pop[cats == c]) / pop[cats == c].sum())
                       for c in CATEGORIES}

    def for_rows(self, rows: np.ndarray) -> np.ndarray:
        """Item index for each entry of ``rows`` (a row of the CDF matrix, i.e. a buyer)."""
        q = rows.astype(np.float64) + self.rng.random(len(rows)) * (1 - 1e-12)
        pos = np.searchsorted(self.flat, q, side="right")
        return np.minimum(pos - rows * self.n_items, self.n_items - 1)

    def by_popularity(self, n: int, category: str | None = None) -> np.ndarray:
        """Items drawn by popularity alone (guests, co-purchase boosts), optionally within one category."""
        if category is None:
            return np.minimum(np.searchsorted(self.pop_cdf, self.rng.random(n), side="right"), self.n_items - 1)
        idx, cdf = self.by_cat[category]
        return idx[np.minimum(np.searchsorted(cdf, self.rng.random(n), side="right"), len(idx) - 1)]


def make_orders(person: np.ndarray, day: np.ndarray, beh: Behaviour, reg_day: np.ndarray, store_city: np.ndarray,
                rng: np.random.Generator, first_key: int, kind: str) -> pd.DataFrame:
    """Return one row per order: key, person, channel, record, day, tod (local seconds), status, delivery_days,
    store_city, kind. ``person`` -1 is a guest; ``store_city`` is indexed by person (guests draw one at random)."""
    n = len(person)
    guest = person < 0
    p = np.where(guest, 0, person)
    p_shop = np.where(guest, 0.55, beh.p_shop[p])
    channel = np.where(rng.random(n) < p_shop, SHOP, POS)
    use2 = rng.random(n) < 0.3
    rec1 = np.where(channel == SHOP, beh.shop_rec[p], beh.pos_rec[p])
    rec2 = np.where(channel == SHOP, beh.shop_rec2[p], beh.pos_rec2[p])
    ok2 = use2 & (rec2 >= 0) & (reg_day[np.maximum(rec2, 0)] <= day)
    record = np.where(guest, -1, np.where(ok2, rec2, rec1))
    tod = np.where(channel == SHOP, rng.integers(8 * 3600, 24 * 3600, n), rng.integers(9 * 3600, 22 * 3600, n))
    u = rng.random(n)
    picky = np.where(guest, 0.1, beh.pickiness[p])
    status = np.where(channel == SHOP, np.where(u < 0.04, CANCELLED, np.where(u < 0.04 + 0.015 + 0.08 * picky,
                                                                             RETURNED, COMPLETED)),
                      np.where(u < 0.02, VOID, SALE))
    remote = np.where(guest, False, beh.remote[p])
    delivery = 1 + rng.poisson(1.5 + 2.2 * remote)
    delivery = np.where((channel == SHOP) & (status != CANCELLED), delivery, -1)
    cities = np.where(guest, store_city[rng.integers(0, len(store_city), n)], store_city[p])
    return pd.DataFrame({"key": np.arange(first_key, first_key + n, dtype=np.int64), "person": person,
                         "channel": channel, "record": record, "day": day.astype(np.int64), "tod": tod,
                         "status": status, "delivery_days": delivery, "store_city": cities, "kind": kind})


def make_lines(orders: pd.DataFrame, sampler: ItemSampler, buyer_row: np.ndarray, items: pd.DataFrame,
               price_sensitivity: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Return the lines of ``orders``: key, line_no, item, qty, unit_price (vectorised, co-purchase planted)."""
    n_lines = np.minimum(1 + rng.poisson(0.6, len(orders)), 6)
    o = np.repeat(np.arange(len(orders)), n_lines)
    starts = np.cumsum(n_lines) - n_lines
    line_no = np.arange(len(o)) - np.repeat(starts, n_lines) + 1
    person = orders["person"].to_numpy()[o]
    guest = person < 0
    item = np.empty(len(o), dtype=np.int64)
    item[~guest] = sampler.for_rows(buyer_row[person[~guest]])
    item[guest] = sampler.by_popularity(int(guest.sum()))
    cat = sampler.cat_code[item]
    for k in range(2, int(line_no.max(initial=1)) + 1):
        at = np.flatnonzero(line_no == k)
        for src, dst in COPURCHASE.items():
            hit = at[(cat[at - 1] == CATEGORIES.index(src)) & (rng.random(len(at)) < COPURCHASE_P)]
            item[hit] = sampler.by_popularity(len(hit), dst)
            cat[hit] = CATEGORIES.index(dst)
    price = items["price"].to_numpy()[item]
    qty = np.where(cat == CATEGORIES.index("appliances"), 1, rng.choice([1, 2, 3], len(o), p=[0.8, 0.15, 0.05]))
    sens = np.where(guest, 0.2, price_sensitivity[np.maximum(person, 0)])
    discounted = rng.random(len(o)) < 0.08 + 0.55 * sens
    unit = np.where(discounted, np.round(price * DISCOUNTS[rng.integers(0, len(DISCOUNTS), len(o))], 2), price)
    return pd.DataFrame({"key": orders["key"].to_numpy()[o], "line_no": line_no.astype(np.int64), "item": item,
                         "qty": qty.astype(np.int64), "unit_price": unit})


def pos_returns(orders: pd.DataFrame, lines: pd.DataFrame, last_day: int, rate: float, rng: np.random.Generator,
                first_key: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return transactions (one negative line each) for about ``rate`` of POS sale lines, 1-20 days later."""
    o = orders.set_index("key").loc[lines["key"].to_numpy(), ["channel", "status", "day"]]
    eligible = (o["channel"].to_numpy() == POS) & (o["status"].to_numpy() == SALE) & (lines["qty"].to_numpy() > 0)
    later = o["day"].to_numpy() + rng.integers(1, 21, len(lines))
    pick = np.flatnonzero(eligible & (rng.random(len(lines)) < rate) & (later <= last_day))
    src = orders.set_index("key").loc[lines["key"].to_numpy()[pick]].reset_index()
    keys = np.arange(first_key, first_key + len(pick), dtype=np.int64)
    ret = src.assign(key=keys, day=later[pick], tod=rng.integers(9 * 3600, 22 * 3600, len(pick)), status=RETURN,
                     kind="return")
    ret_lines = pd.DataFrame({"key": keys, "line_no": np.ones(len(pick), dtype=np.int64),
                              "item": lines["item"].to_numpy()[pick], "qty": -lines["qty"].to_numpy()[pick],
                              "unit_price": lines["unit_price"].to_numpy()[pick]})
    return ret[orders.columns], ret_lines


def purchase_mask(orders: pd.DataFrame) -> np.ndarray:
    """True for orders that are completed purchases: shop ``completed`` or POS ``sale``."""
    st = orders["status"].to_numpy()
    return np.where(orders["channel"].to_numpy() == SHOP, st == COMPLETED, st == SALE)
