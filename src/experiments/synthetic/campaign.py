"""A past randomized retention campaign (raw ``campaigns.csv``) and its planted truth (``_truth/campaign.csv``).

On ``SEND_DATE`` a random ``SHARE`` of the persons who bought before it is assigned at random (equal shares) to
control or one of four actions. Each action has a cost (``COST``, written on every row). The 30-day spend after the
send answers with a planted, heterogeneous effect computed from facts the raw data shows before the send date:

- coupon: ``COUPON_PER_DISCOUNT_SHARE * discount_share`` (price-sensitive customers, who buy at a discount);
- care call: ``CARE_PER_COMPLAINT`` per negative feedback message plus ``CARE_PER_LATE`` per late delivery (cap 4);
- priority service: ``PRIORITY_PER_LATE`` per late delivery (cap 4) plus ``PRIORITY_PER_COMPLAINT`` per complaint;
- recommendation email (with the customer's top items): ``EMAIL_SHARE`` of the usual 30-day spend for customers who
  bought in the last 90 days;
- recent high-value buyers (bought in the last ``RECENT_DAYS`` days, usual spend in the top ``HIGH_VALUE_Q``) are
  unmoved by anything (effect 0);
- sleeping dogs (no purchase for ``LAPSE_DAYS``+ days after at least ``DOG_MIN_ORDERS`` orders) would come back on
  their own (``DOG_COMEBACK`` added to their expected spend) but are put off by any contact: their spend is multiplied
  by ``DOG_MULT`` (effect ``-(1 - DOG_MULT) * expected spend``).

The spend without action is a Gamma draw around the usual 30-day spend (spend in the 180 days before the send / 6,
plus ``BASE_FLOOR``); the observed spend is ``base * mult + add`` for the assigned action, so the true incremental
spend of every action is known exactly and written per campaign customer. The campaign has its own random stream:
no other raw file changes; the order files do not carry the response (the campaign's 30-day spend is the measured
outcome on its own row).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from experiments.synthetic import churn
from experiments.synthetic.purchases import purchase_mask
from experiments.synthetic.sizes import START, day_of, rng_for

SEND_DATE = date(2025, 2, 14)
SEND_DAY = day_of(SEND_DATE)
SHARE = 0.3
ARMS = ("control", "coupon", "care call", "priority service", "recommendation email")
ACTIONS = ARMS[1:]
COST = {"control": 0.0, "coupon": 15.0, "care call": 20.0, "priority service": 30.0, "recommendation email": 1.0}
COUPON_PER_DISCOUNT_SHARE = 400.0
CARE_PER_COMPLAINT, CARE_PER_LATE = 120.0, 25.0
PRIORITY_PER_LATE, PRIORITY_PER_COMPLAINT = 80.0, 15.0
EMAIL_SHARE = 0.25
RECENT_DAYS, HIGH_VALUE_Q = 21, 0.8
LAPSE_DAYS, DOG_MIN_ORDERS, DOG_MULT = 60, 3, 0.3
DOG_COMEBACK = 150.0
"""A sleeping dog's expected 30-day spend when left alone includes this comeback (which a contact mostly spoils)."""
BASE_FLOOR, BASE_SHAPE = 20.0, 50.0
N_DUPLICATES = 3
"""Rows written twice (a re-sent export): the cleaning keeps the first."""


def send_features(orders: pd.DataFrame, lines: pd.DataFrame, list_price: np.ndarray,
                  feedback: pd.DataFrame) -> pd.DataFrame:
    """Per person who bought before ``SEND_DAY`` (index: person row): the churn drivers as of the send day
    (``churn.churn_drivers``) plus the usual 30-day spend (spend in the 180 days before the send / 6)."""
    out = churn.churn_drivers(orders, lines, list_price, feedback, as_of_day=SEND_DAY)
    buy = orders[(orders["day"].to_numpy() < SEND_DAY) & (orders["day"].to_numpy() >= SEND_DAY - 180)
                 & (orders["person"].to_numpy() >= 0)]
    buy = buy[purchase_mask(buy)]
    amount = (lines["qty"] * lines["unit_price"]).groupby(lines["key"]).sum()
    spend = pd.Series(amount.reindex(buy["key"].to_numpy()).fillna(0.0).to_numpy(), index=buy["person"].to_numpy())
    out["usual_spend_30d"] = (spend.groupby(level=0).sum() / 6.0).reindex(out.index, fill_value=0.0)
    return out


