"""04's bootstrap works on blocks of resamples (``metrics.BOOT_CELLS``) so its memory does not grow with resamples
x test rows; the figures are the same as in one block, to the bit, and a block is never larger than the bound."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.churn import metrics


def _case(n: int = 3_001, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    p = np.round(np.clip(0.3 + 0.25 * (y - 0.3) + rng.normal(0, 0.2, n), 0, 1), 2)  # rounded: many ties
    return y, p, metrics.bootstrap_indices(n, 97, seed, y)


def test_blocks_give_the_one_block_figures_bit_for_bit(monkeypatch: pytest.MonkeyPatch):
    y, p, idx = _case()
    whole = metrics._bootstrap_block(y, p, idx)
    monkeypatch.setattr(metrics, "BOOT_CELLS", 10 * idx.shape[1] + 7)  # blocks of 10 resamples, the last of 7
    blocked = metrics.bootstrap_metrics(y, p, idx)
    assert set(blocked) == set(whole)
    for name in whole:
        assert blocked[name].shape == (97,)
        np.testing.assert_array_equal(blocked[name], whole[name])


def test_no_block_exceeds_the_cell_bound(monkeypatch: pytest.MonkeyPatch):
    y, p, idx = _case()
    seen: list[int] = []
    real = metrics._bootstrap_block
    monkeypatch.setattr(metrics, "BOOT_CELLS", 20_000)
    monkeypatch.setattr(metrics, "_bootstrap_block", lambda y_, p_, i: (seen.append(i.size), real(y_, p_, i))[1])
    metrics.bootstrap_metrics(y, p, idx)
    assert len(seen) == 17 and max(seen) <= 20_000  # 6 resamples of 3,001 rows per block: 97 = 16 x 6 + 1
