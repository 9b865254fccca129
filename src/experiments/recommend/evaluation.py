"""03 against the company world's planted truth (``raw/_truth``): the only recommend module that reads it; called by
the notebook's "against the planted truth" section and by tests/planted/test_recommend_planted.py, never by ``run``.

- The oracle: the generator draws every purchase from a softmax over taste . item factors / (sqrt(rank) / 2) + item
  popularity (``synthetic.products.preference_cdf``; ``rank`` is ``planted.taste_rank`` of ``_truth/manifest.json``,
  the tastes and factors are ``_truth/tastes.parquet`` and ``_truth/item_factors.parquet``). Ranking the training
  catalogue by that true score is the best list any model can give on average; its NDCG@k is the ceiling the
  models are measured against. Customers map to planted persons through ``_truth/person_records.csv`` and the
  cleaning's record -> customer map (the person most of a customer's records belong to).
- The co-purchase pattern (``planted.copurchase``: coffee -> snacks, tea -> tableware) is planted INSIDE orders,
  so it is checked where it is planted: "also bought" neighbours on the order x item matrix, summed per category.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.recommend import business
from experiments.recommend.evaluate import Prepared, Weighting, oracle_scores_ndcg
from experiments.recommend.result import Result


def planted(truth_dir: Path) -> dict:
    """The manifest's ``planted`` facts (``taste_rank``, ``copurchase``, ...)."""
    return json.loads((Path(truth_dir) / "manifest.json").read_text(encoding="utf-8"))["planted"]


def person_of_customer(record_customer: pd.DataFrame, truth_dir: Path) -> pd.Series:
    """customer_id -> planted person_id, from any table with ``record_id`` and ``customer_id`` (the cleaning's
    lineage or records): the person most of the customer's records belong to (ties: the smallest person id)."""
    people = pd.read_csv(Path(truth_dir) / "person_records.csv", dtype=str)[["record_id", "person_id"]]
    links = record_customer[["record_id", "customer_id"]].astype(str).drop_duplicates().merge(people, on="record_id")
    votes = links.value_counts(["customer_id", "person_id"]).rename("n").reset_index()
    votes = votes.sort_values(["customer_id", "n", "person_id"], ascending=[True, False, True])
    return votes.drop_duplicates("customer_id").set_index("customer_id")["person_id"]


ORACLE_BATCH = 50_000
"""Evaluated users whose planted scores are ranked at once in ``oracle_ndcg`` (400,000 users x 300 items at size
xlarge would need about 4 GB of dense scores, copies and sort keys)."""


