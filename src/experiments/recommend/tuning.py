"""A small hyper-parameter search on a validation split carved out of the TRAINING interactions only.

``validation_split(split, fraction, seed)`` splits ``split.train`` again the same way (time or random), so the
test pairs are never looked at while choosing parameters. ``search(prepared_val, grids, k)`` fits every combination
of each model's grid (``{"als": {"factors": [32, 64], ...}}``) and returns the table of validation scores; ``best``
picks each model's combination with the highest validation NDCG@k (ties: the first, i.e. the cheaper settings when
grids list them in increasing order).

At scale (``search_budget_seconds`` > 0) ``budgeted_search`` replaces the whole grid: Optuna's TPE sampler over the
grid's values within a time budget, a successive-halving pruner that stops bad settings after scoring them on the
first slice of validation users, and ``sample_users`` to score a sampled validation set. ``save_chosen`` /
``load_chosen`` keep the chosen settings as a small JSON (data/interim/recommend_search.json for the company world,
data/interim/flat/recommend_search.json for a flat table) so a scheduled run can reuse last week's (``search:
reuse``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.recommend.evaluate import Prepared, compare, evaluate_lists
from experiments.recommend.splits import Split, make_split

SMALL_GRID: dict[str, dict[str, list]] = {
    "als": {"factors": [16, 32], "regularization": [100.0], "alpha": [5.0, 20.0], "iterations": [15]},
    "bpr": {"factors": [32], "learning_rate": [0.01], "regularization": [0.01], "iterations": [30, 100]},
    "itemknn": {"similarity": ["cosine", "bm25"], "K": [50]},
}
LARGE_GRID: dict[str, dict[str, list]] = {
    "als": {"factors": [16, 32, 64, 128], "regularization": [0.1, 1.0, 10.0, 100.0], "alpha": [1.0, 5.0, 20.0],
            "iterations": [15, 30]},
    "bpr": {"factors": [32, 64, 128], "learning_rate": [0.01, 0.05, 0.1], "regularization": [0.001, 0.01],
            "iterations": [25, 50, 100, 200, 400]},
    "itemknn": {"similarity": ["cosine", "bm25"], "K": [20, 50, 100, 200]},
}
GRIDS = {"small": SMALL_GRID, "large": LARGE_GRID}


def validation_split(split: Split, fraction: float, seed: int, engine=None) -> Split:  # noqa: ANN001
    """Return a split of ``split.train`` alone (same kind, on ``engine`` when given), for choosing parameters
    without the test pairs."""
    return make_split(split.train, split.kind, fraction, seed, engine)


def combinations(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Return every combination of ``grid`` (name -> list of values) as a list of dicts, in grid order."""
    keys = list(grid)
    values = [v if isinstance(v, list | tuple) else [v] for v in grid.values()]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]


def search(prepared: Prepared, grids: Mapping[str, Mapping[str, Sequence[Any]]], k: int,
           seed: int) -> pd.DataFrame:
    """Fit every combination of every model's grid on ``prepared`` (a validation split) and return one row per fit:
    model, params (text), settings (the dict), each parameter as ``p_<name>``, validation ``ndcg_at_k``,
    ``precision_at_k``, ``recall_at_k`` and ``fit_seconds``."""
    rows = []
    for name, grid in grids.items():
        for params in combinations(grid):
            table, _ = compare(prepared, {name: params}, k=k, seed=seed)
            r = table.loc[name]
            rows.append({"model": name, "params": _label(params), "settings": dict(params),
                         **{f"p_{p}": v for p, v in params.items()},
                         "ndcg_at_k": r["ndcg_at_k"], "precision_at_k": r["precision_at_k"],
                         "recall_at_k": r["recall_at_k"], "fit_seconds": r["fit_seconds"]})
    return pd.DataFrame(rows)


