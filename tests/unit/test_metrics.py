"""metrics.json: flat, JSON-safe, atomic."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from experiments.lab.metrics import flatten_metrics, read_metrics, write_metrics


def test_numpy_values_become_json_scalars_and_nan_becomes_null(tmp_path: Path) -> None:
    path = write_metrics({"n": np.int64(3), "rate": np.float32(0.25), "ok": np.bool_(True), "bad": math.nan,
                          "label": "B"}, tmp_path)
    assert json.loads(path.read_text()) == {"n": 3, "rate": 0.25, "ok": True, "bad": None, "label": "B"}
    assert read_metrics(tmp_path)["n"] == 3
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, (1,), ["a", 1], [["a"]]])
def test_nested_values_are_refused_naming_the_key(value: object) -> None:
    with pytest.raises(TypeError, match="key 'lift' has a"):
        flatten_metrics({"lift": value})


def test_missing_metrics_file_reads_as_empty(tmp_path: Path) -> None:
    assert read_metrics(tmp_path) == {}


def test_a_list_of_strings_is_kept_as_a_list(tmp_path: Path) -> None:
    write_metrics({"verdict_reasons": ("SRM p = 0.0085: warning", "primary flat")}, tmp_path)
    assert read_metrics(tmp_path)["verdict_reasons"] == ["SRM p = 0.0085: warning", "primary flat"]