def planted_effects(f: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """Return (add, mult) per action (columns ``ACTIONS``), the expected base spend and the sleeping-dog flag."""
    dog = (f["recency_days"].to_numpy() >= LAPSE_DAYS) & (f["orders_before"].to_numpy() >= DOG_MIN_ORDERS)
    base = f["usual_spend_30d"].to_numpy() + BASE_FLOOR + DOG_COMEBACK * dog
    late = np.minimum(f["late_deliveries"].to_numpy(), 4)
    neg = np.minimum(f["negative_feedback"].to_numpy(), 4)
    add = pd.DataFrame({
        "coupon": COUPON_PER_DISCOUNT_SHARE * f["discount_share"].to_numpy(),
        "care call": CARE_PER_COMPLAINT * neg + CARE_PER_LATE * late,
        "priority service": PRIORITY_PER_LATE * late + PRIORITY_PER_COMPLAINT * neg,
        "recommendation email": EMAIL_SHARE * base * (f["recency_days"].to_numpy() <= 90),
    }, index=f.index)
    high = f["usual_spend_30d"].to_numpy() >= np.quantile(f["usual_spend_30d"].to_numpy(), HIGH_VALUE_Q)
    unmoved = (f["recency_days"].to_numpy() <= RECENT_DAYS) & high
    add.loc[unmoved | dog, :] = 0.0
    mult = pd.DataFrame(np.where(dog[:, None], DOG_MULT, 1.0) * np.ones((1, len(ACTIONS))), index=f.index,
                        columns=list(ACTIONS))
    return add, mult, base, dog


def make_campaign(orders: pd.DataFrame, lines: pd.DataFrame, list_price: np.ndarray, feedback: pd.DataFrame,
                  records: pd.DataFrame, beh_shop_rec: np.ndarray, beh_pos_rec: np.ndarray, person_ids: np.ndarray,
                  seed: int, first: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the raw ``campaigns.csv`` rows and the truth table (one row per campaign person); send ids are
    numbered from ``first``."""
    rng = rng_for(seed, "campaign")
    f = send_features(orders, lines, list_price, feedback)
    add, mult, base, dog = planted_effects(f)
    pick = np.sort(rng.choice(len(f), int(round(SHARE * len(f))), replace=False))
    person = f.index.to_numpy()[pick]
    arm = rng.integers(0, len(ARMS), len(pick))
    b = base[pick]
    drawn = rng.gamma(BASE_SHAPE, b / BASE_SHAPE)
    a_add = np.column_stack([np.zeros(len(pick)), add.to_numpy()[pick]])
    a_mult = np.column_stack([np.ones(len(pick)), mult.to_numpy()[pick]])
    rows = np.arange(len(pick))
    spend = np.round(drawn * a_mult[rows, arm] + a_add[rows, arm], 2)
    rec = np.where(beh_shop_rec[person] >= 0, beh_shop_rec[person], beh_pos_rec[person])
    ref = records["record_id"].to_numpy()[rec]
    sent = pd.Timestamp(START) + pd.to_timedelta(SEND_DAY, unit="D") + pd.to_timedelta(
        rng.integers(9 * 3600, 18 * 3600, len(pick)), unit="s")
    arm_name = np.asarray(ARMS, dtype=object)[arm]
    raw = pd.DataFrame({"send_id": [f"CM{k + first:06d}" for k in range(len(pick))], "customer_ref": ref,
                        "arm": arm_name, "sent_at": sent.strftime("%d/%m/%Y %H:%M"),
                        "cost": [COST[a] for a in arm_name], "spend_30d": spend})
    dup = rng.choice(len(raw), min(N_DUPLICATES, len(raw)), replace=False)
    raw = pd.concat([raw, raw.iloc[dup]]).sort_values("send_id", kind="stable", ignore_index=True)
    truth = pd.DataFrame({"person_id": person_ids[person], "customer_ref": ref, "arm": arm_name,
                          "sleeping_dog": dog[pick].astype(int), "expected_base_spend": np.round(b, 4)})
    for j, a in enumerate(ACTIONS):
        truth[f"true_{a.replace(' ', '_')}"] = np.round(b * (a_mult[:, j + 1] - 1.0) + a_add[:, j + 1], 4)
        truth[f"cost_{a.replace(' ', '_')}"] = COST[a]
    return raw, truth


def outcome_window() -> tuple[date, date]:
    """The send date and the last day of the 30-day spend window."""
    return SEND_DATE, SEND_DATE + timedelta(days=29)
