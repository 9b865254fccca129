"""The four business views of each customer: value, behaviour, lifecycle and needs. Every threshold is a parameter.

- value (``high`` / ``medium`` / ``potential`` / ``low``): buyers ranked by CLV; the top ``value_high_share`` are
  high, the next ``value_medium_share`` medium; of the rest, young buyers (at most ``potential_max_purchases``
  purchases) still likely alive (P(alive) >= ``potential_min_alive``) are potential, the others low. Registered
  customers who never bought are potential (prospects).
- behaviour (``active`` / ``silent`` / ``churned`` / ``prospect``): days since the last purchase <= ``active_days``
  is active, <= ``churned_days`` silent, beyond it churned; no purchase at all is prospect.
- lifecycle (``new`` / ``growing`` / ``mature`` / ``declining``, ``prospect`` without purchases): first purchase
  within ``new_days`` is new; otherwise purchases in the last ``lifecycle_window_days`` against the window before:
  growing when the recent count is at least 2 and above ``growth_ratio`` x the earlier one, declining when below
  ``decline_ratio`` x the earlier one (or no purchase in either window), mature otherwise.
- needs (``price-sensitive`` / ``quality-seeking`` / ``service-dependent`` / ``unclear``): each signal divided by
  its threshold (discount share / ``need_discount_share``, price level / ``need_price_level``, service contacts and
  returns per order / ``need_contacts_per_order``); the largest ratio wins when it is at least 1 and the customer has
  ``need_min_orders`` orders; otherwise unclear.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

VALUE_TIERS = ("high", "medium", "potential", "low")
BEHAVIOURS = ("active", "silent", "churned", "prospect")
LIFECYCLES = ("new", "growing", "mature", "declining", "prospect")
NEEDS = ("price-sensitive", "quality-seeking", "service-dependent", "unclear")


@dataclass(frozen=True)
class TierRules:
    """Thresholds of the four views (see the module docstring); no defaults here: ``Config`` reads them from the
    notebook's parameters, and conf/runs.yaml ``checks:`` holds the single-threshold ranges. The rules that tie two
    thresholds together are checked here."""

    value_high_share: float
    value_medium_share: float
    potential_min_alive: float
    potential_max_purchases: int
    active_days: int
    churned_days: int
    new_days: int
    lifecycle_window_days: int
    growth_ratio: float
    decline_ratio: float
    need_discount_share: float
    need_price_level: float
    need_contacts_per_order: float
    need_min_orders: int

    def __post_init__(self) -> None:
        if self.value_high_share + self.value_medium_share > 1:
            raise ValueError(f"value_high_share and value_medium_share must sum to at most 1; got "
                             f"{self.value_high_share} and {self.value_medium_share}")
        if self.active_days > self.churned_days:
            raise ValueError(f"need active_days <= churned_days; got {self.active_days} and {self.churned_days}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The threshold names (each a notebook parameter of the same name)."""
        return tuple(f.name for f in fields(cls))

    def table(self) -> pd.DataFrame:
        """The thresholds as a (parameter, value) table for the report."""
        return pd.DataFrame([{"parameter": f.name, "value": getattr(self, f.name)} for f in fields(self)])


def value_tier(clv: pd.Series, p_alive: pd.Series, n_purchases: pd.Series, rules: TierRules) -> pd.Series:
    """Value tier per customer (index aligned). ``n_purchases`` 0 marks a prospect (potential). Ties in CLV are
    broken by customer id order, so the shares hold exactly and the result is deterministic."""
    buyer = n_purchases > 0
    order = clv[buyer].sort_index().rank(method="first", ascending=False)
    share = (order / max(int(buyer.sum()), 1)).reindex(clv.index)
    high = share <= rules.value_high_share
    medium = ~high & (share <= rules.value_high_share + rules.value_medium_share)
    young = (n_purchases <= rules.potential_max_purchases) & (p_alive >= rules.potential_min_alive)
    tier = np.select([~buyer, high, medium, young], ["potential", "high", "medium", "potential"], default="low")
    return pd.Series(tier, index=clv.index, name="value_tier")


def behaviour(recency_days: pd.Series, rules: TierRules) -> pd.Series:
    """Behaviour per customer from days since the last purchase (NaN = never bought = prospect)."""
    r = recency_days.to_numpy(float)
    out = np.select([np.isnan(r), r <= rules.active_days, r <= rules.churned_days],
                    ["prospect", "active", "silent"], default="churned")
    return pd.Series(out, index=recency_days.index, name="behaviour")


def lifecycle(tenure_days: pd.Series, n_recent: pd.Series, n_prev: pd.Series, rules: TierRules) -> pd.Series:
    """Lifecycle stage from days since the first purchase (NaN = prospect) and purchase counts in the last window
    and the window before it."""
    t = tenure_days.to_numpy(float)
    rec, prev = n_recent.to_numpy(float), n_prev.to_numpy(float)
    growing = (rec >= 2) & (rec > rules.growth_ratio * prev)
    declining = (rec < rules.decline_ratio * prev) | ((rec == 0) & (prev == 0))
    out = np.select([np.isnan(t), t <= rules.new_days, growing, declining],
                    ["prospect", "new", "growing", "declining"], default="mature")
    return pd.Series(out, index=tenure_days.index, name="lifecycle")


def needs(profile: pd.DataFrame, rules: TierRules) -> pd.Series:
    """Need type per customer from a ``company.needs_profile`` frame (discount_share, price_level,
    contacts_per_order, n_orders)."""
    ratios = pd.DataFrame({
        "price-sensitive": profile["discount_share"] / rules.need_discount_share,
        "quality-seeking": profile["price_level"] / rules.need_price_level,
        "service-dependent": profile["contacts_per_order"] / rules.need_contacts_per_order,
    }).fillna(0.0)
    best = ratios.to_numpy().argmax(axis=1)
    top = ratios.to_numpy().max(axis=1)
    enough = (profile["n_orders"].to_numpy() >= rules.need_min_orders) & (top >= 1.0)
    out = np.where(enough, np.array(ratios.columns)[best], "unclear")
    return pd.Series(out, index=profile.index, name="need")
