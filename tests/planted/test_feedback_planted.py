"""05 feedback against the planted truth of the small company world (seed 11): sentiment, severity, topics, care.

The generator plants each text's topic, sentiment and (for negatives) severity in ``_truth/feedback.csv``; the
analysis reads the cleaned ``feedback`` table exactly as the notebook does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.feedback import care, company, outputs, topics


@pytest.fixture(scope="module")
def world(small_raw: Path, small_clean, tmp_path_factory: pytest.TempPathFactory):
    from experiments.cleaning.pipeline import write_outputs

    data = tmp_path_factory.mktemp("feedback-world") / "data"
    (data / "raw").mkdir(parents=True)
    shutil.copytree(small_raw / "_truth", data / "raw" / "_truth")
    write_outputs(small_clean.tables, data / "processed")
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(data))
    fb = company.load("", "text")
    scored = company.score(fb.frame, seed=42)
    tr = topics.fit_topics(scored.table["text_norm"], n_topics=14, seed=42)
    res = outputs.assemble(fb, scored, tr, care.CareRules())
    truth = pd.read_csv(small_raw / "_truth" / "feedback.csv", dtype=str, keep_default_na=False)
    yield fb, scored, tr, res, truth.set_index("feedback_id")
    mp.undo()


def test_labels_come_from_the_planted_truth(world) -> None:
    fb, scored, *_ = world
    assert fb.label_source.startswith("planted")
    assert fb.frame["label"].notna().all() and len(fb.frame) == 4000


def test_supervised_sentiment_recovers_planted_sentiment(world) -> None:
    _, scored, *_ = world
    m = scored.metrics
    # measured 0.999 / 0.998 at seed 42 on the small world (seed 42); the bar leaves room for other seeds
    assert m["sentiment_accuracy"] >= 0.95 and m["sentiment_macro_f1"] >= 0.95
    for lang in ("zh", "en"):
        assert m[f"sentiment_macro_f1_{lang}"] >= 0.93
    # the lexicon needs no training and is clearly weaker, but far above chance (1/3) on three classes
    assert 0.5 <= m["lexicon_accuracy"] < m["sentiment_accuracy"]


def test_severity_grades_match_planted_severity(world) -> None:
    *_, res, truth = world
    tab = res.scored
    planted = tab["feedback_id"].map(truth["severity"])
    both = (tab["feedback_id"].map(truth["sentiment"]) == "negative") & (tab["sentiment"] == "negative")
    agree = (tab.loc[both, "grade"] == planted[both]).mean()
    assert both.sum() > 2000
    assert agree >= 0.95  # measured 0.99 on the small world, seed 42
    # no planted severe text is graded mild and no planted mild text severe
    assert not ((planted[both] == "severe") & (tab.loc[both, "grade"] == "mild")).any()
    assert not ((planted[both] == "mild") & (tab.loc[both, "grade"] == "severe")).any()


def test_topics_agree_with_planted_topics_far_beyond_chance(world) -> None:
    fb, _, tr, res, _ = world
    nmi = res.metrics["topic_nmi"]
    rng = np.random.default_rng(0)
    shuffled = topics.agreement(fb.frame["reference_topic"], rng.permutation(tr.topics))["nmi"]
    # Measured (KMeans, 14 topics, analysis seed 42) on worlds of seeds 7, 11, 42, 123: NMI 0.24-0.37 at tiny and
    # 0.26-0.33 at small, adjusted Rand 0.09-0.17 (this world, small seed 11: NMI 0.29, ARI 0.17). The ceiling is
    # the generator's vocabulary: templates of one planted topic rarely share a word (README). Bars: the lowest
    # measured value minus a margin.
    assert nmi >= 0.2 and nmi > 20 * shuffled
    assert res.metrics["topic_ari"] >= 0.06
    assert tr.n_topics == 14 and res.metrics["outlier_share"] == 0.0


def test_care_queue_escalates_customers_with_planted_severe_texts(world) -> None:
    fb, scored, _, res, truth = world
    q = res.queue.set_index("customer_id")
    tab = res.scored
    window = tab["created_at"] >= res.as_of - pd.Timedelta(days=30)
    severe = tab[window & (tab["feedback_id"].map(truth["severity"]) == "severe")
                 & (tab["sentiment"] == "negative") & tab["customer_id"].notna()]
    assert len(severe) > 5
    assert (q.loc[severe["customer_id"].unique(), "grade"] == "severe").mean() >= 0.95
    assert q.index.is_unique  # one row per customer
    assert set(q["action"]) <= set(care.DEFAULT_ACTIONS.values())
