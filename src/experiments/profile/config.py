"""Customer 360's settings, read from the notebook's parameters (defaults live in the parameters cell)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.common.errors import ParameterError
from experiments.common.params import need, text

NOTEBOOK = "08_customer_360"

#: The published tables the profile joins, in block order; ``<table>_path`` points one at your own file.
TABLES = ("customers", "segments", "churn_scores", "churn_actions", "recommendations", "feedback_scored",
          "care_queue", "service_contacts", "ad_events", "next_best_actions", "orders")


@dataclass(frozen=True)
class Config:
    """Where each table comes from, how old a table may be, who gets a card, the audiences and the lookalike."""

    paths: Mapping[str, str]
    prospects_path: str
    trait_cols: tuple[str, ...]
    max_age_days: float
    as_of: str
    n_cards: int
    card_ids: tuple[str, ...]
    n_events: int
    n_recommendations: int
    negative_days: int
    reply_target_minutes: float
    audiences: Mapping[str, str]
    lookalike_seed: str
    lookalike_model: str
    default_country_code: str
    seed: int

    @property
    def company_world(self) -> bool:
        """True when no table comes from your own file (the published tables are the company world's)."""
        return not any(self.paths.values())

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the config of the notebook parameters ``params``; a missing key is a ``ParameterError``."""
        audiences = need(params, "audiences", NOTEBOOK)
        if not isinstance(audiences, Mapping):
            raise ParameterError(f"{NOTEBOOK}: audiences must be a mapping name -> rule, "
                                 f"got {type(audiences).__name__}")
        card_ids = need(params, "card_ids", NOTEBOOK) or []
        traits = need(params, "trait_cols", NOTEBOOK) or []
        return cls(paths={t: text(params, f"{t}_path", NOTEBOOK) for t in TABLES},
                   prospects_path=text(params, "prospects_path", NOTEBOOK),
                   trait_cols=tuple(str(c) for c in traits),
                   max_age_days=float(need(params, "max_age_days", NOTEBOOK)),
                   as_of=text(params, "as_of", NOTEBOOK),
                   n_cards=int(need(params, "n_cards", NOTEBOOK)),
                   card_ids=tuple(str(c) for c in card_ids),
                   n_events=int(need(params, "n_events", NOTEBOOK)),
                   n_recommendations=int(need(params, "n_recommendations", NOTEBOOK)),
                   negative_days=int(need(params, "negative_days", NOTEBOOK)),
                   reply_target_minutes=float(need(params, "reply_target_minutes", NOTEBOOK)),
                   audiences={str(k): str(v) for k, v in audiences.items()},
                   lookalike_seed=text(params, "lookalike_seed", NOTEBOOK),
                   lookalike_model=text(params, "lookalike_model", NOTEBOOK),
                   default_country_code=text(params, "default_country_code", NOTEBOOK),
                   seed=int(need(params, "seed", NOTEBOOK)))
