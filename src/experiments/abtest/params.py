"""Notebook 06's parameters: checked, completed for the company world, and turned into an ``ABConfig``.

``config_from_parameters(params)`` is what the notebook calls right after ``notebook.start``: it range-checks every
parameter (a ``ParameterError`` naming the notebook and the key), fills the company world's optional roles when no
``input_path`` is given (``units.fill_company_roles``) and returns the ``ABConfig`` the analysis runs with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from experiments.abtest.analysis import ABConfig
from experiments.abtest.funnel import RATIOS
from experiments.abtest.guardrails import margins_for
from experiments.abtest.trust import SRM_ALPHA, SRM_WARN_ALPHA
from experiments.abtest.units import ROLE_PARAMETERS, fill_company_roles
from experiments.data.tables import DataInputError
from experiments.lab.config import ParameterError

NOTEBOOK = "06_ad_ab_analysis"


def _fail(key: str, expected: str, value: Any) -> ParameterError:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:80] + "..."
    return ParameterError(f"{NOTEBOOK}: parameter {key} must be {expected}, got {shown}")


def _number(params: Mapping[str, Any], key: str) -> float | None:
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(key, "a finite number", value)
    return float(value)


def check_parameters(params: Mapping[str, Any]) -> None:
    """Raise ``ParameterError`` (naming notebook 06 and the key) for a parameter out of its range.

    alpha in (0, 1); aa_sims an integer >= 0 (0 skips the A/A simulation); target_relative_lift > 0;
    planned_split None, a dict {label: share} or a list of shares (numbers >= 0, not all 0); metric_cols,
    segment_cols and guardrail_cols lists of column names; guardrail_margins one relative margin in [0, 1) per
    guardrail; srm_warn_alpha in [0.001, 1); pre_funnel_cols a dict {funnel role: pre-period column}.
    """
    alpha = _number(params, "alpha")
    if alpha is not None and not 0 < alpha < 1:
        raise _fail("alpha", "strictly between 0 and 1", params["alpha"])
    sims = params.get("aa_sims")
    if sims is not None and (isinstance(sims, bool) or not isinstance(sims, int) or sims < 0):
        raise _fail("aa_sims", "a whole number >= 0 (0 skips the A/A simulation)", sims)
    lift = _number(params, "target_relative_lift")
    if lift is not None and not lift > 0:
        raise _fail("target_relative_lift", "a relative lift above 0 (e.g. 0.1 for +10%)", params[
            "target_relative_lift"])
    split = params.get("planned_split")
    if split not in (None, "", {}, []):
        shares = list(split.values()) if isinstance(split, Mapping) else split
        if isinstance(split, str) or not isinstance(shares, list | tuple):
            raise _fail("planned_split", 'a dict of shares such as {"control": 0.5, "treatment": 0.5} or a list '
                        "of shares in sorted variant order", split)
        if any(isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0
               for v in shares) or sum(shares) <= 0:
            raise _fail("planned_split", "shares that are numbers >= 0 and not all 0", split)
    warn = _number(params, "srm_warn_alpha")
    if warn is not None and not SRM_ALPHA <= warn < 1:
        raise _fail("srm_warn_alpha", f"in [{SRM_ALPHA:g}, 1) (the SRM alarm level is {SRM_ALPHA:g})", params[
            "srm_warn_alpha"])
    margins = params.get("guardrail_margins")
    if margins is not None and not isinstance(margins, Mapping):
        raise _fail("guardrail_margins", 'a dict of relative margins such as {"revenue": 0.01}', margins)
    try:
        margins_for(list(params.get("guardrail_cols") or []), margins)
    except DataInputError as err:
        raise ParameterError(f"{NOTEBOOK}: parameter {err}") from None
    prior_sd = _number(params, "prior_sd")
    if prior_sd is not None and prior_sd < 0:
        raise _fail("prior_sd", "0 (flat prior) or a positive standard deviation of the relative lift", prior_sd)
    _number(params, "prior_mean")
    cap_pct = _number(params, "cap_percentile")
    if cap_pct is not None and not 0 <= cap_pct < 100:
        raise _fail("cap_percentile", "a percentile in [0, 100) (0 means no capping, e.g. 99.5)", cap_pct)
    qs = params.get("quantiles")
    if qs is not None and (not isinstance(qs, list | tuple) or any(
            isinstance(q, bool) or not isinstance(q, int | float) or not 0 < q < 1 for q in qs)):
        raise _fail("quantiles", "a list of quantiles strictly between 0 and 1, e.g. [0.5, 0.9]", qs)
    method = params.get("sequential_method")
    if method is not None and method not in ("msprt", "obrien_fleming", "pocock"):
        raise _fail("sequential_method", "one of msprt, obrien_fleming, pocock", method)
    looks = params.get("planned_looks")
    if looks is not None and (isinstance(looks, bool) or not isinstance(looks, int) or not 1 <= looks <= 20):
        raise _fail("planned_looks", "a whole number of looks from 1 to 20", looks)
    pre_funnel = params.get("pre_funnel_cols")
    roles = sorted({r for pair in RATIOS.values() for r in pair})
    if pre_funnel is not None and (not isinstance(pre_funnel, Mapping) or any(
            k not in roles or not isinstance(v, str) or not v for k, v in pre_funnel.items())):
        raise _fail("pre_funnel_cols", f"a dict {{role: pre-period column}} with roles among {roles}, e.g. "
                    '{"clicks": "pre_clicks", "impressions": "pre_impressions"}', pre_funnel)
    for key in ("metric_cols", "segment_cols", "guardrail_cols", "uplift_features"):
        value = params.get(key)
        if value is not None and (not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value)):
            raise _fail(key, "a list of column names", value)


def config_from_parameters(params: Mapping[str, Any]) -> ABConfig:
    """Return the ``ABConfig`` for the notebook's parameters after ``check_parameters``.

    With an empty ``input_path`` the company world's optional roles (pre-period metric and funnel counts, date,
    segments, landing page, planned split) fill the empty ones.
    """
    check_parameters(params)
    roles = fill_company_roles(str(params.get("input_path") or ""),
                               **{k: params.get(k) for k in ("pre_metric_col", "time_col", "segment_cols",
                                                             "consistency_col", "planned_split",
                                                             "pre_funnel_cols")})
    return ABConfig(unit_col=params["unit_col"], variant_col=params["variant_col"],
                    control_label=str(params["control_label"]), metric_cols=list(params["metric_cols"]),
                    planned_split=roles["planned_split"], pre_metric_col=roles["pre_metric_col"] or "",
                    time_col=roles["time_col"] or "", segment_cols=list(roles["segment_cols"] or []),
                    consistency_col=roles["consistency_col"] or "", alpha=float(params.get("alpha", 0.05)),
                    one_sided=bool(params.get("one_sided", False)),
                    target_relative_lift=float(params.get("target_relative_lift", 0.1)),
                    seed=int(params.get("seed", 42)), guardrail_cols=list(params.get("guardrail_cols") or []),
                    guardrail_margins=dict(params.get("guardrail_margins") or {}),
                    srm_warn_alpha=float(params.get("srm_warn_alpha", SRM_WARN_ALPHA)),
                    sequential_method=str(params.get("sequential_method") or "msprt"),
                    planned_looks=int(params.get("planned_looks") or 5),
                    prior_mean=float(params.get("prior_mean") or 0.0), prior_sd=float(params.get("prior_sd") or 0.0),
                    uplift_features=list(params.get("uplift_features") or []),
                    cap_percentile=float(params.get("cap_percentile") or 0.0),
                    quantiles=[float(q) for q in params.get("quantiles") or []],
                    pre_funnel_cols=dict(roles["pre_funnel_cols"] or {}))


def input_roles(cfg: ABConfig) -> dict[str, object]:
    """Return ``{role: column}`` of ``cfg`` for ``units.load_table`` (roles named as in ``ROLE_PARAMETERS``)."""
    def columns(value: object) -> object:
        if isinstance(value, Mapping):  # pre_funnel_cols: {role: column} -> its columns
            return list(value.values())
        return list(value) if isinstance(value, list | tuple) else value

    return {role: columns(getattr(cfg, param)) for role, param in ROLE_PARAMETERS.items()}
