"""``run(config, data=None) -> Result``: interactions -> split -> validation search -> test comparison -> lists.

Model choice: the published lists come from the model with the highest NDCG@k on the VALIDATION split (carved
from training), not on the test split; the test table then says how that choice holds up.
"""

from __future__ import annotations

import pandas as pd

from experiments.recommend import business, tuning
from experiments.recommend.config import Config
from experiments.recommend.evaluate import compare, prepare
from experiments.recommend.models import MODEL_NAMES, make_model
from experiments.recommend.result import Result
from experiments.recommend.sources import Data, check_usable, load
from experiments.recommend.splits import check_split, make_split


def grids(cfg: Config) -> dict[str, dict[str, list]]:
    """The search grid: the named grid with each model's given parameter values added (always tried)."""
    base = tuning.GRIDS.get(cfg.search_grid, {})
    out: dict[str, dict[str, list]] = {}
    for name in ("als", "bpr", "itemknn"):
        given = cfg.model_params[name]
        grid = {k: list(v) for k, v in base.get(name, {}).items()}
        for key, value in given.items():
            values = grid.setdefault(key, [])
            if value not in values:
                values.append(value)
        out[name] = grid
    return out


def run(cfg: Config, data: Data | None = None) -> Result:
    """Split, search on validation, compare on test, then fit the chosen model on everything and build lists."""
    data = load(cfg) if data is None else data
    source = data.table.source
    check_usable(data.interactions, source, {r: str(c) for r, c in data.table.columns.items()})
    frame = data.interactions.frame
    engine = cfg.data_engine()
    split = make_split(frame, cfg.split, cfg.test_fraction, cfg.seed, engine)
    check_split(split, source, "test", "test_fraction")
    val = tuning.validation_split(split, cfg.validation_fraction, cfg.seed, engine)
    check_split(val, source, "validation", "validation_fraction")
    val_prep = tuning.sample_users(prepare(val, cfg.weighting), cfg.search_validation_users, cfg.seed)
    kept = tuning.load_chosen(tuning.chosen_path(data.is_company_world)) if cfg.search == "reuse" else None
    if kept is not None or cfg.search == "none":  # score only last run's (or the given) settings
        fixed = kept or cfg.model_params
        search = tuning.search(val_prep, {m: {p: [v] for p, v in fixed[m].items()} for m in ("als", "bpr", "itemknn")},
                               cfg.k, cfg.seed)
    elif cfg.search_budget_seconds > 0:
        search = tuning.budgeted_search(val_prep, grids(cfg), cfg.k, cfg.seed, cfg.search_budget_seconds,
                                        cfg.model_params)
    else:
        search = tuning.search(val_prep, grids(cfg), cfg.k, cfg.seed)
    chosen_params = {**{m: dict(p) for m, p in cfg.model_params.items()}, **tuning.best(search)}
    by_model = search.groupby("model")["ndcg_at_k"].max()
    chosen = str(by_model.idxmax())
    prep = prepare(split, cfg.weighting)
    results, _ = compare(prep, {m: chosen_params[m] for m in MODEL_NAMES}, cfg.k, cfg.seed)

    # the lists: the chosen model refitted on all interactions, every known customer in one batch
    full = cfg.weighting.build(frame)
    model = make_model(chosen, chosen_params[chosen], cfg.seed).fit(full.user_items)
    sim = business.item_similarity(full)
    recs = business.top_n(model, full, cfg.n_recommendations, cfg.exclude_bought, data.item_names, sim)
    neighbours = business.also_bought(full, 5, data.item_names, sim)
    known = set(full.users.astype(str))
    cold_ids = data.profiles.loc[~data.profiles["customer_id"].isin(known), "customer_id"]
    cold = business.cold_start(cold_ids, frame, data.profiles, cfg.n_recommendations, data.item_names)
    lists = pd.concat([recs, cold], ignore_index=True)[business.OUTPUT_COLUMNS]
    counts = {**split.counts, **prep.counts, "cold_customers_listed": int(cold["customer_id"].nunique())}
    return Result(cfg=cfg, data=data, split=split, prepared=prep, search=search, chosen_params=chosen_params,
                  validation_best=by_model, chosen=chosen, results=results, recommendations=lists,
                  neighbours=neighbours, cold_lists=cold, n_users=int(frame["user"].nunique()),
                  n_items=int(frame["item"].nunique()), n_items_train=int(prep.train.n_items), counts=counts)
