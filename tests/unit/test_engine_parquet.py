"""The engine's Parquet sources and output and its out-of-core settings (experiments.data.engine).

A table given as a Parquet path must give the same result as the same table given as a frame, on DuckDB and on
Spark local; ``to_parquet`` writes what ``query`` returns; DuckDB runs under ``engine_memory_limit`` with its spill
folder under the data folder (or the one given) and finishes a sort larger than its memory limit (out of core).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine_helper import ENGINES
from experiments.data.engine import Engine, ram_bytes

SQL = "SELECT k, COUNT(*) AS n, SUM(v) AS s FROM x JOIN y USING (k) GROUP BY k ORDER BY k"


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"k": rng.integers(0, 50, 5000).astype("int64"), "v": rng.normal(size=5000)})
    y = pd.DataFrame({"k": np.arange(0, 50, 2, dtype="int64"), "name": [f"k{i}" for i in range(0, 50, 2)]})
    return {"x": x, "y": y}


def _expected(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    j = frames["x"][frames["x"]["k"].isin(frames["y"]["k"])]
    return j.groupby("k").agg(n=("v", "size"), s=("v", "sum")).reset_index()


def _check(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got.sort_values("k").reset_index(drop=True)
    assert got["k"].tolist() == want["k"].tolist()
    assert got["n"].tolist() == want["n"].tolist()
    np.testing.assert_allclose(got["s"].to_numpy(), want["s"].to_numpy(), rtol=1e-9)


@pytest.mark.parametrize("kind", ENGINES)
def test_parquet_sources_give_the_frame_result(kind, frames, tmp_path):
    engine = Engine(kind, "local[1]", 0.25, spill_dir=tmp_path / "spill")
    paths = {}
    for name, frame in frames.items():
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name], index=False)
    want = _expected(frames)
    _check(engine.query(SQL, frames), want)
    _check(engine.query(SQL, paths), want)
    _check(engine.query(SQL, {"x": str(paths["x"]), "y": frames["y"]}), want)  # a path and a frame together


@pytest.mark.parametrize("kind", ENGINES)
def test_to_parquet_writes_the_query_result(kind, frames, tmp_path):
    engine = Engine(kind, "local[1]", 0.25, spill_dir=tmp_path / "spill")
    out = tmp_path / "out" / "summary.parquet"
    out.parent.mkdir()
    out.write_bytes(b"stale")  # an old file there is replaced
    assert engine.to_parquet(SQL, frames, out) == out
    _check(pd.read_parquet(out), _expected(frames))
    # the written table is itself a source
    again = engine.query("SELECT k, n, s FROM t ORDER BY k", {"t": out})
    _check(again, _expected(frames))


def test_duckdb_runs_under_the_memory_limit_and_spills_under_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    engine = Engine("duckdb", "local[1]", 0.5)
    got = engine.query("SELECT current_setting('temp_directory') AS d, current_setting('memory_limit') AS m", {})
    spill = str(got["d"].iloc[0])
    assert spill.startswith(str(tmp_path / "data" / "interim" / "engine_spill"))
    limit_mib = float(got["m"].iloc[0].split()[0]) * (1024 if "GiB" in got["m"].iloc[0] else 1)
    assert limit_mib == pytest.approx(ram_bytes() * 0.5 / 2**20, rel=0.02)
    assert not list((tmp_path / "data" / "interim" / "engine_spill").iterdir())  # removed after the statement


def test_duckdb_sorts_more_than_its_memory_limit_out_of_core(tmp_path):
    """A 3-million-row sort with 50-byte rows (about 200 MB) under a 100 MB limit finishes and is right."""
    engine = Engine("duckdb", "local[1]", 100 * 2**20 / ram_bytes(), spill_dir=tmp_path)
    got = engine.query("SELECT COUNT(*) AS n, SUM(r) AS s, MIN(pad) AS p FROM (SELECT i, repeat('x', 50) AS pad, "
                       "row_number() OVER (ORDER BY hash(i)) AS r FROM range(3000000) t(i) ORDER BY hash(i))", {})
    assert int(got["n"].iloc[0]) == 3_000_000
    assert int(got["s"].iloc[0]) == 3_000_000 * 3_000_001 // 2
    assert got["p"].iloc[0] == "x" * 50


@pytest.mark.parametrize("kind", [p for p in ENGINES if p.id == "spark"])
def test_spark_frames_cross_as_arrow_and_come_back_unchanged(kind):
    """Arrow is on for pandas <-> Spark (with the row-path fallback), and a frame with missing text and numbers,
    large integers (epoch micros) and doubles comes back with the same values."""
    engine = Engine(kind, "local[1]", 0.25)
    conf = engine.session().conf
    assert conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
    assert conf.get("spark.sql.execution.arrow.pyspark.fallback.enabled") == "true"
    frame = pd.DataFrame({"k": np.array(["a", None, "c"], dtype=object),
                          "t": np.array([1_700_000_000_123_456, -1, 0], dtype="int64"),
                          "v": [0.1, np.nan, 1e300]})
    got = engine.query("SELECT k, t, v FROM f ORDER BY t", {"f": frame})
    want = frame.sort_values("t").reset_index(drop=True)
    assert got["t"].tolist() == want["t"].tolist()
    assert got["k"].where(got["k"].notna(), None).tolist() == want["k"].tolist()
    np.testing.assert_array_equal(got["v"].to_numpy(float), want["v"].to_numpy(float))