def best(results: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return each model's parameters with the highest validation NDCG@k (first on ties)."""
    out: dict[str, dict[str, Any]] = {}
    for name, grp in results.groupby("model", sort=False):
        row = grp.loc[grp["ndcg_at_k"].idxmax()]
        out[str(name)] = dict(row["settings"])
    return out


def _label(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def sample_users(prepared: Prepared, n_users: int, seed: int) -> Prepared:
    """``prepared`` scored on a seeded random sample of ``n_users`` of its evaluation users (all when 0 or fewer)."""
    if n_users <= 0 or n_users >= len(prepared.eval_rows):
        return prepared
    rows = np.sort(np.random.default_rng(seed).choice(prepared.eval_rows, size=n_users, replace=False))
    return replace(prepared, eval_rows=rows)


def budgeted_search(prepared: Prepared, grids: Mapping[str, Mapping[str, Sequence[Any]]], k: int, seed: int,
                    budget_seconds: float, given: Mapping[str, Mapping[str, Any]], rungs: int = 4) -> pd.DataFrame:
    """A search that fits a time budget instead of the whole grid: per model, Optuna's TPE sampler picks settings
    from the grid's values for ``budget_seconds / n_models`` seconds (the ``given`` settings are tried first), and a
    successive-halving pruner stops a setting whose validation NDCG@k on the first slices of the (shuffled)
    validation users is below the others' at the same slice, before it is scored on every user. Returns the rows of
    ``search`` for the completed settings (``pruned`` trials are left out).

    The budget holds per model: after the first completed fit, a setting whose fit would not end before the
    model's share of the budget runs out (predicted from the seconds per cost unit, ``fit_units``, of the fits so
    far) is skipped unfitted; Optuna's own ``timeout`` only stops between trials, so one slow setting (BPR with 400
    epochs and 128 factors) could overrun the budget several times over on a loaded machine."""
    import time

    import optuna
    from optuna.trial import TrialState

    from experiments.recommend.models import make_model

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    order = np.random.default_rng(seed).permutation(prepared.eval_rows)
    slices = [np.sort(s) for s in np.array_split(order, min(rungs, max(len(order), 1)))]
    rows: list[dict[str, Any]] = []
    per_model = budget_seconds / max(len(grids), 1)
    for name, grid in grids.items():
        choices = {p: (list(v) if isinstance(v, list | tuple) else [v]) for p, v in grid.items()}

        deadline = time.perf_counter() + per_model
        rates: list[float] = []  # seconds per fit unit of this model's completed fits

        def objective(trial: optuna.Trial, name: str = name, choices: dict = choices, deadline: float = deadline,
                      rates: list = rates) -> float:
            params = {p: trial.suggest_categorical(p, vals) for p, vals in choices.items()}
            if rates and time.perf_counter() + max(rates) * fit_units(params) > deadline:
                raise optuna.TrialPruned  # would not finish within the budget: skipped, not fitted
            model = make_model(name, dict(params), seed).fit(prepared.train.user_items)
            rates.append(model.fit_seconds / fit_units(params))
            sums, n = {"ndcg_at_k": 0.0, "precision_at_k": 0.0, "recall_at_k": 0.0}, 0
            for step, part in enumerate(slices):
                sub = replace(prepared, eval_rows=part)
                recs, _ = model.recommend(part, prepared.train.user_items, k, filter_already_liked=True)
                scores = evaluate_lists(recs, sub, k)
                for key in sums:
                    sums[key] += scores[key] * len(part)
                n += len(part)
                trial.report(sums["ndcg_at_k"] / n, step)
                if step < len(slices) - 1 and trial.should_prune():
                    raise optuna.TrialPruned
            rows.append({"model": name, "params": _label(params), "settings": dict(params),
                         **{f"p_{p}": v for p, v in params.items()}, **{key: v / n for key, v in sums.items()},
                         "fit_seconds": model.fit_seconds})
            return sums["ndcg_at_k"] / n

        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed),
                                    pruner=optuna.pruners.SuccessiveHalvingPruner())
        first = {p: v for p, v in given.get(name, {}).items() if p in choices}
        if first:
            study.enqueue_trial(first)
        n_combos = len(combinations(grid))
        study.optimize(objective, timeout=per_model, n_trials=n_combos,
                       callbacks=[_stop_when_all_seen(n_combos)])
        if not any(t.state == TrialState.COMPLETE for t in study.trials):
            raise RuntimeError(f"the budgeted search completed no {name} setting; raise search_budget_seconds")
    return pd.DataFrame(rows).drop_duplicates("params", keep="first", ignore_index=True) if rows else pd.DataFrame()


def fit_units(params: Mapping[str, Any]) -> float:
    """A setting's relative fit cost: epochs x latent factors for ALS and BPR (both are linear in each at these
    sizes), 1 for item-kNN."""
    return float(params.get("iterations", 1)) * float(params.get("factors", 1))


def _stop_when_all_seen(n_combos: int):  # noqa: ANN202
    """An Optuna callback stopping a study once every distinct combination has been tried."""
    def callback(study, trial) -> None:  # noqa: ANN001, ARG001
        if len({tuple(sorted(t.params.items())) for t in study.trials}) >= n_combos:
            study.stop()
    return callback


def chosen_path(company_world: bool) -> Path:
    """Where the chosen settings are kept: data/interim (company world) or data/interim/flat (a flat table)."""
    from experiments.data import paths

    return paths.interim_dir() / ("" if company_world else "flat") / "recommend_search.json"


def save_chosen(path: Path, chosen: Mapping[str, Mapping[str, Any]], search_grid: str) -> None:
    """Keep the chosen settings (model -> parameters) with the run, as a small JSON a later run can reuse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"search_grid": search_grid, "chosen": chosen}, indent=1, default=str))
    tmp.replace(path)


def load_chosen(path: Path) -> dict[str, dict[str, Any]] | None:
    """The settings ``save_chosen`` kept at ``path`` (None when there are none)."""
    if not path.exists():
        return None
    return {str(m): dict(p) for m, p in json.loads(path.read_text())["chosen"].items()}
