"""03's data steps on the engine (experiments.data.engine) against the pandas path, on the tiny company world.

The time split's filtering (``splits.engine_time_split``) and the (user, item) interaction counts and summed weights
(``splits.engine_pairs``) must give today's pandas tables: exact for ids, counts and times, 1e-9 relative for sums.
DuckDB always; PySpark in local mode when pyspark and a Java runtime are there (else skipped with the reason), and
then the same tables as DuckDB.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine_helper import ENGINES, SPARK_MISSING
from experiments.data.engine import Engine, to_micros
from experiments.lab.config import notebook_parameters
from experiments.recommend import Config
from experiments.recommend.matrix import build_matrix
from experiments.recommend.sources import company_interactions
from experiments.recommend.splits import _pairs, engine_pairs, engine_time_split, time_split

NB = "03_recommendations"


@pytest.fixture(scope="module")
def interactions(tiny_world) -> pd.DataFrame:
    return company_interactions(pd.read_parquet(tiny_world / "processed" / "orders.parquet")).frame


@pytest.fixture(scope="module")
def cfg() -> Config:
    return Config.from_parameters(notebook_parameters(NB, "tiny", {}))




def _engine(kind: str, cfg: Config) -> Engine:
    return Engine(kind, "local[1]" if kind == "spark" else cfg.spark_master, cfg.engine_memory_limit)


@pytest.mark.parametrize("kind", ENGINES)
def test_time_split_on_the_engine_is_the_pandas_split(kind, interactions, cfg):
    before = time_split(interactions, cfg.test_fraction)
    after = engine_time_split(interactions, cfg.test_fraction, _engine(kind, cfg))
    assert after.cutoff == before.cutoff and after.counts == before.counts
    assert len(before.test) > 50 and len(before.cold) > 0  # the comparison covers warm and cold pairs
    for part in ("train", "test", "cold"):
        pd.testing.assert_frame_equal(getattr(after, part), getattr(before, part), check_exact=False, rtol=1e-9)
    # ids and times exactly
    for part in ("test", "cold"):
        for col in ("user", "item", "time"):
            assert getattr(after, part)[col].equals(getattr(before, part)[col])


@pytest.mark.parametrize("kind", ENGINES)
def test_pair_counts_and_weights_on_the_engine(kind, interactions, cfg):
    got = engine_pairs(interactions, _engine(kind, cfg))
    want = _pairs(interactions)
    pd.testing.assert_frame_equal(got.drop(columns="n"), want, check_exact=False, rtol=1e-9)
    counts = interactions.groupby(["user", "item"], sort=True).size().to_numpy()
    assert np.array_equal(got["n"].to_numpy(), counts) and got["n"].sum() == len(interactions)


def test_cutoff_survives_time_zones(interactions):
    """Times cross into the engines as UTC epoch microseconds: a cut-off given naive or in another zone is the same."""
    t = pd.Timestamp("2024-06-01 12:00", tz="UTC")
    assert to_micros(pd.Series([t])) == to_micros(pd.Series([t.tz_convert("Asia/Tokyo")]))


@pytest.mark.slow
@pytest.mark.skipif(bool(SPARK_MISSING), reason=SPARK_MISSING or "-")
def test_spark_and_duckdb_give_the_same_tables(interactions, cfg):
    duck = engine_time_split(interactions, cfg.test_fraction, _engine("duckdb", cfg))
    spark = engine_time_split(interactions, cfg.test_fraction, _engine("spark", cfg))
    for part in ("test", "cold"):
        pd.testing.assert_frame_equal(getattr(spark, part), getattr(duck, part), check_exact=False, rtol=1e-9)
    assert spark.counts == duck.counts


def test_engine_refuses_unknown_kinds_and_shares():
    with pytest.raises(ValueError, match="engine must be one of"):
        Engine("pandas", "local[1]", 0.5)
    with pytest.raises(ValueError, match="share of RAM"):
        Engine("duckdb", "local[1]", 4.0)


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(("use_weight", "half_life", "scaling"), [(True, 0.0, "log"), (False, 0.0, "none"),
                                                                  (True, 30.0, "bm25")])
def test_matrix_built_on_the_engine_is_the_pandas_matrix(kind, use_weight, half_life, scaling, interactions, cfg):
    # the customer x item matrix: same ids, same sparsity pattern, values within 1e-9 relative before float32
    kwargs = {"use_weight": use_weight, "recency_half_life_days": half_life, "scaling": "none"}
    want = build_matrix(interactions, **kwargs)
    got = build_matrix(interactions, engine=_engine(kind, cfg), **kwargs)
    assert got.users.equals(want.users) and got.items.equals(want.items)
    assert (got.user_items != want.user_items).nnz == 0 or np.allclose(
        got.user_items.toarray(), want.user_items.toarray(), rtol=1e-9, atol=0)
    assert np.array_equal(got.user_items.indptr, want.user_items.indptr)
    assert np.array_equal(got.user_items.indices, want.user_items.indices)
    scaled = build_matrix(interactions, engine=_engine(kind, cfg), **{**kwargs, "scaling": scaling})
    ref = build_matrix(interactions, **{**kwargs, "scaling": scaling})
    assert np.allclose(scaled.user_items.toarray(), ref.user_items.toarray(), rtol=1e-6, atol=0)
    # only the training ids (a test matrix): lines of other users and items are left out the same way
    users, items = want.users[::2], want.items[::3]
    part = build_matrix(interactions, users=users, items=items, engine=_engine(kind, cfg), **kwargs)
    assert (part.user_items != build_matrix(interactions, users=users, items=items, **kwargs).user_items).nnz == 0
