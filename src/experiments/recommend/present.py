"""Sentences and display tables of notebook 03; every data-derived value goes through ``lab.report.safe``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.data import processed
from experiments.lab.report import safe
from experiments.recommend.business import cross_category, segment_view
from experiments.recommend.charts import LABELS
from experiments.recommend.result import Result

WHY = {"als": "it learns each customer's tastes from everything they bought (matrix factorisation)",
       "bpr": "it learns to rank each customer's bought items above the rest (pairwise ranking)",
       "itemknn": "it recommends items bought by the same customers as the customer's own items"}


def headline_md(a: Result):
    """Return the first-screen Markdown: which model, why, how much better than most-popular, how many lists."""
    h = a.headline()
    name = LABELS.get(h["chosen"], h["chosen"])
    beats = h["ndcg"] > h["popular_ndcg"]
    return safe.md(
        "**We use {name}** for the lists: it scored best on the validation split (carved from the training data), "
        "and " + WHY.get(h["chosen"], "") + ". On purchases it never saw, on average {prec:.1f} of its top {k} "
        "items are ones the customer went on to buy (precision@{k} {precp:.1%}), and its NDCG@{k} is {ndcg:.3f} "
        "against {pop:.3f} for the most-popular list "
        + ("(**{lift:+.0%}**)." if beats else "(**{lift:+.0%}: no better than most-popular**).")
        + " {customers:,} customers get a list; {cold:,} of them have no purchase history and get popular items "
        "of their segment or channel." + _catalogue_notice(a),
        name=name, prec=h["precision"] * h["k"], k=h["k"], precp=h["precision"], ndcg=h["ndcg"],
        pop=h["popular_ndcg"], lift=h["lift"], customers=h["customers"], cold=h["cold"],
        n_items=a.n_items_train, n_list=a.cfg.n_recommendations)


def _catalogue_notice(a: Result) -> str:
    """A sentence (template) when ``k`` or ``n_recommendations`` exceeds the catalogue the models rank."""
    if max(a.cfg.k, a.cfg.n_recommendations) <= a.n_items_train:
        return ""
    return (" **Note:** k = {k} / n_recommendations = {n_list} ask for more items than the {n_items:,} the models can "
            "rank: lists hold at most that many (fewer once bought items are left out), and precision@k still "
            "divides by k.")


def example_list(a: Result) -> pd.DataFrame:
    """Return the list of a typical customer (median number of bought items) with the reasons."""
    recs = a.recommendations[a.recommendations["source"].str.startswith("model:")]
    if recs.empty:
        return pd.DataFrame()
    n_bought = a.split.train.groupby("user")["item"].nunique()
    # the distinct ids first: Index.isin over the 10 million rows of an xlarge run's lists took 96 s, this 3 s
    listed = n_bought[n_bought.index.isin(pd.unique(recs["customer_id"]))]
    median = listed.median()
    who = (listed - median).abs().sort_values(kind="stable").index[0]
    out = recs[recs["customer_id"] == who][["rank", "item_name", "reason"]]
    return out.rename(columns={"item_name": f"recommended to customer {who}"}).set_index("rank")


def example_history(a: Result, who: str | None = None, n: int = 5):
    """Return a Markdown line with the typical customer's most-bought items (the input of the list above)."""
    if who is None:
        ex = example_list(a)
        if ex.empty:
            return safe.md("No customer has a model-based list.")
        who = ex.columns[0].rsplit(" ", 1)[-1]
    data = a.data
    hist = a.split.train[a.split.train["user"] == who]
    top = hist.groupby("item").size().sort_values(ascending=False, kind="stable").head(n).index
    names = {f"i{j}": (str(data.item_names.get(i, i)) if data.item_names is not None else str(i))
             for j, i in enumerate(top)}
    listed = "; ".join("{" + key + "}" for key in names)
    return safe.md("Customer {who} bought most often before: " + listed + " ({n_items} distinct items in the "
                   "training period).", who=who, n_items=int(hist["item"].nunique()), **names)