def _planted_factors(prepared: Prepared, rows: np.ndarray, person: pd.Series,
                     truth_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The planted tastes of users ``rows`` of ``prepared.train`` (0 for a customer without a planted person), its
    items' factors and popularity, and the softmax scale."""
    rank = int(planted(truth_dir)["taste_rank"])
    cols = [f"f{j}" for j in range(rank)]
    tastes = pd.read_parquet(Path(truth_dir) / "tastes.parquet").set_index("person_id")
    items = pd.read_parquet(Path(truth_dir) / "item_factors.parquet").set_index("item_id").loc[prepared.train.items]
    users = prepared.train.users[rows]
    t = tastes.reindex(person.reindex(users).to_numpy())[cols].fillna(0).to_numpy()
    return t, items[cols].to_numpy(), items["popularity"].to_numpy(), float(np.sqrt(rank) / 2)


def oracle_scores(prepared: Prepared, rows: np.ndarray, person: pd.Series, truth_dir: Path) -> np.ndarray:
    """The planted purchase scores (users ``rows`` of ``prepared.train`` x its items); a customer without a planted
    person gets taste 0 (popularity alone)."""
    t, factors, popularity, scale = _planted_factors(prepared, rows, person, truth_dir)
    return t @ factors.T / scale + popularity


def oracle_ndcg(result: Result, person: pd.Series, truth_dir: Path, rows: np.ndarray | None = None) -> float:
    """NDCG@k on the test split of lists ranked by the planted scores (``rows``: whose tastes score the evaluated
    users, default their own; a permutation gives the oracle with the wrong customers' tastes). Ranked in blocks of
    ``ORACLE_BATCH`` users: the mean of the blocks' means weighted by their users (one block up to that size)."""
    prepared = result.prepared
    rows = prepared.eval_rows if rows is None else rows
    t, factors, popularity, scale = _planted_factors(prepared, rows, person, truth_dir)
    means, sizes = [], []
    for start in range(0, max(len(rows), 1), ORACLE_BATCH):
        block = slice(start, start + ORACLE_BATCH)
        part = replace(prepared, eval_rows=prepared.eval_rows[block])
        scores = t[block] @ factors.T / scale + popularity
        means.append(oracle_scores_ndcg(scores, part, result.cfg.k)["ndcg_at_k"])
        sizes.append(len(part.eval_rows))
    return float(means[0]) if len(means) == 1 else float(np.average(means, weights=sizes))


def basket_complements(orders: pd.DataFrame, categories: pd.Series, n_neighbours: int = 5) -> pd.DataFrame:
    """Category x category shares of the "also bought" neighbours computed on the order x item matrix of the
    completed, positive-quantity lines (``business.cross_category``)."""
    lines = orders.loc[orders["status"].eq("completed") & orders["quantity"].gt(0), ["order_id", "item_id"]]
    # orders and items as integer codes (the same matrix up to row and column labels): 10 million id strings cost
    # 2.4 GB more at size xlarge
    item_code, item_ids = pd.factorize(lines["item_id"].astype(str))
    baskets = pd.DataFrame({"user": pd.factorize(lines["order_id"])[0], "item": item_code})
    matrix = Weighting(use_weight=False, recency_half_life_days=0.0, scaling="none").build(baskets)
    code_categories = pd.Series(categories.reindex(item_ids).to_numpy(), index=[str(c) for c in range(len(item_ids))])
    return business.cross_category(business.also_bought(matrix, n_neighbours), code_categories)


def compare_with_planted(result: Result, record_customer: pd.DataFrame, truth_dir: Path) -> dict:
    """Test NDCG@k of the oracle, the chosen model and most-popular (with the oracle on shuffled customers, which a
    working pipeline must fall well below), and per planted co-purchase pair the complement's share of the source
    category's cross-category basket neighbours and whether it is the strongest link."""
    person = person_of_customer(record_customer, truth_dir)
    shuffled = np.random.default_rng(0).permutation(result.prepared.eval_rows)
    out = {"oracle_ndcg": oracle_ndcg(result, person, truth_dir),
           "oracle_shuffled_ndcg": oracle_ndcg(result, person, truth_dir, shuffled),
           "chosen_ndcg": float(result.results.loc[result.chosen, "ndcg_at_k"]),
           "popular_ndcg": float(result.results.loc["popular", "ndcg_at_k"]), "copurchase": {}}
    out["chosen_share_of_oracle"] = out["chosen_ndcg"] / out["oracle_ndcg"] if out["oracle_ndcg"] else float("nan")
    cross = basket_complements(result.data.table.frame, result.data.item_categories)
    for src, dst in planted(truth_dir)["copurchase"].items():
        row = cross.loc[src] if src in cross.index else pd.Series(dtype=float)
        out["copurchase"][src] = {"complement": dst, "share": float(row.get(dst, 0.0)),
                                  "strongest": str(row.idxmax()) if len(row) else ""}
    return out


def section(result: Result) -> list:
    """The notebook's "against the planted truth" section (company world with its ``_truth`` folder only; otherwise
    one sentence saying why there is nothing to compare)."""
    from experiments.data import paths
    from experiments.data.contracts import load_processed_columns
    from experiments.lab.report import safe

    truth_dir = paths.truth_dir()
    if not result.data.is_company_world or not (truth_dir / "manifest.json").is_file():
        return [safe.md("No planted truth here (a flat table, or a company world without its `_truth` folder).")]
    c = compare_with_planted(result, load_processed_columns("lineage", ["record_id", "customer_id"]), truth_dir)
    text = safe.md(
        "Ranking each test customer's items by the planted tastes (the oracle) gives NDCG@{k} {oracle:.3f}; the chosen "
        "model ({chosen}) reaches {model:.3f}, {share:.0%} of it, and most-popular {pop:.3f}. With the tastes of the "
        "wrong customers the oracle drops to {shuffled:.3f}. The planted basket pairs, found in the orders:",
        k=result.cfg.k, oracle=c["oracle_ndcg"], chosen=result.chosen, model=c["chosen_ndcg"],
        share=c["chosen_share_of_oracle"], pop=c["popular_ndcg"], shuffled=c["oracle_shuffled_ndcg"])
    pairs = pd.DataFrame([{"category": src, "planted complement": p["complement"],
                           "its share of the cross-category basket neighbours": f"{p['share']:.0%}",
                           "strongest link": p["strongest"]} for src, p in c["copurchase"].items()])
    return [text, safe.frame(pairs)]
