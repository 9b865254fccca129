"""The metrics.json contract: one flat JSON object per notebook run, each value a number, a string, a boolean,
null, or a list of strings (e.g. 06's ``verdict_reasons``); nothing nested."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

METRICS_FILE = "metrics.json"
Scalar = int | float | str | bool | None
Value = Scalar | list[str]


def _to_value(key: str, value: Any) -> Value:
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    return _to_scalar(key, value)


def _to_scalar(key: str, value: Any) -> Scalar:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    raise TypeError(f"metrics.json must be flat: key {key!r} has a {type(value).__name__}, expected a number, a "
                    "string or a list of strings")


def flatten_metrics(metrics: Mapping[str, Any]) -> dict[str, Value]:
    """Return ``metrics`` as a flat dict of JSON scalars or lists of strings (numpy types converted, NaN and inf
    become null).

    Raises ``TypeError`` naming the key when a value is a dict, a list holding anything but strings, or another
    non-scalar.
    """
    out: dict[str, Value] = {}
    for key, value in metrics.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"metrics.json keys must be non-empty strings, found {key!r}")
        out[key] = _to_value(key, value)
    return out


def write_metrics(metrics: Mapping[str, Any], output_dir: str | os.PathLike[str]) -> Path:
    """Write ``metrics`` to ``<output_dir>/metrics.json`` atomically and return the path."""
    flat = flatten_metrics(metrics)
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / METRICS_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(flat, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_metrics(output_dir: str | os.PathLike[str]) -> dict[str, Value]:
    """Read ``<output_dir>/metrics.json``; an absent file gives an empty dict."""
    path = Path(output_dir) / METRICS_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the documented keys (conf/runs.yaml `metrics:`)
_PLACEHOLDER = re.compile(r"<[a-z_]+>")


def _pattern(key: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(key)
    return re.compile("^" + "[a-z0-9_]+?".join(re.escape(p) for p in parts) + "$")


def documented_keys(notebook: str) -> dict[str, str]:
    """Return ``{key or pattern: meaning}`` for ``notebook`` from ``conf/runs.yaml`` (its ``metrics:`` block)."""
    from experiments.lab.config import load_runs

    return dict(load_runs()[notebook].metrics)


def undocumented_keys(written: Iterable[str], documented: Mapping[str, str]) -> list[str]:
    """Return the written keys that match no documented key or pattern (``<name>`` stands for lower_snake text)."""
    patterns = [_pattern(k) for k in documented]
    return sorted(k for k in written if not any(p.match(k) for p in patterns))


def missing_keys(written: Iterable[str], documented: Mapping[str, str], mode: str) -> list[str]:
    """Return the documented fixed keys (no placeholder) that apply in ``mode`` (company or flat) but were not
    written. A meaning starting with ``[company]`` or ``[flat]`` applies in that mode only."""
    written = set(written)
    other = "[flat]" if mode == "company" else "[company]"
    return sorted(k for k, meaning in documented.items()
                  if not _PLACEHOLDER.search(k) and not meaning.startswith(other) and k not in written)


def key_table(notebook: str) -> pd.DataFrame:
    """Return the documented metrics.json keys of ``notebook`` as a table (key, meaning) for its appendix."""
    rows = [{"key": k, "meaning": v} for k, v in documented_keys(notebook).items()]
    return pd.DataFrame(rows, columns=["key", "meaning"])
