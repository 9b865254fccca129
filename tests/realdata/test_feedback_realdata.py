"""05 feedback on public labelled corpora, through the notebook's flat-table interface (the notebook's own profiles in
conf/params/05_feedback_topics_sentiment.yaml read into ``feedback.Config``; ``sources.load`` + ``sentiment.score``,
and ``feedback.run`` for the airline complaint topics).

Reference numbers (issue 13, TF-IDF words + character n-grams + logistic regression, stratified 20% test, seed 42)
and what this implementation measured here:
- Twitter US Airline Sentiment, 3 classes: macro-F1 >= 0.74 required (issue: 0.73-0.76; a default TF-IDF baseline
  is about 0.66, a fine-tuned transformer about 0.82); measured 0.753. VADER alone: about 0.47-0.52.
- ChnSentiCorp_htl_all: accuracy >= 0.89 required (issue: 0.905; BERT about 0.95); measured 0.901.
- online_shopping_10_cats: accuracy >= 0.92 required (issue: 0.936); measured 0.935 (lexicon 0.826); topics vs the
  10 categories: NMI 0.46 (ARI 0.29; an earlier session measured 0.45 and 0.30).
- Airline complaint topics (profile airline_tweets: topic_filter keeps the 7,988 negative tweets with a reason other
  than "Can't Tell", 9 topics) vs negativereason: NMI 0.116 at seed 42 (0.118, 0.136, 0.125, 0.143 at seeds 1-4;
  mean 0.128). Before issue 25 the placeholders ``@USER`` and ``URL`` and contractions ("i'm", "can't") counted as
  topic words (labels such as "@USER · time · phone · URL"): 0.145 at seed 42 but 0.096, 0.092, 0.094, 0.104 at
  seeds 1-4 (mean 0.106). (Issue 20: fitted on every tweet with 10 topics, 0.078 / 0.029.)
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments import feedback
from experiments.data import paths
from experiments.feedback import sentiment, sources, topics
from experiments.lab.config import notebook_parameters

pytestmark = pytest.mark.realdata
AIRLINE = paths.datasets_dir() / "airline_tweets" / "Tweets.csv"
CHINESE = paths.datasets_dir() / "chinese_reviews"
NB = "05_feedback_topics_sentiment"


def _config(profile: str, **overrides) -> feedback.Config:
    return feedback.Config.from_parameters(notebook_parameters(NB, profile, overrides))


def _score(cfg: feedback.Config) -> tuple[sources.Data, sentiment.Scored]:
    fb = sources.load(cfg)
    return fb, sentiment.score(fb.frame, language=cfg.language, test_fraction=cfg.test_fraction, seed=cfg.seed)


def _need(path) -> None:
    if not path.exists():
        pytest.skip(f"{path} absent (set CIL_DATASETS to the shared datasets folder)")


@pytest.fixture(scope="module")
def airline():
    _need(AIRLINE)
    return _score(_config("airline_tweets"))


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
    fb, _ = airline
    res = feedback.run(_config("airline_tweets"), data=fb)  # the profile's topic_filter and topic_count
    got = res.agreement
    fitted = res.table["in_topics"].to_numpy()
    shuffled = topics.agreement(fb.frame.loc[fitted, "reference_topic"],
                                np.random.default_rng(0).permutation(res.topic_result.topics))
    print(f"airline topics vs negativereason: {got}")
    assert got["n"] == 7988 == int(fitted.sum())  # negatives with a reason other than "Can't Tell"
    # 0.11: the lowest of seeds 42 and 1-4 is 0.116 (seed 42) since placeholders are no topic words (docstring)
    assert got["nmi"] >= 0.11 and got["nmi"] > 10 * shuffled["nmi"]
    assert "@USER" not in " ".join(res.topic_result.info["words"]) and "URL" not in res.metrics()["top_complaint_topic"]
    assert res.metrics()["topic_nmi"] == got["nmi"] and res.topic_result.n_topics == 9


def test_chnsenticorp_hotel_accuracy() -> None:
    path = CHINESE / "ChnSentiCorp_htl_all.csv"
    _need(path)
    fb, s = _score(_config("chnsenticorp_htl"))
    assert len(fb.frame) == 7765 and len(fb.quarantine) == 1  # README: 7,766 rows, 1 empty review
    assert s.metrics["sentiment_accuracy"] >= 0.89
    assert s.metrics["lexicon_accuracy"] >= 0.75  # the curated lexicon alone: measured 0.829
    print(f"htl: {s.metrics}")


def test_online_shopping_accuracy_and_topics_vs_categories() -> None:
    path = CHINESE / "online_shopping_10_cats.csv"
    _need(path)
    cfg = _config("online_shopping")
    fb, s = _score(cfg)
    assert len(fb.frame) + len(fb.quarantine) == 62774
    assert s.metrics["sentiment_accuracy"] >= 0.92
    tr = topics.fit_topics(s.table["text_norm"], n_topics=cfg.topic_count, seed=cfg.seed)
    got = topics.agreement(fb.frame["reference_topic"], tr.topics)
    print(f"shopping: {s.metrics} topics vs cat: {got}")
    assert got["nmi"] >= 0.35  # measured 0.46