def data_table(a: Result) -> pd.DataFrame:
    """Return the data summary: rows read, rows set aside per reason, users, items, split sizes."""
    data = a.data
    rows = [("rows read", data.interactions.rows_in)]
    rows += [(f"set aside: {reason}", n) for reason, n in data.interactions.dropped.items()]
    rows += [("interactions used", len(data.interactions.frame)), ("customers with history", a.n_users),
             ("items", a.n_items), ("items in the training part (the catalogue ranked)", a.n_items_train),
             ("split", a.split.kind + (f" at {a.split.cutoff:%Y-%m-%d}" if a.split.cutoff is not None else "")),
             ("training interactions", len(a.split.train)), ("test pairs (warm customers)",
                                                              a.prepared.counts["test_pairs"]),
             ("test customers scored", a.prepared.counts["eval_users"]),
             ("cold-start test customers (scored apart)", int(a.split.counts.get("cold_users", 0))),
             ("test pairs on items new after the cut-off (cannot be recommended)",
              int(a.split.counts.get("test_pairs_new_item", 0)))]
    return pd.DataFrame(rows, columns=["what", "count"]).astype({"count": "string"}).set_index("what")


def search_table(a: Result) -> pd.DataFrame:
    """Return the validation search: model, combination number, parameters, validation NDCG@k, fit seconds."""
    s = a.search.copy()
    s["#"] = s.groupby("model").cumcount() + 1
    s["chosen"] = np.where(s.groupby("model")["ndcg_at_k"].transform("idxmax") == s.index, "best", "")
    out = s[["model", "#", "params", "ndcg_at_k", "precision_at_k", "fit_seconds", "chosen"]].copy()
    out["model"] = out["model"].map(LABELS)
    out = out.set_index(["model", "#"])
    return out.round({"ndcg_at_k": 4, "precision_at_k": 4, "fit_seconds": 2}).rename(
        columns={"ndcg_at_k": f"validation NDCG@{a.cfg.k}", "precision_at_k": f"validation precision@{a.cfg.k}"})


def results_table(a: Result) -> pd.DataFrame:
    """Return the test comparison table, one row per model, rounded."""
    r = a.results.copy()
    r.index = [LABELS.get(m, m) + (" (chosen)" if m == a.chosen else "") for m in r.index]
    k = a.cfg.k
    return r.rename(columns={"precision_at_k": f"precision@{k}", "recall_at_k": f"recall@{k}", "map_at_k": f"MAP@{k}",
                             "ndcg_at_k": f"NDCG@{k}", "novelty": "novelty (bits)", "fit_seconds": "fit (s)"}).round(4)


def neighbour_examples(a: Result, n_items: int = 6) -> pd.DataFrame:
    """Return "also bought" rows for the items with most buyers (top 3 neighbours each)."""
    nb, data = a.neighbours, a.data
    if nb.empty:
        return nb
    buyers = a.split.train.groupby("item")["user"].nunique()
    if data.item_categories is not None:  # one popular item per category, so every category shows
        cat = buyers.rename("buyers").to_frame().assign(c=buyers.index.map(data.item_categories))
        top = cat.sort_values("buyers", ascending=False).groupby("c").head(1).index[:n_items]
    else:
        top = buyers.sort_values(ascending=False).index[:n_items]
    out = nb[nb["item_id"].isin(top) & (nb["rank"] <= 3)]
    return out[["item", "rank", "neighbour", "similarity", "shared_buyers"]].rename(
        columns={"item": "customers who bought", "neighbour": "also buy"}).round({"similarity": 3}).set_index(
        ["customers who bought", "rank"])


def cross_category_table(a: Result) -> pd.DataFrame | None:
    """Return the cross-category share table (percent) when categories are known, else None."""
    if a.data.item_categories is None:
        return None
    t = cross_category(a.neighbours, a.data.item_categories)
    if t.empty:
        return None
    t = (100 * t).round(0).astype(int).astype(str) + "%"  # rows: bought category; columns: neighbour category
    t.index.name, t.columns.name = "bought (category)", "also buy, other categories"
    return safe.frame(t)


