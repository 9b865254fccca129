"""A generated and cleaned company world per size and seed, cached under data/interim/worlds/ for benchmarks.

    from world_cache import cleaned_world
    data_dir = cleaned_world("large", 42)   # <data_dir>/raw and <data_dir>/processed, built once

Generation and cleaning run once per size and seed, under a lock, so several benchmarks started together share one
world instead of building it each (a large world takes about two minutes to generate and clean).
"""

from __future__ import annotations

import fcntl
from pathlib import Path


def cleaned_world(size: str = "large", seed: int = 42) -> Path:
    """Return a data folder holding ``raw/`` and ``processed/`` of the company world ``size``/``seed``."""
    from experiments.data import paths

    root = paths.interim_dir() / "worlds" / f"{size}-{seed}-data"
    root.parent.mkdir(parents=True, exist_ok=True)
    done = root / ".complete"
    with (root.parent / f".{root.name}.lock").open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        if not done.exists():
            from experiments import synthetic
            from experiments.cleaning.pipeline import clean_company, write_outputs

            synthetic.generate(root / "raw", size=size, seed=seed)
            result = clean_company(root / "raw")
            write_outputs(result.tables, root / "processed", result.lineage, result.quarantine)
            done.write_text("ok\n")
    return root
