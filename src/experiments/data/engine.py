"""The engine layer: heavy data steps written once in SQL, run on DuckDB (embedded, the default) or Apache Spark.

Why SQL transpiled with sqlglot (and not Ibis or SQLFrame): every step is a plain aggregate/join/anti-join that reads
naturally as SQL; DuckDB runs it as written, and ``sqlglot`` (already in the lock through splink, like DuckDB) turns
the same text into Spark SQL, so the embedded path needs no new package and the Spark path needs only ``pyspark``.
Ibis would add a large expression layer with its own version coupling to both backends; SQLFrame would make Spark's
DataFrame API the source of truth and DuckDB the translation, the wrong way round for an embedded default.

``Engine(kind, spark_master, memory_limit)``: ``kind`` is ``duckdb`` or ``spark``; ``memory_limit`` is the share of
this machine's RAM (0 < share <= 1) DuckDB may use before it spills to disk (out of core; its default lives in the
notebooks' parameters cells as ``engine_memory_limit``); ``spark_master`` is a Spark master URL (``local[2]``,
``spark://host:7077``). ``Engine.query(sql, tables)`` runs one DuckDB-dialect statement over named pandas frames
and returns a pandas frame. Timestamps cross the boundary as integer epoch microseconds (``to_micros`` /
``from_micros``) so neither engine's time-zone handling can change a value.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping

import numpy as np
import pandas as pd

ENGINES = ("duckdb", "spark")


def java_available() -> bool:
    """Is a Java runtime on PATH or under JAVA_HOME (Spark needs one)?"""
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


def ram_bytes() -> int:
    """Physical memory of this machine in bytes."""
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def to_micros(times: pd.Series) -> np.ndarray:
    """Integer epoch microseconds (UTC) of ``times`` (naive times are read as UTC)."""
    t = pd.to_datetime(times)
    if t.dt.tz is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return t.astype("datetime64[us]").astype("int64").to_numpy()


def from_micros(micros: pd.Series | np.ndarray, like: pd.Series) -> pd.Series:
    """Timestamps of ``micros`` in the dtype (time zone and unit) of ``like``."""
    t = pd.Series(pd.to_datetime(np.asarray(micros, dtype="int64"), unit="us"))
    tz = getattr(like.dtype, "tz", None)
    if tz is not None:
        t = t.dt.tz_localize("UTC").dt.tz_convert(tz)
    return t.astype(like.dtype)


class Engine:
    """Runs DuckDB-dialect SQL on DuckDB or, transpiled by sqlglot, on Spark (see the module docstring)."""

    def __init__(self, kind: str, spark_master: str, memory_limit: float) -> None:
        if kind not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {kind!r}")
        if not 0 < memory_limit <= 1:
            raise ValueError(f"engine_memory_limit is a share of RAM between 0 and 1, got {memory_limit}")
        self.kind, self.spark_master, self.memory_limit = kind, spark_master, memory_limit
        self._spark = None

    def __repr__(self) -> str:
        return f"Engine({self.kind!r}, spark_master={self.spark_master!r}, memory_limit={self.memory_limit})"

    def spark_sql(self, sql: str) -> str:
        """``sql`` (DuckDB dialect) as Spark SQL."""
        import sqlglot

        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]

    def query(self, sql: str, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        """Run ``sql`` (DuckDB dialect) over ``tables`` (name -> frame) and return the result as pandas."""
        if self.kind == "duckdb":
            return self._duckdb(sql, tables)
        return self._spark_query(sql, tables)

    def _duckdb(self, sql: str, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        import duckdb

        con = duckdb.connect(config={"memory_limit": f"{int(ram_bytes() * self.memory_limit) // 2**20}MB",
                                     "threads": 1})
        try:
            for name, frame in tables.items():
                con.register(name, frame)
            return con.execute(sql).df()
        finally:
            con.close()

    def session(self):  # noqa: ANN201 - pyspark is optional
        """The Spark session on ``spark_master`` (created once; needs pyspark and a Java runtime)."""
        if self._spark is None:
            if not java_available():
                raise RuntimeError("engine='spark' needs a Java runtime (apt-get install default-jre-headless)")
            from pyspark.sql import SparkSession

            self._spark = (SparkSession.builder.master(self.spark_master).appName("customer-insights-lab")
                           .config("spark.sql.session.timeZone", "UTC")
                           .config("spark.sql.shuffle.partitions", "4")
                           .config("spark.ui.enabled", "false").getOrCreate())
        return self._spark

    def _spark_query(self, sql: str, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        spark = self.session()
        for name, frame in tables.items():
            spark.createDataFrame(frame).createOrReplaceTempView(name)
        return spark.sql(self.spark_sql(sql)).toPandas()
