"""05 feedback against the planted truth of small company worlds (seeds 7, 11, 42): sentiment, severity, topics,
care.

The analysis runs exactly as the notebook does (``feedback.run`` with the notebook's own parameters, profile small)
on the cleaned ``feedback`` table: it learns sentiment from the customers' star ratings and never reads ``_truth``;
``feedback.evaluation`` (the notebook's truth section) then scores it against the generator's planted topic,
sentiment and severity of every text.

Measured (generator 1.4.0, issue 25; seeds 7 / 11 / 42, profile small):
- MEASURED_SENTIMENT: sentiment_macro_f1 (held out, against the ratings) 0.847 / 0.878 / 0.858, lexicon 0.575 /
  0.581 / 0.544; against the planted sentiment 0.944 / 0.943 / 0.947 (lexicon 0.607 / 0.605 / 0.626); accuracy on
  negation 0.962 / 0.971 / 0.957, mixed 0.949 / 0.952 / 0.951, sarcasm 0.962 / 0.972 / 0.917 (lexicon 0.62-0.64,
  0.52-0.59, 0.43-0.53).
- MEASURED_TOPICS: NMI 0.563 / 0.558 / 0.555 (before issue 25: 0.255 / 0.287 / 0.319); every planted complaint
  topic named (planted_topics_named_share 1.0); top complaint topic "delivery · 天" / "delivery · 天" /
  "customer service · 在线".
- SEVERITY: care grades equal the planted severity on 0.950 / 0.941 / 0.949 of the texts negative in both.
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


def test_sentiment_from_ratings_is_realistic_and_beats_the_lexicon(world) -> None:
    res, check, _ = world
    m, t = res.metrics(), check.metrics
    # Issue 25 (generator 1.4.0): texts composed from aspects and opinion words with negation, mixed opinions and
    # sarcasm, ratings contradicting the text at 5%. Trained on ~1,000 rated app reviews, held out 20%: macro-F1
    # against the ratings must sit in the band of real review corpora, [0.80, 0.93] (airline 0.75, online_shopping
    # 0.94), and the lexicon at least 0.10 below. MEASURED_SENTIMENT in the module docstring.
    assert 0.80 <= m["sentiment_macro_f1"] <= 0.93
    assert m["lexicon_macro_f1"] <= m["sentiment_macro_f1"] - 0.10
    assert t["planted_sentiment_macro_f1"] >= 0.85
    assert t["planted_lexicon_macro_f1"] <= t["planted_sentiment_macro_f1"] - 0.10
    assert m["n_train"] + m["n_test"] == int(res.data.frame["label"].notna().sum())
    for flag in evaluation.FLAGS:  # every device is scored on enough texts to be shown
        assert t[f"n_planted_{flag}"] >= 50 and 0 <= t[f"planted_sentiment_accuracy_{flag}"] <= 1
        # the lexicon is fooled by the devices far more than the model (sarcasm: positive words, negative meaning)
        assert t[f"planted_lexicon_accuracy_{flag}"] < t[f"planted_sentiment_accuracy_{flag}"]
    assert check.devices is not None and list(check.devices.index) == list(evaluation.FLAGS)


def test_severity_grades_match_planted_severity(world) -> None:
    res, check, truth = world
    tab = res.table
    planted = tab["feedback_id"].map(truth["severity"])
    both = (tab["feedback_id"].map(truth["sentiment"]) == "negative") & (tab["sentiment"] == "negative")
    assert both.sum() > 1500
    # Since issue 25 not every moderate or mild complaint states its severity (90% / 60% carry a cue), so a
    # moderate one without a cue is graded mild: SEVERITY in the module docstring (lowest 0.941); bar: minus a margin.
    assert check.metrics["planted_severity_agreement"] >= 0.92
    # no planted severe text is graded mild and no planted mild text severe
    assert not ((planted[both] == "severe") & (tab.loc[both, "grade"] == "mild")).any()
    assert not ((planted[both] == "mild") & (tab.loc[both, "grade"] == "severe")).any()


def test_topics_recover_and_name_the_planted_topics(world) -> None:
    res, check, truth = world
    nmi = check.metrics["topic_nmi"]
    planted = res.table["feedback_id"].map(truth["topic"])
    rng = np.random.default_rng(0)
    shuffled = topics.agreement(planted, rng.permutation(res.topic_result.topics))["nmi"]
    # Issue 25: each planted topic's aspect words are shared across its texts, so KMeans on the LSA embedding finds
    # them: NMI >= 0.45 on every seed (MEASURED_TOPICS in the module docstring), and every planted complaint topic
    # is the majority of a found topic labelled with its conf/topic_names.yaml name.
    assert nmi >= 0.45 and nmi > 20 * shuffled
    assert check.metrics["planted_topics_named_share"] == 1.0, check.named
    assert res.topic_result.n_topics == 14 and res.metrics()["outlier_share"] == 0.0
    top = res.metrics()["top_complaint_topic"]
    assert any(top == n or top.startswith(n + " ·") for n in evaluation.PLANTED_NAMES.values()), top


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
