"""05 feedback on public labelled corpora, through the notebook's flat-table interface (company.load + score).

Reference numbers (issue 13, TF-IDF words + character n-grams + logistic regression, stratified 20% test, seed 42)
and what this implementation measured here:
- Twitter US Airline Sentiment, 3 classes: macro-F1 >= 0.74 required (issue: 0.73-0.76; a default TF-IDF baseline
  is about 0.66, a fine-tuned transformer about 0.82); measured 0.753. VADER alone: about 0.47-0.52.
- ChnSentiCorp_htl_all: accuracy >= 0.89 required (issue: 0.905; BERT about 0.95); measured 0.901.
- online_shopping_10_cats: accuracy >= 0.92 required (issue: 0.936); measured 0.935 (lexicon 0.826); topics vs the
  10 categories: NMI 0.46 (ARI 0.29; an earlier session measured 0.45 and 0.30). Airline
  topics vs negativereason: NMI 0.14.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.data import paths
from experiments.feedback import company, topics

pytestmark = pytest.mark.realdata
AIRLINE = paths.datasets_dir() / "airline_tweets" / "Tweets.csv"
CHINESE = paths.datasets_dir() / "chinese_reviews"
BINARY = {"0": "negative", "1": "positive"}


def _need(path) -> None:
    if not path.exists():
        pytest.skip(f"{path} absent (set CIL_DATASETS to the shared datasets folder)")


@pytest.fixture(scope="module")
def airline():
    _need(AIRLINE)
    fb = company.load(str(AIRLINE), "text", label_col="airline_sentiment", time_col="tweet_created",
                      channel_col="airline", customer_col="name", id_col="tweet_id",
                      reference_topic_col="negativereason")
    return fb, company.score(fb.frame, language="en", test_fraction=0.2, seed=42)


def test_airline_supervised_macro_f1_and_vader_baseline(airline) -> None:
    fb, s = airline
    assert len(fb.frame) == 14640  # README: 14,640 records, no empty text
    assert s.metrics["n_test"] == 2928
    assert s.metrics["sentiment_macro_f1"] >= 0.74
    assert 0.40 <= s.metrics["lexicon_macro_f1"] <= 0.60  # VADER: issue 0.47, measured 0.52
    assert s.metrics["lexicon_macro_f1"] < s.metrics["sentiment_macro_f1"]
    cm = s.model_confusion
    assert cm.to_numpy().sum() == 2928 and list(cm.index) == ["negative", "neutral", "positive"]


def test_airline_topics_against_negativereason(airline) -> None:
    fb, s = airline
    neg = (fb.frame["label"] == "negative") & fb.frame["reference_topic"].ne("Can't Tell")
    tr = topics.fit_topics(s.table.loc[neg, "text_norm"], n_topics=9, seed=42)
    got = topics.agreement(fb.frame.loc[neg, "reference_topic"], tr.topics)
    shuffled = topics.agreement(fb.frame.loc[neg, "reference_topic"],
                                np.random.default_rng(0).permutation(tr.topics))
    print(f"airline topics vs negativereason: {got}")
    assert got["nmi"] >= 0.08 and got["nmi"] > 10 * shuffled["nmi"]  # measured 0.14


def test_chnsenticorp_hotel_accuracy() -> None:
    path = CHINESE / "ChnSentiCorp_htl_all.csv"
    _need(path)
    fb = company.load(str(path), "review", label_col="label", label_map=BINARY)
    assert len(fb.frame) == 7765 and len(fb.quarantine) == 1  # README: 7,766 rows, 1 empty review
    s = company.score(fb.frame, language="zh", test_fraction=0.2, seed=42)
    assert s.metrics["sentiment_accuracy"] >= 0.89
    assert s.metrics["lexicon_accuracy"] >= 0.75  # the curated lexicon alone: measured 0.829
    print(f"htl: {s.metrics}")


def test_online_shopping_accuracy_and_topics_vs_categories() -> None:
    path = CHINESE / "online_shopping_10_cats.csv"
    _need(path)
    fb = company.load(str(path), "review", label_col="label", label_map=BINARY, reference_topic_col="cat")
    assert len(fb.frame) + len(fb.quarantine) == 62774
    s = company.score(fb.frame, language="zh", test_fraction=0.2, seed=42)
    assert s.metrics["sentiment_accuracy"] >= 0.92
    tr = topics.fit_topics(s.table["text_norm"], n_topics=10, seed=42)
    got = topics.agreement(fb.frame["reference_topic"], tr.topics)
    print(f"shopping: {s.metrics} topics vs cat: {got}")
    assert got["nmi"] >= 0.35  # measured 0.46