def cross_category_md(a: Result):
    """Return one sentence naming the strongest cross-category link (or None without categories)."""
    if a.data.item_categories is None:
        return None
    t = cross_category(a.neighbours, a.data.item_categories)
    if t.empty:
        return None
    src, dst = t.stack().idxmax()
    return safe.md("Strongest cross-category link: of the neighbours of **{src}** items that come from another "
                   "category, {share:.0%} are **{dst}**: a ready-made bundle or shelf neighbour.",
                   src=src, dst=dst, share=float(t.loc[src, dst]))


def cross_category_section(a: Result) -> tuple:
    """Return what section 4 shows after the neighbours: the strongest-link sentence and the cross-category table,
    or nothing (an empty tuple) without categories or cross-category neighbours."""
    table = cross_category_table(a)
    return () if table is None else (cross_category_md(a), table)


def segment_table(a: Result) -> pd.DataFrame:
    """Return per segment (or channel) the customers and the items recommended most often."""
    group = "segment" if a.data.segments_found else "channel"
    missing = ("no segment (no purchase: 02 gives them no RFM segment)" if group == "segment"
               else "no channel")
    profiles = a.data.profiles
    if group == "channel" and profiles["channel"].eq("unknown").all():  # a flat table: no segment, no channel
        profiles = profiles.assign(channel="all customers (the table has no segment or channel)")
    return segment_view(a.recommendations, profiles, group, top=2, missing=missing).rename(
        columns={group: f"customer's {group}"}).set_index(f"customer's {group}")


def cold_examples(a: Result) -> pd.DataFrame:
    """Return how the cold-start lists were made (counts per source) as a small table."""
    if a.cold_lists.empty:
        return pd.DataFrame({"cold-start customers": [0]})
    per = a.cold_lists.groupby("source")["customer_id"].nunique().rename("customers").reset_index()
    per["source"] = per["source"].map({"cold_start:segment": "most popular in their segment",
                                       "cold_start:channel": "most popular in their channel",
                                       "cold_start:overall": "most popular overall"}).fillna(per["source"])
    return per.rename(columns={"source": "cold-start list from"}).set_index("cold-start list from")


def verdict_md(a: Result):
    """Return the closing verdict in plain words with the numbers."""
    h = a.headline()
    r = a.results
    als, pop = r.loc["als", "ndcg_at_k"], r.loc["popular", "ndcg_at_k"]
    als_part = "" if h["chosen"] == "als" else \
        " ALS reaches {als:.3f} ({als_lift:+.0%} over most-popular)."
    return safe.md(
        "Use **{name}** lists: NDCG@{k} {ndcg:.3f} on held-out purchases vs {pop:.3f} for most-popular "
        "({lift:+.0%}) and {rnd:.3f} for random." + als_part + " The lists cover {cov:.0%} of the catalogue "
        "(most-popular: {pcov:.0%}). Re-run monthly; watch the cold-start share, where no model can personalise.",
        name=LABELS.get(h["chosen"], h["chosen"]), k=h["k"], ndcg=h["ndcg"], pop=pop, lift=h["lift"],
        rnd=r.loc["random", "ndcg_at_k"], als=als, als_lift=(als / pop - 1) if pop > 0 else float("nan"),
        cov=r.loc[h["chosen"], "coverage"], pcov=r.loc["popular", "coverage"])


def published_md(a: Result, folder):
    """Return one line saying what ``Result.publish`` wrote (rows, customers) and where."""
    recs = a.recommendations
    return safe.md("Published {rows:,} rows for {customers:,} customers to {where}/recommendations.parquet "
                   "({folder}).", rows=len(recs), customers=int(recs["customer_id"].nunique()),
                   where=processed.results_label(a.data.is_company_world), folder=folder.name)
