"""Lexicon sentiment (common.sentiment_lexicon, shared by 05 and 07): Chinese lexicon with negation and degree
words, VADER, polarity rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.common import sentiment_lexicon as scorer
from experiments.feedback import lexicon


@pytest.mark.parametrize(("text", "score"), [
    ("满意", 2.0),  # one word, strength 2
    ("很满意", 3.0),  # 很满意 is its own entry (3), matched before 很 + 满意
    ("不是很满意", -1.5),  # 不是 negator, 很 x1.5, 满意 +2 -> -(2 x 1.5) x 0.5
    ("不满意", -2.0),  # a neg phrase: the 不 inside is not applied again
    ("不错", 2.0),  # positive phrase containing 不
    ("有点慢", -0.6),  # 有点 x0.6, 慢 -1
    ("不慢，很干净", 1.0 + 3.0),  # 不慢 +1 (entry); clause break; 很 x1.5 干净 +2 = 3
    ("不，好", 1.0),  # the clause ends at the comma, so 不 does not flip 好
    ("你好", 0.0),  # a greeting, not praise
])
def test_zh_raw_score_worked_examples(text: str, score: float) -> None:
    assert scorer.zh_raw_score(text) == pytest.approx(score)


def test_double_negation_cancels() -> None:
    # 不 + 没 flip twice -> not flipped: 有用 is not in the lexicon, so use 好 (+1): +1
    assert scorer.zh_raw_score("不是没好") == pytest.approx(1.0)


def test_squash_matches_vader_normalisation() -> None:
    from vaderSentiment.vaderSentiment import normalize

    for x in (-6.0, -1.5, 0.0, 2.0, 7.5):
        assert scorer.squash(x) == pytest.approx(normalize(x))


def test_compound_uses_vader_for_english_and_lexicon_for_chinese() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts = pd.Series(["The service was terrible", "服务很好", "service 很好"])
    out = lexicon.compound(texts, pd.Series(["en", "zh", "mixed"]))
    vader = SentimentIntensityAnalyzer()
    assert out[0] == pytest.approx(vader.polarity_scores(texts[0])["compound"])
    assert out[1] == pytest.approx(scorer.squash(2.0))  # 很好 entry (2)
    mixed = (scorer.squash(2.0) + vader.polarity_scores(texts[2])["compound"]) / 2
    assert out[2] == pytest.approx(mixed)


def test_polarity_three_and_two_classes() -> None:
    s = np.array([-0.5, -0.01, 0.0, 0.3])
    assert lexicon.polarity(s).tolist() == ["negative", "neutral", "neutral", "positive"]
    assert lexicon.polarity(s, ("negative", "positive"), tie="negative").tolist() == [
        "negative", "negative", "negative", "positive"]


def test_intensity_grade_boundaries() -> None:
    assert lexicon.intensity_grade(np.array([0.0, 0.39, 0.4, 0.69, 0.7, 1.0])).tolist() == [
        "weak", "weak", "medium", "medium", "strong", "strong"]


def test_lexicon_rejects_a_malformed_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scorer, "LEXICON_TSV", "好\tpos\t1\n坏\tnegative\t2\n")
    scorer.entries.cache_clear()
    try:
        with pytest.raises(ValueError, match="line 2"):
            scorer.entries()
    finally:
        monkeypatch.undo()
        scorer.entries.cache_clear()
    assert scorer.entries()["好"] == ("pos", 1.0)
