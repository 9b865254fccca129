"""What merchandisers get: top-N lists with a readable reason, "also bought" neighbours, cold-start lists.

- ``item_similarity``: cosine similarity of item columns of the 0/1 customer x item matrix (two items are similar
  when the same customers buy both);
- ``top_n``: every known customer's list from one fitted model in one batched call, with the reason "because you
  bought <the customer's item most co-bought with the recommendation>" (the reason is the co-purchase link, whatever
  model ranked the item), or "popular with customers like you" when none of their items is linked;
- ``also_bought``: for each item the ``n`` items most co-bought with it (cosine), with the number of shared buyers;
  ``cross_category``: where each category's "also bought" neighbours in other categories lie;
- ``cold_start``: customers with no history get the most popular items (distinct buyers) of their segment when
  segments are known, else of their channel, else overall, topped up from the overall list: never an empty list;
- ``segment_view``: per segment (or channel), customers and the items recommended most often.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from experiments.lab.report import safe
from experiments.recommend.matrix import InteractionMatrix
from experiments.recommend.models import Recommender

OUTPUT_COLUMNS = ["customer_id", "rank", "item_id", "item_name", "score", "reason", "source"]
FALLBACK_REASON = "popular with customers like you"


def item_similarity(train: InteractionMatrix) -> sp.csr_matrix:
    """Return the items x items cosine similarity of the binary matrix (diagonal zero)."""
    b = train.binary().tocsc()
    norms = np.sqrt(np.diff(b.indptr)).astype(np.float64)
    inv = sp.diags(np.where(norms > 0, 1.0 / np.where(norms > 0, norms, 1.0), 0.0))
    unit = (b @ inv).tocsc()
    sim = (unit.T @ unit).tocsr()
    sim.setdiag(0.0)
    sim.eliminate_zeros()
    return sim


def _names(item_ids: pd.Index, item_names: pd.Series | None) -> np.ndarray:
    if item_names is None:
        return np.asarray(item_ids.astype(str))
    named = pd.Series(item_ids, index=item_ids).map(item_names)
    return np.asarray(named.fillna(pd.Series(item_ids, index=item_ids)).astype(str))


DENSE_SIMILARITY_MAX_ITEMS = 5000
"""Up to this many items ``reasons_for`` looks similarities up in a dense copy: far faster than sparse indexing."""
REASON_BATCH = 500_000
"""(customer, item) pairs whose purchase histories are expanded at once in ``reasons_for`` (bounds its memory)."""


def reasons_for(users: np.ndarray, items: np.ndarray, train: InteractionMatrix, sim: sp.csr_matrix,
                item_names: pd.Series | None = None) -> np.ndarray:
    """Return one reason per (user row, item column) pair: the user's bought item most similar to the item.

    Vectorised over the pairs' purchase histories (no loop per user), in batches of ``REASON_BATCH`` pairs, in time
    linear in the histories' length: per pair the best similarity is a segment maximum (``np.maximum.reduceat``)
    and ties go to the lowest item column (a segment minimum), with no sort. Pairs whose user bought nothing linked
    to the item get ``FALLBACK_REASON``. Names are masked for personal data (``safe.mask_pii``).
    """
    users, items = np.asarray(users, dtype=np.int64), np.asarray(items, dtype=np.int64)
    out = np.full(len(users), FALLBACK_REASON, dtype=object)
    valid = np.flatnonzero(items >= 0)
    bought_by = train.binary()
    dense = sim.toarray() if sim.shape[0] <= DENSE_SIMILARITY_MAX_ITEMS else None
    because = np.array(["because you bought " + safe.mask_pii(n) for n in _names(train.items, item_names)],
                       dtype=object)
    for start in range(0, len(valid), REASON_BATCH):
        pairs = valid[start:start + REASON_BATCH]
        hist = bought_by[users[pairs]]  # one CSR row per pair: the pair's user's bought items
        counts = np.diff(hist.indptr)
        has = counts > 0
        if not has.any():
            continue
        target = np.repeat(items[pairs], counts)
        bought = hist.indices.astype(np.int64)
        score = dense[target, bought] if dense is not None else np.asarray(sim[target, bought]).ravel()
        starts = hist.indptr[:-1][has]
        best = np.maximum.reduceat(score, starts)
        tied = np.where(score == np.repeat(best, counts[has]), bought, np.iinfo(np.int64).max)
        first = np.minimum.reduceat(tied, starts)
        ok = best > 0
        out[pairs[has][ok]] = because[first[ok]]
    return out


def top_n(model: Recommender, train: InteractionMatrix, n: int, exclude_bought: bool,
          item_names: pd.Series | None = None, sim: sp.csr_matrix | None = None) -> pd.DataFrame:
    """Return every known customer's top ``n`` as a long frame (``OUTPUT_COLUMNS``), from one batched call."""
    rows = np.arange(train.n_users)
    ids, scores = model.recommend(rows, train.user_items, n, filter_already_liked=exclude_bought)
    u = np.repeat(rows, ids.shape[1])
    it = ids.ravel()
    keep = it >= 0
    u, it, sc = u[keep], it[keep], scores.ravel()[keep]
    rank = (np.tile(np.arange(1, ids.shape[1] + 1), len(rows)))[keep]
    sim = item_similarity(train) if sim is None else sim
    names = np.array([safe.mask_pii(x) for x in _names(train.items, item_names)], dtype=object)
    return pd.DataFrame({"customer_id": np.asarray(train.users.astype(str))[u], "rank": rank.astype(np.int64),
                         "item_id": np.asarray(train.items.astype(str))[it],
                         "item_name": names[it], "score": sc.astype(np.float64),
                         "reason": reasons_for(u, it, train, sim, item_names), "source": f"model:{model.name}"})


