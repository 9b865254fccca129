"""The engine layer: heavy data steps written once in SQL, run on DuckDB (embedded, the default) or Apache Spark.

Why SQL transpiled with sqlglot (and not Ibis or SQLFrame): every step is a plain aggregate/join/anti-join that reads
naturally as SQL; DuckDB runs it as written, and ``sqlglot`` (already in the lock through splink, like DuckDB) turns
the same text into Spark SQL, so the embedded path needs no new package and the Spark path needs only ``pyspark``.
Ibis would add a large expression layer with its own version coupling to both backends; SQLFrame would make Spark's
DataFrame API the source of truth and DuckDB the translation, the wrong way round for an embedded default.

``Engine(kind, spark_master, memory_limit, spill_dir=None)``: ``kind`` is ``duckdb`` or ``spark``; ``memory_limit``
is the share of this machine's RAM (0 < share <= 1) DuckDB may use before it spills to disk (out of core; its default
lives in the notebooks' parameters cells as ``engine_memory_limit``; None, as in ``embedded()`` for library calls
outside a notebook run, leaves DuckDB's own limit); DuckDB spills into ``spill_dir`` (default
``<data dir>/interim/engine_spill``, removed again after each statement); ``spark_master`` is a Spark master URL
(``local[2]``, ``spark://host:7077``).

- ``Engine.query(sql, tables)`` runs one DuckDB-dialect statement and returns a pandas frame;
- ``Engine.to_parquet(sql, tables, path)`` runs it and writes the result to Parquet without bringing it into this
  process (DuckDB ``COPY ... TO``: one file; Spark ``DataFrame.write.parquet``: a folder of part files, which
  ``pandas.read_parquet`` and ``read_parquet`` in DuckDB both read).

A table in ``tables`` (name -> source) is a pandas frame or a Parquet path (``str`` / ``Path``; a file, a folder of
part files or a glob): DuckDB reads it with ``read_parquet`` and Spark with ``read.parquet``, so a step can run over
tables larger than memory. Timestamps cross the boundary as integer epoch microseconds (``to_micros`` /
``from_micros``) so neither engine's time-zone handling can change a value. On Spark, frames cross pandas <-> Spark as
Arrow record batches (``spark.sql.execution.arrow.pyspark.enabled``, falling back to the row path for a frame Arrow
cannot carry); a step whose table is already a Parquet file passes the path, so Spark reads it itself.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

ENGINES = ("duckdb", "spark")

Source = pd.DataFrame | str | os.PathLike
"""A table given to the engine: a pandas frame or a Parquet path (file, folder of part files or glob)."""


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


def to_micros_or_null(times: pd.Series) -> pd.arrays.IntegerArray:
    """``to_micros`` of ``times`` with a missing time as SQL NULL (a nullable ``Int64`` array)."""
    times = pd.Series(times)
    missing = times.isna().to_numpy()
    micros = to_micros(times.where(~missing, pd.Timestamp(0, tz=getattr(times.dtype, "tz", None))))
    return pd.arrays.IntegerArray(micros, missing)


def from_micros(micros: pd.Series | np.ndarray, like: pd.Series) -> pd.Series:
    """Timestamps of ``micros`` in the dtype (time zone and unit) of ``like``."""
    t = pd.Series(pd.to_datetime(np.asarray(micros, dtype="int64"), unit="us"))
    tz = getattr(like.dtype, "tz", None)
    if tz is not None:
        t = t.dt.tz_localize("UTC").dt.tz_convert(tz)
    return t.astype(like.dtype)


def exact_sum(engine: Engine) -> str:
    """The SQL sum of doubles closest to pandas' (compensated, Kahan) group-by sums on ``engine``: DuckDB's
    ``KAHAN_SUM``; Spark's ``SUM`` (plain; within 1e-12 relative on order amounts, not always the last bit)."""
    return "KAHAN_SUM" if engine.kind == "duckdb" else "SUM"


def embedded() -> Engine:
    """DuckDB with its own memory limit: the engine of a data step called as a library function, outside a notebook
    run (a notebook passes the engine of its ``engine`` / ``spark_master`` / ``engine_memory_limit`` parameters)."""
    return Engine("duckdb", "", None)


