"""Trust checks that come before any lift: sample-ratio mismatch, assignment consistency and duplicates.

- SRM: Pearson's chi-square of the observed units per variant against the *planned* split (Fabijan et al. 2019,
  "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments", KDD; Kohavi, Tang & Xu 2020, ch. 21). The
  usual alarm threshold is p < 0.001, because an SRM test runs on every experiment and a false alarm is cheap to
  check. Without a planned split there is nothing to test against: the result says so and no equal split is
  assumed.
- Assignment consistency, in this order (``clean``): a row whose ``consistency_col`` (e.g. landing page) does not
  match its variant's pairing (the majority value per variant unless a pairing is given) is removed first; a unit
  whose remaining rows are in two variants is contaminated and all its rows are removed; then exact repeats and
  repeated unit ids (first row kept).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from experiments.abtest.labels import display_label
from experiments.abtest.prepare import normalise_split
from experiments.common.errors import DataInputError

SRM_ALPHA = 0.001
#: Below this p-value (and above SRM_ALPHA) the split is a visible warning, never "no mismatch".
SRM_WARN_ALPHA = 0.01


@dataclass
class SRMResult:
    """Sample-ratio mismatch test: observed vs expected units per variant and the chi-square p-value."""

    observed: dict[str, int]
    planned: dict[str, float] | None
    expected: dict[str, float] | None
    chi2: float
    p_value: float
    threshold: float
    flagged: bool
    warn_threshold: float = SRM_WARN_ALPHA

    @property
    def warning(self) -> bool:
        """True when the split is off plan in the warning band: ``threshold <= p < warn_threshold``."""
        return bool(self.tested and not self.flagged and self.p_value < self.warn_threshold)

    @property
    def tested(self) -> bool:
        """True when a planned split was given and the test ran."""
        return self.planned is not None

    def message(self) -> str:
        """One plain sentence for the report."""
        obs = ", ".join(f"{display_label(k)} {v:,} ({v / max(sum(self.observed.values()), 1):.1%})"
                        for k, v in self.observed.items())
        if not self.tested:
            return (f"SRM not tested: no planned split given (observed {obs}); pass planned_split to check that "
                    "the traffic split matches the design. No split is assumed.")
        plan = ", ".join(f"{display_label(k)} {v:.1%}" for k, v in (self.planned or {}).items())
        if self.flagged:
            return (f"SAMPLE RATIO MISMATCH: observed {obs} vs planned {plan} (chi-square {self.chi2:.1f}, "
                    f"p = {self.p_value:.2g} < {self.threshold:g}). The assignment or logging is broken; "
                    "do not trust the lifts until it is explained.")
        if self.warning:
            return (f"Sample-ratio WARNING: observed {obs} vs planned {plan} (chi-square {self.chi2:.1f}, "
                    f"p = {self.p_value:.2g}, below the warning level {self.warn_threshold:g}, above the alarm "
                    f"level {self.threshold:g}). A split this far off plan is rare by chance: check the assignment "
                    "and logging before trusting the lift.")
        return f"No sample-ratio mismatch: observed {obs} vs planned {plan} (p = {self.p_value:.3g})."


def srm_test(counts: Mapping[str, int], planned: Mapping[str, float] | Sequence[float] | None,
             threshold: float = SRM_ALPHA, warn_threshold: float = SRM_WARN_ALPHA) -> SRMResult:
    """Chi-square goodness of fit of the units per variant against the planned split (scipy.stats.chisquare).

    ``planned`` may be a dict or a list in sorted variant order, fractions or percentages; None/empty means not
    given, and the result has ``p_value`` NaN and ``flagged`` False. ``flagged`` below ``threshold``; ``warning``
    from there up to ``warn_threshold``. Reference: Fabijan et al. (2019).
    """
    observed = {str(k): int(v) for k, v in sorted(counts.items())}
    split = normalise_split(planned, list(observed))
    if split is None:
        return SRMResult(observed, None, None, float("nan"), float("nan"), threshold, False, warn_threshold)
    total = sum(observed.values())
    if total == 0:
        raise DataInputError("srm_test: no units in any variant")
    keys = [k for k in observed if split[k] > 0]
    zero_planned = [k for k in observed if split[k] == 0 and observed[k] > 0]
    expected = {k: split[k] * total for k in observed}
    if zero_planned:  # units in a variant planned to get none: certain mismatch
        return SRMResult(observed, split, expected, float("inf"), 0.0, threshold, True, warn_threshold)
    f_obs = np.array([observed[k] for k in keys], dtype=float)
    f_exp = np.array([expected[k] for k in keys], dtype=float)
    chi2, p = stats.chisquare(f_obs, f_exp)
    return SRMResult(observed, split, expected, float(chi2), float(p), threshold, bool(p < threshold), warn_threshold)


@dataclass
class CleanResult:
    """The analysable rows and what the consistency checks removed (row counts)."""

    data: pd.DataFrame
    n_rows_in: int
    n_removed_duplicates: int
    n_removed_repeated_units: int
    n_units_multi_variant: int
    n_removed_multi_variant: int
    n_removed_mismatched: int
    pairing: dict[str, str] = field(default_factory=dict)

    @property
    def n_removed_inconsistent(self) -> int:
        """Rows removed for inconsistent assignment (unit in two variants + mismatched pairing)."""
        return self.n_removed_multi_variant + self.n_removed_mismatched

    @property
    def n_removed_total_duplicates(self) -> int:
        """Exact duplicate rows plus repeated unit ids removed."""
        return self.n_removed_duplicates + self.n_removed_repeated_units

    def summary(self) -> pd.DataFrame:
        """A small table of the checks for the report."""
        rows = [("rows in", self.n_rows_in),
                ("1. rows contradicting their variant's page", self.n_removed_mismatched),
                ("2. units still seen in two or more variants", self.n_units_multi_variant),
                ("   rows of those units removed", self.n_removed_multi_variant),
                ("3. exact duplicate rows removed", self.n_removed_duplicates),
                ("4. repeated unit ids removed (first row kept)", self.n_removed_repeated_units),
                ("rows analysed", len(self.data))]
        return pd.DataFrame(rows, columns=["check", "rows"])


def require_units(cleaned: CleanResult, variant_col: str, variants: Sequence[str], source: str) -> None:
    """Raise ``DataInputError`` before any comparison when an arm has no unit left after the trust checks.

    The message names the file, the variant column and how many units each arm has (and how many rows the checks
    removed), and says what is needed: at least one unit per arm (e.g. a single unit seen in both variants is removed
    as contaminated, leaving both arms empty).
    """
    counts = cleaned.data[variant_col].astype(str).value_counts()
    found = {str(v): int(counts.get(str(v), 0)) for v in variants}
    if min(found.values(), default=0) >= 1:
        return
    arms = ", ".join(f"{display_label(v)!r} {n:,}" for v, n in found.items())
    removed = cleaned.n_rows_in - len(cleaned.data)
    why = (f" ({removed:,} of {cleaned.n_rows_in:,} rows removed by the trust checks: units in two variants, "
           "contradicting pages, duplicates)" if removed else "")
    raise DataInputError(f"{source}: column {variant_col!r} needs at least one unit per arm to compare; units per "
                         f"arm after the trust checks: {arms}{why}. Add units to the empty arm(s) or check "
                         "variant_col and control_label.")


def majority_pairing(df: pd.DataFrame, variant_col: str, consistency_col: str) -> dict[str, str]:
    """Return ``{variant: most frequent consistency value}`` (ties broken by sorted value)."""
    pairing = {}
    for variant, values in df.groupby(variant_col, sort=True)[consistency_col]:
        counts = values.astype(str).value_counts()
        top = counts[counts == counts.max()].index
        pairing[str(variant)] = sorted(top)[0]
    return pairing


def clean(df: pd.DataFrame, *, unit_col: str, variant_col: str, consistency_col: str = "",
          pairing: Mapping[str, str] | None = None) -> CleanResult:
    """Remove inconsistent rows, contaminated units and repeats, in this order, counting rows at each step.

    1. rows whose ``consistency_col`` (e.g. landing page) contradicts their variant's pairing (the given
       ``pairing`` or the majority value per variant): a logging error, removed first;
    2. units whose *consistent* rows are in more than one variant: every row of such a unit is removed (we cannot
       tell its exposure); a unit with one contradicting row is not dropped whole;
    3. exact repeats (all columns equal): the first kept;
    4. a unit id still repeated within its variant: first row kept (the analysis is one row per unit).
    Reference: Kohavi, Tang & Xu (2020), ch. 21 (data quality checks); the order follows the usual cleaning of
    ad-test logs (a row whose variant contradicts what the unit was shown is a logging error).
    """
    n_in = len(df)
    data = df
    n_mismatch = 0
    used: dict[str, str] = {}
    if consistency_col:
        used = {str(k): str(v) for k, v in pairing.items()} if pairing else majority_pairing(data, variant_col,
                                                                                            consistency_col)
        expected = data[variant_col].astype(str).map(used)
        bad = data[consistency_col].astype(str) != expected
        n_mismatch = int(bad.sum())
        data = data[~bad]
    n_variants = data.groupby(unit_col)[variant_col].nunique()
    multi = n_variants[n_variants > 1].index
    in_multi = data[unit_col].isin(multi)
    n_multi_rows = int(in_multi.sum())
    data = data[~in_multi]
    before = len(data)
    data = data.drop_duplicates(keep="first")
    n_dup = before - len(data)
    repeated = data.duplicated(subset=[unit_col], keep="first")
    n_rep = int(repeated.sum())
    data = data[~repeated].reset_index(drop=True)
    return CleanResult(data, n_in, n_dup, n_rep, len(multi), n_multi_rows, n_mismatch, used)
