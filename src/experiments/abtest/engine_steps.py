"""06's data step on the engine: per-variant sufficient statistics, so the tests run on aggregates.

As warehouse-native experimentation tools do (GrowthBook, Eppo: one GROUP BY per metric source, the statistics on
the sums), ``arm_moments`` reduces the unit table to one row per variant on the data engine
(``experiments.data.engine``: DuckDB, or Spark through the same SQL): the unit count ``n``, per column its sum and
mean, and per pair of columns the centred sum of cross-products ``sum((a - mean_a) (b - mean_b))`` (the diagonal is
the sum of squares about the mean). Centring (two passes: the means, then the cross-products) keeps the variances as
exact as pandas' own, where raw sums of squares would lose digits for a column whose mean is large against its
spread. Every statistic of ``frequentist``, ``cuped``, ``funnel`` (delta-method ratios) and ``ratio_cuped`` reads
these ``Moments``; pooling two arms (CUPED's theta) merges their moments exactly (Chan, Golub & LeVeque 1979).

``Moments.of_arrays`` is the same reduction of arrays already in memory (a unit test, a simulation, a segment).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Moments:
    """Sufficient statistics of one arm (or of arms pooled): ``n`` units; per column (``cols``) its ``total`` and
    ``mean``; ``cm[i, j]`` = sum over units of (col_i - mean_i)(col_j - mean_j)."""

    n: int
    cols: tuple[str, ...]
    total: np.ndarray
    mean: np.ndarray
    cm: np.ndarray

    def _i(self, col: str) -> int:
        return self.cols.index(col)

    def sum(self, col: str) -> float:
        """Sum of ``col`` over the units."""
        return float(self.total[self._i(col)])

    def avg(self, col: str) -> float:
        """Mean of ``col``."""
        return float(self.mean[self._i(col)])

    def cov(self, a: str, b: str) -> float:
        """Sample (ddof 1) covariance of ``a`` and ``b`` (the variance when ``a == b``); NaN below 2 units."""
        return float(self.cm[self._i(a), self._i(b)]) / (self.n - 1) if self.n > 1 else float("nan")

    def var(self, col: str) -> float:
        """Sample (ddof 1) variance of ``col``."""
        return self.cov(col, col)

    @classmethod
    def of_arrays(cls, columns: Mapping[str, np.ndarray | pd.Series | Sequence[float]]) -> Moments:
        """The moments of arrays in memory (``{name: values}``, equal lengths)."""
        names = tuple(columns)
        x = np.vstack([np.asarray(columns[c], dtype=float) for c in names]) if names else np.zeros((0, 0))
        n = x.shape[1] if names else 0
        mean = x.mean(axis=1) if n else np.full(len(names), np.nan)
        d = x - mean[:, None] if n else x
        return cls(n, names, x.sum(axis=1) if n else np.zeros(len(names)), mean, d @ d.T if n else
                   np.zeros((len(names), len(names))))

    @classmethod
    def pool(cls, parts: Sequence[Moments]) -> Moments:
        """The moments of the union of ``parts`` (same columns), merged exactly from theirs."""
        parts = [p for p in parts if p.n > 0]
        n = sum(p.n for p in parts)
        total = np.sum([p.total for p in parts], axis=0)
        mean = np.sum([p.n * p.mean for p in parts], axis=0) / n
        cm = np.sum([p.cm + p.n * np.outer(p.mean - mean, p.mean - mean) for p in parts], axis=0)
        return cls(n, parts[0].cols, total, mean, cm)


def arm_stats(df: pd.DataFrame, cols: Sequence[str], variant_col: str) -> dict[str, Moments]:
    """Per variant (as text): the ``Moments`` of ``cols`` of rows already in memory (``Moments.of_arrays``)."""
    arm = df[variant_col].astype(str)
    return {str(v): Moments.of_arrays({c: df.loc[arm == v, c].to_numpy(float) for c in dict.fromkeys(cols)})
            for v in pd.unique(arm)}


def moments_sql(k: int) -> str:
    """DuckDB-dialect SQL of the per-arm moments of columns ``c0 .. c{k-1}`` of table ``units`` (arm, c0, ...)."""
    cols = [f"c{i}" for i in range(k)]
    means = ", ".join(f"AVG({c}) AS m{i}" for i, c in enumerate(cols))
    sums = ", ".join(f"SUM(u.{c}) AS s{i}" for i, c in enumerate(cols))
    cross = ", ".join(f"SUM((u.c{i} - m.m{i}) * (u.c{j} - m.m{j})) AS cm_{i}_{j}"
                      for i in range(k) for j in range(i, k))
    keep = ", ".join(f"m.m{i}" for i in range(k))
    return (f"WITH m AS (SELECT arm, COUNT(*) AS n, {means} FROM units GROUP BY arm)\n"
            f"SELECT m.arm, m.n, {keep}, {sums}, {cross}\n"
            f"FROM units u JOIN m ON u.arm = m.arm GROUP BY m.arm, m.n, {keep} ORDER BY m.arm")


def arm_moments(engine, frame: pd.DataFrame, arm_col: str,  # noqa: ANN001 - data.engine.Engine
                cols: Sequence[str]) -> dict[str, Moments]:
    """Per arm (``frame[arm_col]`` as text): the ``Moments`` of ``cols`` (numeric, no missing values), on ``engine``."""
    cols = list(dict.fromkeys(cols))
    k = len(cols)
    units = pd.DataFrame({"arm": frame[arm_col].astype(str).to_numpy(dtype=object)})
    for i, c in enumerate(cols):
        units[f"c{i}"] = pd.to_numeric(frame[c]).to_numpy(dtype=np.float64)
    out = engine.query(moments_sql(k), {"units": units})
    result = {}
    for row in out.to_dict("records"):
        cm = np.zeros((k, k))
        for i in range(k):
            for j in range(i, k):
                cm[i, j] = cm[j, i] = float(row[f"cm_{i}_{j}"])
        result[str(row["arm"])] = Moments(int(row["n"]), tuple(cols), np.array([float(row[f"s{i}"]) for i in range(k)]),
                                          np.array([float(row[f"m{i}"]) for i in range(k)]), cm)
    return result


__all__ = ["Moments", "arm_moments", "arm_stats", "moments_sql"]
