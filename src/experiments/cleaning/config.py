"""The cleaning's settings, read from notebook 01's parameters (every default lives in its parameters cell)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.common.params import need, text
from experiments.data.engine import Engine

NOTEBOOK = "01_data_cleaning"
#: the flat order-lines table's roles, each read from the parameter ``<role>_col``
ROLES = ("order", "item", "item_name", "quantity", "price", "date", "customer", "country")
OPTIONAL_ROLES = ("item_name", "customer", "country")
#: roles whose parameter is not ``<role>_col`` (conf/roles.yaml: the order time is ``time_col``)
ROLE_PARAMETERS = {"date": "time_col"}


@dataclass(frozen=True)
class Config:
    """What to clean (the company world when ``input_path`` is empty, else a flat order-lines table) and how."""

    input_path: str
    roles: Mapping[str, str]          # role -> column of the flat table (ignored for the company world)
    input_encoding: str
    input_sheet: str
    input_sep: str
    input_header: str
    date_order: str
    date_format: str
    cancel_prefix: str
    as_of: str                        # ISO date; empty: today's UTC date
    er_method: str                    # splink or deterministic
    er_threshold: float               # match probability from which two records are one person
    er_name_block: str                # splink's name block: name (name key) or name_city (name key and city)
    survivorship_default: str         # one rule for every golden field ('' = each field's own)
    survivorship_rules: Mapping[str, str]
    rule_actions: Mapping[str, str]   # per-rule action overrides
    impute_city_from_phone: bool
    processed_dir: str                # where publish writes ('' = the input's default folder)
    seed: int
    engine: str                       # duckdb or spark: where the set-shaped steps run (cleaning.engine_steps)
    spark_master: str
    engine_memory_limit: float

    @property
    def is_flat(self) -> bool:
        """True when a flat order-lines table is cleaned instead of the company world."""
        return bool(self.input_path)

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the config of the notebook parameters ``params``; a missing key is a ``ParameterError``."""
        def t(key: str) -> str:
            return text(params, key, NOTEBOOK)

        return cls(input_path=t("input_path"), roles={r: t(ROLE_PARAMETERS.get(r, f"{r}_col")) for r in ROLES},
                   input_encoding=t("input_encoding"), input_sheet=t("input_sheet"),
                   input_sep=t("input_sep"), input_header=t("input_header"), date_order=t("date_order"),
                   date_format=t("date_format"), cancel_prefix=t("cancel_prefix"), as_of=t("as_of"),
                   er_method=t("er_method"), er_threshold=float(need(params, "er_threshold", NOTEBOOK)),
                   er_name_block=t("er_name_block"),
                   survivorship_default=t("survivorship_default"),
                   survivorship_rules=dict(need(params, "survivorship_rules", NOTEBOOK) or {}),
                   rule_actions=dict(need(params, "rule_actions", NOTEBOOK) or {}),
                   impute_city_from_phone=bool(need(params, "impute_city_from_phone", NOTEBOOK)),
                   processed_dir=t("processed_dir"), seed=int(need(params, "seed", NOTEBOOK)),
                   engine=t("engine"), spark_master=t("spark_master"),
                   engine_memory_limit=float(need(params, "engine_memory_limit", NOTEBOOK)))

    def data_engine(self) -> Engine:
        """The engine of the data steps (``engine``, ``spark_master``, ``engine_memory_limit``)."""
        return Engine(self.engine, self.spark_master, self.engine_memory_limit)