def also_bought(train: InteractionMatrix, n: int = 5, item_names: pd.Series | None = None,
                sim: sp.csr_matrix | None = None, min_shared: int = 2) -> pd.DataFrame:
    """Return "customers who bought X also buy" rows: item_id, item, rank, neighbour_id, neighbour, similarity,
    shared_buyers (items with at least ``min_shared`` shared buyers only)."""
    sim = item_similarity(train) if sim is None else sim
    b = train.binary().tocsc()
    shared = (b.T @ b).tocsr()
    coo = sim.tocoo()
    common = np.asarray(shared[coo.row, coo.col]).ravel()
    df = pd.DataFrame({"i": coo.row, "j": coo.col, "similarity": coo.data, "shared_buyers": common})
    df = df[df["shared_buyers"] >= min_shared].sort_values(["i", "similarity", "j"], ascending=[True, False, True])
    df["rank"] = df.groupby("i").cumcount() + 1
    df = df[df["rank"] <= n]
    names = _names(train.items, item_names)
    ids = np.asarray(train.items.astype(str))
    return pd.DataFrame({"item_id": ids[df["i"]], "item": names[df["i"]], "rank": df["rank"].to_numpy(),
                         "neighbour_id": ids[df["j"]], "neighbour": names[df["j"]],
                         "similarity": df["similarity"].to_numpy(), "shared_buyers": df["shared_buyers"].astype(int)
                         .to_numpy()}).reset_index(drop=True)


