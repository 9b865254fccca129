"""05 feedback against the planted truth of small company worlds (seeds 7, 11, 42): sentiment, severity, topics,
care.

The analysis runs exactly as the notebook does (``feedback.run`` with the notebook's own parameters, profile small)
on the cleaned ``feedback`` table: it learns sentiment from the customers' star ratings and never reads ``_truth``;
``feedback.evaluation`` (the notebook's truth section) then scores it against the generator's planted topic,
sentiment and severity of every text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import feedback
from experiments.common.result import Result
from experiments.feedback import care, evaluation, sources, topics
from experiments.lab.config import notebook_parameters
from experiments.synthetic import generate_cached

SEEDS = (7, 11, 42)


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def world(request, worlds_root: Path, tmp_path_factory: pytest.TempPathFactory):
    from experiments.cleaning.pipeline import clean_company, write_outputs

    raw = generate_cached("small", request.param, worlds_root)
    cleaned = clean_company(raw, er_method="deterministic", truth_dir=raw / "_truth")
    data = tmp_path_factory.mktemp(f"feedback-world-{request.param}") / "data"
    (data / "raw").mkdir(parents=True)
    shutil.copytree(raw / "_truth", data / "raw" / "_truth")
    write_outputs(cleaned.tables, data / "processed")
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(data))
    cfg = feedback.Config.from_parameters(notebook_parameters("05_feedback_topics_sentiment", "small"))
    res = feedback.run(cfg)
    check = evaluation.evaluate(res)
    truth = evaluation.planted_truth()
    print(f"seed {request.param}: {res.metrics()} {check.metrics}")
    yield res, check, truth
    mp.undo()


def test_labels_are_the_customers_ratings_never_the_planted_truth(world) -> None:
    res, check, truth = world
    assert res.data.label_source.startswith("customers' star ratings")
    rating = res.data.table.frame.set_index("feedback_id")["rating"]
    labels = res.data.frame.set_index("feedback_id")["label"]
    expected = rating.reindex(labels.index).map(lambda r: None if pd.isna(r) else sources.COMPANY_RATING_LABELS[str(r)])
    assert labels.notna().sum() == rating.notna().sum() > 500  # app reviews carry a rating, other channels none
    assert (labels.dropna() == expected.dropna()).all()
    assert isinstance(res, Result)  # the common Result protocol: tables, metrics(), publish()
    assert res.metrics()["topic_nmi"] is None  # production has no categories: the planted ones are evaluation's


def test_sentiment_from_ratings_recovers_planted_sentiment(world) -> None:
    res, check, _ = world
    m, t = res.metrics(), check.metrics
    # Trained on ~1,000 rated app reviews (rating 3 = neutral, though the generator plants about half of the 3-star
    # reviews as negative), applied to every channel. Measured on small worlds, seeds 7 / 11 / 42: planted accuracy
    # 0.852 / 0.867 / 0.827 (macro-F1 0.854 / 0.866 / 0.831), held-out accuracy against the ratings 0.836 / 0.868 /
    # 0.869, lexicon against the planted sentiment 0.737 / 0.714 / 0.736. (Trained on the planted labels, as before
    # issue 18, the model scored 0.999: that was the truth grading itself.) Bars: the lowest minus a margin.
    assert t["planted_sentiment_accuracy"] >= 0.80
    assert t["planted_sentiment_macro_f1"] >= 0.80
    assert m["sentiment_accuracy"] >= 0.80
    # the lexicon needs no training and is weaker, but far above chance (1/3) on three classes
    assert 0.5 <= t["planted_lexicon_accuracy"] < t["planted_sentiment_accuracy"]
    assert m["n_train"] + m["n_test"] == int(res.data.frame["label"].notna().sum())


def test_severity_grades_match_planted_severity(world) -> None:
    res, check, truth = world
    tab = res.table
    planted = tab["feedback_id"].map(truth["severity"])
    both = (tab["feedback_id"].map(truth["sentiment"]) == "negative") & (tab["sentiment"] == "negative")
    assert both.sum() > 1500
    assert check.metrics["planted_severity_agreement"] >= 0.95  # measured 0.996 / 1.0 / 0.992 (seeds 7 / 11 / 42)
    # no planted severe text is graded mild and no planted mild text severe
    assert not ((planted[both] == "severe") & (tab.loc[both, "grade"] == "mild")).any()
    assert not ((planted[both] == "mild") & (tab.loc[both, "grade"] == "severe")).any()


def test_topics_agree_with_planted_topics_far_beyond_chance(world) -> None:
    res, check, truth = world
    nmi = check.metrics["topic_nmi"]
    planted = res.table["feedback_id"].map(truth["topic"])
    rng = np.random.default_rng(0)
    shuffled = topics.agreement(planted, rng.permutation(res.topic_result.topics))["nmi"]
    # Measured (KMeans, 14 topics, analysis seed 42) on worlds of seeds 7, 11, 42, 123: NMI 0.24-0.37 at tiny and
    # 0.26-0.33 at small, adjusted Rand 0.09-0.17 (here seeds 7 / 11 / 42: NMI 0.255 / 0.287 / 0.319, ARI 0.096 /
    # 0.165 / 0.137; unchanged by issue 18: the topics never see a label). The ceiling is the generator's vocabulary:
    # templates of one planted topic rarely share a word (README). Bars: the lowest measured value minus a margin.
    assert nmi >= 0.2 and nmi > 20 * shuffled
    assert check.metrics["topic_ari"] >= 0.06
    assert res.topic_result.n_topics == 14 and res.metrics()["outlier_share"] == 0.0


def test_care_queue_escalates_customers_with_planted_severe_texts(world) -> None:
    res, _, truth = world
    q = res.queue.set_index("customer_id")
    tab = res.table
    window = tab["created_at"] >= res.as_of - pd.Timedelta(days=30)
    severe = tab[window & (tab["feedback_id"].map(truth["severity"]) == "severe")
                 & (tab["sentiment"] == "negative") & tab["customer_id"].notna()]
    assert len(severe) > 5
    assert (q.loc[severe["customer_id"].unique(), "grade"] == "severe").mean() >= 0.95
    assert q.index.is_unique  # one row per customer
    assert set(q["action"]) <= set(care.DEFAULT_ACTIONS.values())