class Engine:
    """Runs DuckDB-dialect SQL on DuckDB or, transpiled by sqlglot, on Spark (see the module docstring)."""

    def __init__(self, kind: str, spark_master: str, memory_limit: float | None,
                 spill_dir: str | os.PathLike | None = None) -> None:
        if kind not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {kind!r}")
        if memory_limit is not None and not 0 < memory_limit <= 1:
            raise ValueError(f"engine_memory_limit is a share of RAM between 0 and 1, got {memory_limit}")
        self.kind, self.spark_master, self.memory_limit = kind, spark_master, memory_limit
        self.spill_dir = Path(spill_dir) if spill_dir is not None else None
        self._spark = None

    def memory_limit_mib(self) -> int | None:
        """DuckDB's ``memory_limit`` in MiB: ``memory_limit`` of this machine's RAM (DuckDB's "MB" is 10**6); None
        leaves DuckDB's own limit (80% of RAM)."""
        return None if self.memory_limit is None else max(1, int(ram_bytes() * self.memory_limit) // 2**20)

    def _spill_root(self) -> Path:
        if self.spill_dir is not None:
            return self.spill_dir
        from experiments.data.paths import interim_dir

        return interim_dir() / "engine_spill"

    def __repr__(self) -> str:
        return f"Engine({self.kind!r}, spark_master={self.spark_master!r}, memory_limit={self.memory_limit})"

    def spark_sql(self, sql: str) -> str:
        """``sql`` (DuckDB dialect) as Spark SQL."""
        import sqlglot

        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]

    def query(self, sql: str, tables: Mapping[str, Source]) -> pd.DataFrame:
        """Run ``sql`` (DuckDB dialect) over ``tables`` (name -> frame or Parquet path) and return it as pandas."""
        if self.kind == "duckdb":
            return self._duckdb(sql, tables, lambda con, q: con.execute(q).df())
        return self._spark_frame(sql, tables).toPandas()

    def to_parquet(self, sql: str, tables: Mapping[str, Source], path: str | os.PathLike) -> Path:
        """Run ``sql`` over ``tables`` and write the result to Parquet at ``path`` (replaced if there); returns it.

        DuckDB writes one file; Spark a folder of part files (both read back with ``pandas.read_parquet``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        if self.kind == "duckdb":
            self._duckdb(sql, tables, lambda con, q: con.execute(
                f"COPY ({q}) TO {sql_literal(str(path))} (FORMAT PARQUET)"))
        else:
            self._spark_frame(sql, tables).write.mode("overwrite").parquet(str(path))
        return path

    def _duckdb(self, sql: str, tables: Mapping[str, Source], run):  # noqa: ANN001, ANN202
        import duckdb

        root = self._spill_root()
        root.mkdir(parents=True, exist_ok=True)
        spill = tempfile.mkdtemp(prefix="duckdb-", dir=root)
        config = {"threads": 1, "temp_directory": spill}
        if self.memory_limit is not None:
            config["memory_limit"] = f"{self.memory_limit_mib()}MiB"
        con = duckdb.connect(config=config)
        try:
            for name, source in tables.items():
                if isinstance(source, pd.DataFrame):
                    con.register(name, source)
                else:
                    con.execute(f"CREATE VIEW {_ident(name)} AS "
                                f"SELECT * FROM read_parquet({sql_literal(str(source))})")
            return run(con, sql)
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)

    def session(self):  # noqa: ANN201 - pyspark is optional
        """The Spark session on ``spark_master`` (created once; needs pyspark and a Java runtime)."""
        if self._spark is None:
            if not java_available():
                raise RuntimeError("engine='spark' needs a Java runtime (apt-get install default-jre-headless)")
            from pyspark.sql import SparkSession

            self._spark = (SparkSession.builder.master(self.spark_master).appName("customer-insights-lab")
                           .config("spark.sql.session.timeZone", "UTC")
                           .config("spark.sql.shuffle.partitions", "4")
                           # frames cross pandas <-> Spark as Arrow record batches, not row by row through
                           # pickled Python objects; a frame Arrow cannot carry falls back to the row path
                           .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                           .config("spark.sql.execution.arrow.pyspark.fallback.enabled", "true")
                           .config("spark.ui.enabled", "false").getOrCreate())
        return self._spark

    def _spark_frame(self, sql: str, tables: Mapping[str, Source]):  # noqa: ANN202 - a pyspark DataFrame
        spark = self.session()
        for name, source in tables.items():
            frame = (spark.createDataFrame(source) if isinstance(source, pd.DataFrame)
                     else spark.read.parquet(str(source)))
            frame.createOrReplaceTempView(name)
        return spark.sql(self.spark_sql(sql))


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'

