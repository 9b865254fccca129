"""08 Customer 360 on the generated company world, size small, generator seeds 7, 11 and 42.

Per seed: the world is generated (with its prospects: ``synthetic/prospects.py``, planted value in
``_truth/prospects.csv``), cleaned as 01 does and segmented by 02 (``segments.run``, the notebook's small profile);
the other analyses' tables (churn_scores, churn_actions, recommendations, feedback_scored, care_queue,
next_best_actions) are stand-ins (``profile.stand_ins``, shared with bench/bench_profile.py) drawn from the cleaned
world with the test's own random numbers, published through their contracts, because the profile only joins
published tables (running 03/04/05/09 here would triple the time and test nothing of 08's). Bars: exactly one row per
customer; every block equals its source table for 200 sampled customers (ads: the logged-in ad units cleaning links
to customers); the lookalike top decile's mean planted value is at least 2x the prospects' mean; no existing
customer is scored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import profile, segments
from experiments.cleaning.evaluation import clean_company
from experiments.cleaning.result import write_outputs
from experiments.data import processed
from experiments.lab.config import notebook_parameters
from experiments.profile import evaluation
from experiments.profile.stand_ins import stand_ins
from experiments.synthetic import generate_cached

SEEDS = (7, 11, 42)


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def world(request, worlds_root, tmp_path_factory):
    seed = request.param
    raw = generate_cached("small", seed, worlds_root)
    data = tmp_path_factory.mktemp(f"profile{seed}")
    (data / "raw").symlink_to(raw, target_is_directory=True)
    clean = clean_company(raw)
    write_outputs(clean.tables, data / "processed")
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(data))
    seg = segments.run(segments.Config.from_parameters(notebook_parameters("02_customer_segmentation", "small")))
    seg.publish()
    tables = stand_ins(clean.tables["customers"], clean.tables["feedback"], clean.tables["items"],
                       np.random.default_rng(seed))
    processed.publish_results(tables, company_world=True)
    cfg = profile.Config.from_parameters(notebook_parameters("08_customer_360", "small"))
    result = profile.run(cfg)
    check = evaluation.lookalike_check(result)
    yield result, clean.tables, tables, check, seed
    mp.undo()


def test_exactly_one_row_per_customer(world) -> None:
    result, clean, *_ = world
    ids = result.profile["customer_id"]
    assert ids.is_unique and set(ids) == set(clean["customers"]["customer_id"].astype(str))
    assert result.metrics()["n_blocks_fresh"] == 8  # all: ads too, now that logged-in ad units are linked


def test_every_block_equals_its_source_for_200_customers(world) -> None:
    result, clean, tables, _, seed = world
    from experiments.data.contracts import load_processed

    p = result.profile.set_index("customer_id")
    sample = pd.Series(p.index).sample(200, random_state=seed).to_numpy()
    seg = load_processed("segments").set_index("customer_id")
    for col, src in (("value_tier", "value_tier"), ("lifecycle", "lifecycle")):
        assert (p.loc[sample, col] == seg.loc[sample, src]).all()
    assert np.allclose(p.loc[sample, "clv"], seg.loc[sample, "clv"], equal_nan=True)
    churn = tables["churn_scores"].set_index("customer_id")
    scored = [c for c in sample if c in churn.index]
    assert np.allclose(p.loc[scored, "churn_probability"], churn.loc[scored, "churn_probability"])
    assert (p.loc[[c for c in sample if c not in churn.index], "churn_tier"] == "none").all()
    recs = tables["recommendations"].sort_values("rank")
    top3 = recs[recs["rank"] <= 3].groupby("customer_id")["item_id"].agg(list)
    expected = top3.map(" | ".join).reindex(sample).fillna("none")
    assert (p.loc[sample, "top_items"].to_numpy() == expected.to_numpy()).all()
    fb = tables["feedback_scored"].sort_values("created_at")
    latest = fb.groupby("customer_id")["sentiment"].last()
    assert (p.loc[sample, "latest_sentiment"] == latest.reindex(sample).fillna("none").to_numpy()).all()
    sc = clean["service_contacts"]
    n = sc[sc["customer_id"].notna()].groupby("customer_id").size()
    assert (p.loc[sample, "n_contacts"].to_numpy() == n.reindex(sample).fillna(0).to_numpy()).all()
    cust = clean["customers"].set_index("customer_id")
    assert (p.loc[sample, "email"].fillna("") == cust.loc[sample, "email"].fillna("")).all()
    nba = tables["next_best_actions"].set_index("customer_id")
    assert (p.loc[sample, "next_action"] == nba["action"].reindex(sample).fillna("none").to_numpy()).all()
    # ads: every linked customer (the sample has few), and the sample's unlinked ones show 0 experiments
    ad = clean["ad_events"]
    seen = ad[ad["customer_id"].notna()].groupby("customer_id")["experiment_id"].nunique()
    assert len(seen) > 100
    assert (p.loc[seen.index, "experiments_seen"].to_numpy() == seen.to_numpy()).all()
    assert (p.loc[[c for c in sample if c not in seen.index], "experiments_seen"] == 0).all()
    last = ad[ad["customer_id"].notna()].sort_values("date", kind="stable").groupby("customer_id")["variant"].last()
    assert (p.loc[last.index, "last_variant"] == last).all()
    exposures = result.timeline[result.timeline["kind"] == "ad exposure"]
    assert len(exposures) == int(ad["customer_id"].isin(p.index).sum()) > 0


def test_lookalike_top_decile_is_worth_twice_the_average_prospect(world) -> None:
    result, *_, check, seed = world
    # measured (logistic, small): seed 7 2.85 (7,254 vs 2,547), seed 11 2.94 (8,577 vs 2,915), seed 42 3.12
    assert check["lift"] >= 2.0, (seed, check)
    assert check["customers_scored"] == 0
    assert len(result.lookalike.scores) > 0
    assert not set(result.lookalike.scores["prospect_id"]) & set(result.profile["customer_id"])
