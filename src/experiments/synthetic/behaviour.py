"""Latent shopping behaviour: when each person places orders (a time-varying Poisson process, vectorised).

A buyer's order intensity is ``rate * exp(trend * (day - reference_day))``, cut to 5% after an optional lapse day.
Order days are drawn by thinning (Lewis & Shedler 1979): candidates from the maximal rate, kept with probability
intensity / maximum. No Python loop runs per order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.synthetic.sizes import REFERENCE_DATE, day_of

REF_DAY = day_of(REFERENCE_DATE)
LAPSE_FACTOR = 0.05


@dataclass
class Behaviour:
    """Per-person latent traits (arrays indexed by person row)."""

    rate: np.ndarray
    """Orders per day at the reference date (0 for persons with neither a shop account nor a POS card)."""
    trend: np.ndarray
    """Log-rate slope per day."""
    lapse_day: np.ndarray
    """Day after which the intensity drops to ``LAPSE_FACTOR``; a large number when the person never lapses."""
    price_sensitivity: np.ndarray
    """0-1: probability weight of buying at a discount."""
    pickiness: np.ndarray
    """0-1: raises the chance of returning an order."""
    remote: np.ndarray
    """True for persons whose deliveries are often late (remote address)."""
    p_shop: np.ndarray
    """Probability that an order goes through the web shop rather than a store."""
    shop_rec: np.ndarray
    """Row of the person's primary shop record in ``records`` (-1 when none)."""
    shop_rec2: np.ndarray
    """Row of a re-registered shop record (-1 when none)."""
    pos_rec: np.ndarray
    """Row of the person's primary POS card (-1 when none)."""
    pos_rec2: np.ndarray
    """Row of a second POS card (-1 when none)."""
    start_day: np.ndarray
    """First day the person can order (signup, not before day 0)."""


def _first_two(records: pd.DataFrame, source: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n, -1, dtype=np.int64)
    second = np.full(n, -1, dtype=np.int64)
    sub = records.index[records["source"] == source].to_numpy()
    persons = records["person"].to_numpy()[sub]
    primary = records["primary"].to_numpy()[sub]
    first[persons[primary]] = sub[primary]
    second[persons[~primary]] = sub[~primary]
    return first, second


def make_behaviour(persons: pd.DataFrame, records: pd.DataFrame, rng: np.random.Generator) -> Behaviour:
    """Draw the latent traits of every person."""
    n = len(persons)
    shop, shop2 = _first_two(records, "shop", n)
    pos, pos2 = _first_two(records, "pos", n)
    buyer = (shop >= 0) | (pos >= 0)
    rate = np.where(buyer, rng.lognormal(0.0, 0.8, n), 0.0)
    start = np.maximum(persons["signup_day"].to_numpy(), 0)
    lapse = np.where(rng.random(n) < 0.3, rng.uniform(start, 560), 1e9)
    p_shop = np.where(shop < 0, 0.0, np.where(pos < 0, 1.0, rng.beta(2, 2, n)))
    return Behaviour(rate=rate, trend=rng.normal(-0.0008, 0.0016, n), lapse_day=lapse,
                     price_sensitivity=rng.beta(1.2, 3.0, n), pickiness=rng.beta(1.0, 6.0, n),
                     remote=rng.random(n) < 0.2, p_shop=p_shop, shop_rec=shop, shop_rec2=shop2, pos_rec=pos,
                     pos_rec2=pos2, start_day=start)


def intensity(beh: Behaviour, person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Order intensity (orders per day, before scaling) of ``person`` on (fractional) ``day``."""
    base = beh.rate[person] * np.exp(np.clip(beh.trend[person] * (day - REF_DAY), -4.0, 3.0))
    return np.where(day > beh.lapse_day[person], base * LAPSE_FACTOR, base)


def expected_orders(beh: Behaviour, lo: np.ndarray, hi: np.ndarray, grid: int = 48) -> np.ndarray:
    """Expected number of orders per person on days ``[lo, hi]`` (midpoint rule on ``grid`` points)."""
    n = len(lo)
    span = np.maximum(hi + 1 - lo, 0).astype(float)
    frac = (np.arange(grid) + 0.5) / grid
    days = lo[:, None] + span[:, None] * frac[None, :]
    person = np.broadcast_to(np.arange(n)[:, None], days.shape)
    return intensity(beh, person, days).mean(axis=1) * span


def draw_orders(beh: Behaviour, persons: np.ndarray, lo: np.ndarray, hi: np.ndarray, scale: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw order days for ``persons`` on their windows ``[lo, hi]`` (inclusive whole days).

    Returns (person, day) arrays, sorted by person then day. Thinning keeps the process exact for any trend.
    """
    span = np.maximum(hi + 1 - lo, 0).astype(float)
    ends = np.stack([lo, hi + 1]).astype(float)
    peak = np.maximum(intensity(beh, persons, ends[0]), intensity(beh, persons, ends[1]))
    peak = np.maximum(peak, beh.rate[persons]) * scale
    n_cand = rng.poisson(peak * span)
    who = np.repeat(np.arange(len(persons)), n_cand)
    t = lo[who] + rng.random(len(who)) * span[who]
    keep = rng.random(len(who)) * peak[who] < intensity(beh, persons[who], t) * scale
    person, day = persons[who[keep]], np.floor(t[keep]).astype(np.int64)
    order = np.lexsort((day, person))
    return person[order], day[order]
