"""Audiences for the ad platforms: named pandas-query rules over profile columns, validated before anything runs,
applied to the profile with customers without consent left out (and counted)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from experiments.common.errors import ParameterError

_ALLOWED_NAMES = {"True", "False", "None", "and", "or", "not", "in"}


def rule_columns(name: str, rule: str) -> set[str]:
    """The column names a rule reads; a rule that is not a valid expression is a ``ParameterError`` naming it."""
    try:
        tree = ast.parse(rule.strip(), mode="eval")
    except SyntaxError as exc:
        raise ParameterError(f"08_customer_360: audience {name!r}: the rule {rule!r} is not a valid expression "
                             f"({exc.msg})") from None
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - _ALLOWED_NAMES


def validate(rules: Mapping[str, str], columns: Iterable[str], what: str = "audience") -> None:
    """Check every rule names only known columns and evaluates on an empty profile; the first problem is a
    ``ParameterError`` naming the audience and the column (or the expression)."""
    known = list(columns)
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in known})
    for name, rule in rules.items():
        if not str(name).replace("_", "").isalnum():
            raise ParameterError(f"08_customer_360: {what} name {name!r} must be letters, digits and _")
        unknown = sorted(rule_columns(name, rule) - set(known))
        if unknown:
            raise ParameterError(f"08_customer_360: {what} {name!r}: unknown column {unknown[0]!r} in rule {rule!r}; "
                                 f"profile columns: {', '.join(known)}")
        try:
            empty.query(rule)
        except Exception as exc:  # noqa: BLE001 - any pandas error is the user's expression
            raise ParameterError(f"08_customer_360: {what} {name!r}: the rule {rule!r} does not evaluate "
                                 f"({type(exc).__name__}: {exc})") from None


@dataclass
class Audience:
    """One audience: its rule, the customers in it (with consent) and the ones left out for consent."""

    name: str
    rule: str
    members: pd.DataFrame
    n_no_consent: int

    def summary(self, n_customers: int) -> dict:
        """Size, share of all customers, value (sum of CLV) and customers left out for consent."""
        size = len(self.members)
        return {"audience": self.name, "rule": self.rule, "size": size,
                "share": size / n_customers if n_customers else 0.0,
                "value": float(pd.to_numeric(self.members.get("clv"), errors="coerce").fillna(0).sum())
                if "clv" in self.members else 0.0,
                "left_out_no_consent": self.n_no_consent}


def build(profile: pd.DataFrame, rules: Mapping[str, str]) -> dict[str, Audience]:
    """Apply each rule to the profile; customers without consent are left out and counted."""
    out = {}
    for name, rule in rules.items():
        hit = profile.query(rule)
        ok = hit["consent"].astype(bool) if "consent" in hit else pd.Series(True, index=hit.index)
        out[name] = Audience(name, rule, hit[ok], int((~ok).sum()))
    return out
