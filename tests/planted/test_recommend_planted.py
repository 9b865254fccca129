"""Recommendations against the planted truth of small company worlds (seeds 7, 11 and 42), through
``recommend.evaluation`` (the only recommend module that reads ``_truth``; the notebook's section calls it too).

The generator draws every purchase from a softmax over taste . item factors / (sqrt(8) / 2) + item popularity
(``synthetic.products.preference_cdf``), so ranking items by that true score is an oracle no model can beat on
average. The notebook's own analysis (``recommend.run`` with the ``small`` profile: time split, parameters chosen on
a validation split carved from training) must put ALS clearly above the most-popular list and at a stated share of
the oracle's NDCG@10.

The co-purchase pattern (``products.COPURCHASE``: coffee -> snacks, tea -> tableware) is planted INSIDE orders:
after a line of the source category the next line of the same order is, with probability 0.45, an item of the
complement category (``synthetic.purchases.make_lines``). So it is tested where it is planted: "also bought"
neighbours computed on the order x item matrix (``business.also_bought`` and ``business.cross_category`` with
orders as the rows). The notebook's neighbours are computed over customers' whole histories, where the basket
pattern is mixed with the planted tastes (each category's true item factors sit around a random centroid, so a
category near coffee's centroid co-occurs in the same customers too): there coffee -> snacks was the strongest
link on seeds 11 (60%) and 42 (81%) but not on seed 7 (tableware 50%, snacks 31%) nor seed 1 (snacks 1%), which is
why the earlier customer-level assertion held on its one seed only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import recommend
from experiments.data.inputs import InputTable
from experiments.lab.config import notebook_parameters
from experiments.recommend import evaluation
from experiments.recommend.sources import company_interactions, customer_profiles
from experiments.synthetic import generate_cached
from experiments.synthetic.products import COPURCHASE, FACTOR_COLS, preference_cdf

SEEDS = (7, 11, 42)
K = 10
# Measured with the notebook's small profile (NDCG@10 on the test split):
#   seed  7: oracle 0.273, ALS 0.225, most-popular 0.168 -> ALS +34% over most-popular, 83% of the oracle
#   seed 11: oracle 0.262, ALS 0.226, most-popular 0.167 -> +35%, 86%
#   seed 42: oracle 0.276, ALS 0.235, most-popular 0.151 -> +55%, 85%
# (ALS was the chosen model on all three.)
# The bars leave room for generator changes but fail on a broken model, a flipped matrix or a leaking split.
MIN_LIFT_OVER_POPULAR = 0.25
MIN_SHARE_OF_ORACLE = 0.75
# Basket-level "also bought", measured on seeds 1, 2, 3, 7, 11, 42: the planted complement is every time the
# strongest cross-category link, with 68-93% (coffee -> snacks) and 78-94% (tea -> tableware) of the
# cross-category neighbours, 2.7-4.8 times its share of the rest of the catalogue.
MIN_BASKET_SHARE = 0.6
MIN_BASKET_LIFT = 2.0


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def world(request, worlds_root):
    from experiments.cleaning.pipeline import clean_company

    raw = generate_cached("small", request.param, worlds_root)
    clean = clean_company(raw, truth_dir=raw / "_truth")
    orders, items = clean.tables["orders"], clean.tables["items"]
    inter = company_interactions(orders)
    table = InputTable(frame=orders, columns={"user": "customer_id", "item": "item_id", "weight": "quantity",
                                              "time": "ordered_at"},
                       source="orders", path=None, fingerprint="", extra={"company": True})
    ids = items["item_id"].astype(str)
    data = recommend.Data(interactions=inter, item_names=items.set_index(ids)["name"].astype(str),
                          item_categories=items.set_index(ids)["category"].astype(str),
                          profiles=customer_profiles(clean.tables["customers"], inter.frame), table=table,
                          segments_found=False)
    cfg = recommend.Config.from_parameters(notebook_parameters("03_recommendations", "small", {"k": K}))
    result = recommend.run(cfg, data)
    truth_dir = raw / "_truth"
    return {"seed": request.param, "truth": truth_dir, "orders": orders, "categories": data.item_categories,
            "result": result, "records": clean.records,
            "person": evaluation.person_of_customer(clean.records, truth_dir)}


def test_als_beats_popular_clearly_and_reaches_a_share_of_the_oracle(world):
    result = world["result"]
    oracle = evaluation.oracle_ndcg(result, world["person"], world["truth"])
    als, pop, rnd = (result.results.loc[m, "ndcg_at_k"] for m in ("als", "popular", "random"))
    print(f"seed {world['seed']}: NDCG@{K} oracle {oracle:.3f}, ALS {als:.3f} ({result.chosen_params['als']}), "
          f"popular {pop:.3f}, random {rnd:.3f}; ALS/popular {als / pop - 1:+.1%}, ALS/oracle {als / oracle:.1%}; "
          f"chosen {result.chosen}")
    assert oracle > als > pop > rnd
    assert als / pop - 1 >= MIN_LIFT_OVER_POPULAR
    assert als / oracle >= MIN_SHARE_OF_ORACLE
    # the lists come from a model that beats most-popular on the test split too
    assert result.metrics()["chosen_lift_over_popular"] > MIN_LIFT_OVER_POPULAR


def test_a_flipped_matrix_or_leaking_split_would_be_caught(world):
    result = world["result"]
    prepared = result.prepared
    # the oracle on shuffled customers (tastes of the wrong person) collapses towards popularity alone
    rows = prepared.eval_rows
    right = evaluation.oracle_ndcg(result, world["person"], world["truth"])
    wrong = evaluation.oracle_ndcg(result, world["person"], world["truth"], np.random.default_rng(0).permutation(rows))
    assert wrong < 0.8 * right
    # no test pair was seen in training
    split = result.split
    train_pairs = set(zip(split.train["user"], split.train["item"], strict=True))
    assert not train_pairs & set(zip(split.test["user"], split.test["item"], strict=True))


def test_planted_basket_complements_show_in_also_bought_of_orders(world):
    orders, cats = world["orders"], world["categories"]
    cross = evaluation.basket_complements(orders, cats)
    print(f"seed {world['seed']}:\n{cross.round(2)}")
    share = cats.value_counts(normalize=True)
    for src, dst in COPURCHASE.items():
        assert cross.loc[src].idxmax() == dst and cross.loc[src, dst] >= MIN_BASKET_SHARE
        # ... at more than twice its share of the rest of the catalogue (snacks: 20% / 78% of the other items)
        assert cross.loc[src, dst] >= MIN_BASKET_LIFT * share[dst] / (1 - share[src])


def test_the_oracle_is_the_generators_purchase_score(world):
    # evaluation reads rank and pairs from the manifest; they must be the generator's, and its scores must be the
    # generator's softmax logits up to a per-customer constant
    facts = evaluation.planted(world["truth"])
    assert facts["copurchase"] == COPURCHASE and facts["taste_rank"] == len(FACTOR_COLS)
    prepared = world["result"].prepared
    rows = prepared.eval_rows[:50]
    ours = evaluation.oracle_scores(prepared, rows, world["person"], world["truth"])
    tastes = pd.read_parquet(world["truth"] / "tastes.parquet").set_index("person_id")
    items = pd.read_parquet(world["truth"] / "item_factors.parquet").set_index("item_id").loc[prepared.train.items]
    t = tastes.reindex(world["person"].reindex(prepared.train.users[rows]).to_numpy())[FACTOR_COLS].fillna(0)
    logp = np.log(np.diff(preference_cdf(t.to_numpy(), items), prepend=0.0, axis=1))
    gap = logp - ours
    assert np.allclose(gap, gap[:, :1], atol=1e-3)


def test_the_notebook_sections_summary_holds_the_same_numbers(world):
    c = evaluation.compare_with_planted(world["result"], world["records"], world["truth"])
    assert c["oracle_ndcg"] == evaluation.oracle_ndcg(world["result"], world["person"], world["truth"])
    assert c["oracle_shuffled_ndcg"] < 0.8 * c["oracle_ndcg"]
    assert c["chosen_share_of_oracle"] >= MIN_SHARE_OF_ORACLE
    for src, dst in COPURCHASE.items():
        assert c["copurchase"][src]["strongest"] == dst and c["copurchase"][src]["share"] >= MIN_BASKET_SHARE


def test_oracle_ndcg_in_blocks_equals_one_block(world, monkeypatch):
    """The oracle ranked in blocks of users (memory at size xlarge) gives the one-block figure."""
    whole = evaluation.oracle_ndcg(world["result"], world["person"], world["truth"])
    monkeypatch.setattr(evaluation, "ORACLE_BATCH", 37)
    assert evaluation.oracle_ndcg(world["result"], world["person"], world["truth"]) == pytest.approx(whole, rel=1e-12)