def cross_category(neighbours: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """Return the share of each category's "also bought" neighbours that fall in each OTHER category
    (rows: the item's category; the same-category neighbours are left out)."""
    df = neighbours.assign(from_cat=neighbours["item_id"].map(categories),
                           to_cat=neighbours["neighbour_id"].map(categories))
    df = df[df["from_cat"] != df["to_cat"]]
    if df.empty:
        return pd.DataFrame()
    return pd.crosstab(df["from_cat"], df["to_cat"], normalize="index")


def popular_by_group(interactions: pd.DataFrame, profiles: pd.DataFrame, group: str, n: int) -> pd.DataFrame:
    """Return the ``n`` items with most distinct buyers per value of ``profiles[group]``: group, rank, item."""
    g = interactions[["user", "item"]].drop_duplicates().merge(
        profiles[["customer_id", group]].rename(columns={"customer_id": "user"}), on="user", how="left")
    g[group] = g[group].fillna("")
    counts = g.groupby([group, "item"], observed=True).size().rename("buyers").reset_index()
    counts = counts.sort_values([group, "buyers", "item"], ascending=[True, False, True])
    counts["rank"] = counts.groupby(group).cumcount() + 1
    return counts[counts["rank"] <= n].reset_index(drop=True)


def cold_start(customer_ids: pd.Index | np.ndarray, interactions: pd.DataFrame, profiles: pd.DataFrame,
               n: int, item_names: pd.Series | None = None) -> pd.DataFrame:
    """Return ``n`` popular items for each cold-start customer (``OUTPUT_COLUMNS``): of their segment when it is
    known, else of their channel, else overall; short group lists are topped up from the overall list."""
    ids = pd.Index(customer_ids).astype(str)
    if len(ids) == 0:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    prof = profiles.set_index("customer_id").reindex(ids)
    seg = prof.get("segment", pd.Series("", index=ids)).fillna("").astype(str)
    chan = prof.get("channel", pd.Series("", index=ids)).fillna("").astype(str)
    overall = (interactions[["user", "item"]].drop_duplicates().groupby("item").size().rename("buyers")
               .reset_index().sort_values(["buyers", "item"], ascending=[False, True]).head(n))
    parts = []
    for level, key in (("segment", seg), ("channel", chan)):
        if (key != "").any():
            pop = popular_by_group(interactions, profiles, level, n)
            pop = pop[pop[level] != ""]
            parts.append(pd.DataFrame({"customer_id": ids, "key": key.to_numpy(), "level": level}).merge(
                pop.rename(columns={level: "key"}), on="key", how="inner"))
    cand = pd.concat(parts + [pd.DataFrame({"customer_id": np.repeat(ids, len(overall)), "level": "overall",
                                            "item": np.tile(overall["item"].to_numpy(), len(ids)),
                                            "buyers": np.tile(overall["buyers"].to_numpy(), len(ids)),
                                            "rank": np.tile(np.arange(1, len(overall) + 1), len(ids))})],
                     ignore_index=True)
    # segment lists first, then channel, then overall; keep each item once per customer
    cand["order"] = cand["level"].map({"segment": 0, "channel": 1, "overall": 2})
    cand = cand.sort_values(["customer_id", "order", "rank"]).drop_duplicates(["customer_id", "item"])
    cand["rank"] = cand.groupby("customer_id").cumcount() + 1
    cand = cand[cand["rank"] <= n]
    label = {"segment": "popular in your segment", "channel": "popular with customers of your channel",
             "overall": "popular with all customers"}
    items = pd.Index(cand["item"].astype(str))
    uniq = pd.Index(pd.unique(np.asarray(items, dtype=object)))
    masked = np.array([safe.mask_pii(x) for x in _names(uniq, item_names)], dtype=object)
    names = masked[uniq.get_indexer(items)]
    first_level = cand.groupby("customer_id")["level"].transform("first")
    return pd.DataFrame({"customer_id": cand["customer_id"].astype(str).to_numpy(),
                         "rank": cand["rank"].astype(np.int64).to_numpy(), "item_id": np.asarray(items),
                         "item_name": names, "score": cand["buyers"].astype(float)
                         .to_numpy(), "reason": cand["level"].map(label).to_numpy(),
                         "source": ("cold_start:" + first_level).to_numpy()}).reset_index(drop=True)


def segment_view(recs: pd.DataFrame, profiles: pd.DataFrame, group: str = "segment", top: int = 3,
                 missing: str = "(none)") -> pd.DataFrame:
    """Return per ``group`` value: customers, and the ``top`` items recommended to most of them (name and share);
    customers without a ``group`` value are counted under ``missing``."""
    df = recs.merge(profiles[["customer_id", group]], on="customer_id", how="left")
    df[group] = df[group].replace("", pd.NA).fillna(missing)
    customers = df.groupby(group)["customer_id"].nunique().rename("customers")
    counts = df.groupby([group, "item_name"]).size().rename("times").reset_index()
    counts = counts.merge(customers.reset_index(), on=group)
    counts["share"] = counts["times"] / counts["customers"]
    counts = counts.sort_values([group, "times", "item_name"], ascending=[True, False, True])
    counts = counts.groupby(group).head(top)
    listed = counts.assign(entry=counts["item_name"] + " (" + (100 * counts["share"]).round(0).astype(int)
                           .astype(str) + "%)").groupby(group)["entry"].agg("; ".join).rename("most recommended")
    return pd.concat([customers, listed], axis=1).reset_index().sort_values("customers", ascending=False)
