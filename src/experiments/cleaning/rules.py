"""Named data-quality rules: each finds impossible values, applies its action and records how often it fired.

Actions:
- ``fix``: replace the value by a sound repair (e.g. a known list price);
- ``null``: blank the value and keep the row (a wrong birth date does not make a customer record useless);
- ``flag``: keep the value and count it (e.g. zero prices can be free gifts);
- ``quarantine``: move the row out of the clean data to ``quarantine/<source>.csv`` with the rule as reason.

``DEFAULT_ACTIONS`` is the decision per rule; the notebook's ``rule_actions`` parameter overrides it per rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

ACTIONS = ("fix", "null", "flag", "quarantine")

DEFAULT_ACTIONS: dict[str, str] = {
    "future_birth_date": "null",     # birth date after as_of: cannot be true, the rest of the record is fine
    "negative_age": "null",          # birth year after the as_of year (age < 0)
    "implausible_age": "null",       # older than 110 years
    "future_signup": "null",         # registration after as_of
    "unparsable_date": "null",       # a customer date nobody can read
    "invalid_phone": "null",         # not a valid number per phonenumbers
    "invalid_email": "null",         # not name@domain.tld after trimming
    "future_order_time": "quarantine",  # an order after as_of: the true date is unknown
    "missing_order_time": "quarantine",  # an order line without a timestamp
    "unparseable_order_time": "quarantine",  # an order line whose timestamp is text that is not a date
    "non_numeric_quantity": "quarantine",  # text in the quantity column ("abc", "2 pcs")
    "non_finite_quantity": "quarantine",  # inf / -inf: no real quantity
    "non_integer_quantity": "quarantine",  # 2.5 units: never silently truncated to 2
    "quantity_out_of_range": "quarantine",  # |quantity| above MAX_QUANTITY (1e20 would overflow int64)
    "missing_price": "quarantine",   # an order line without a unit price
    "non_numeric_price": "quarantine",  # text in the price column
    "non_finite_price": "quarantine",  # inf / -inf / nan written as text
    "price_out_of_range": "quarantine",  # |unit price| above MAX_PRICE (1,000,000): a typo or a hostile value
    "zero_price": "flag",            # free items / gifts: kept, counted; they add nothing to revenue
    "negative_price": "quarantine",  # accounting adjustments, not sales
    "missing_item": "quarantine",    # an order line without item id
    "zero_quantity": "quarantine",   # a line that moved nothing
    "missing_record_id": "quarantine",  # a customer record without id cannot be linked or traced
    "duplicate_record_id": "quarantine",  # the same id twice in one source: the later copy
    "exact_duplicate": "quarantine",  # the same raw line twice: the copy goes to quarantine (kept for audit)
    "duplicate_line_key": "quarantine",  # same order and line number but different content: cannot pick one
    "unknown_customer_ref": "null",  # an order's customer reference matches no customer record: kept as guest
}


@dataclass
class RuleLog:
    """Counts of every rule that fired, per source: the 'rules fired' table of the quality report."""

    rows: list[dict] = field(default_factory=list)
    actions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ACTIONS))

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, str] | None = None) -> RuleLog:
        """Return a log whose actions are ``DEFAULT_ACTIONS`` updated by ``overrides`` (validated)."""
        actions = dict(DEFAULT_ACTIONS)
        for rule, action in (overrides or {}).items():
            if rule not in actions:
                raise ValueError(f"unknown rule {rule!r}; known rules: {', '.join(sorted(actions))}")
            if action not in ACTIONS:
                raise ValueError(f"rule {rule!r}: action must be one of {ACTIONS}, got {action!r}")
            actions[rule] = action
        return cls(actions=actions)

    def action(self, rule: str) -> str:
        """The action configured for ``rule``."""
        return self.actions[rule]

    def record(self, source: str, rule: str, column: str, n: int, action: str | None = None) -> None:
        """Add one line to the log (also when ``n`` is 0, so the report shows rules that were checked)."""
        self.rows.append({"source": source, "rule": rule, "column": column, "action": action or self.actions.get(
            rule, "flag"), "n_rows": int(n)})

    def table(self) -> pd.DataFrame:
        """Return the log as a DataFrame (source, rule, column, action, n_rows)."""
        return pd.DataFrame(self.rows, columns=["source", "rule", "column", "action", "n_rows"])

    def count(self, rule: str, source: str | None = None) -> int:
        """Total rows a rule fired on (optionally for one source)."""
        t = self.table()
        t = t[t["rule"] == rule]
        if source is not None:
            t = t[t["source"] == source]
        return int(t["n_rows"].sum())


def apply_rule(df: pd.DataFrame, mask: pd.Series, *, rule: str, column: str, source: str, log: RuleLog,
               fix_value: pd.Series | object | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply ``rule`` (its configured action) to the rows where ``mask`` is true.

    Returns ``(kept, quarantined)``: ``quarantined`` holds the offending rows with a ``reason`` column when the action
    is ``quarantine`` (else it is empty). ``null`` blanks ``column``; ``fix`` sets it from ``fix_value`` (a scalar or
    a Series aligned on ``df``; rows whose fix is missing are nulled); ``flag`` changes nothing.
    """
    mask = pd.Series(mask, index=df.index).fillna(False).astype(bool)
    action = log.action(rule)
    log.record(source, rule, column, int(mask.sum()), action)
    empty = df.iloc[0:0].assign(reason=pd.Series(dtype="string"))
    if not mask.any():
        return df, empty
    if action == "quarantine":
        return df[~mask], df[mask].assign(reason=rule)
    out = df.copy()
    if action == "null":
        out.loc[mask, column] = None
    elif action == "fix":
        value = fix_value if isinstance(fix_value, pd.Series) else pd.Series(fix_value, index=df.index)
        out.loc[mask, column] = value[mask]
    return out, empty


def future_mask(values: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """True where a timestamp is after ``as_of`` (the generation 'today'); missing values are False."""
    return (pd.Series(values) > pd.Timestamp(as_of)).fillna(False).astype(bool)


def age_masks(birth: pd.Series, as_of: pd.Timestamp, max_age: int = 110) -> tuple[pd.Series, pd.Series]:
    """Return (negative age, implausible age > ``max_age``) masks for birth dates relative to ``as_of``."""
    birth = pd.to_datetime(pd.Series(birth), errors="coerce")
    years = as_of.year - birth.dt.year
    return (birth > as_of).fillna(False).astype(bool), (years > max_age).fillna(False).astype(bool)


def price_masks(prices: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (zero price, negative price) masks; missing prices are in neither."""
    p = pd.to_numeric(pd.Series(prices), errors="coerce")
    return (p == 0).fillna(False).astype(bool), (p < 0).fillna(False).astype(bool)
