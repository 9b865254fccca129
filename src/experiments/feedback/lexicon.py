"""Lexicon/rule sentiment baseline: VADER for English, the curated Chinese lexicon with negation for Chinese.

Both give a compound score in [-1, 1]; polarity is positive at >= 0.05, negative at <= -0.05 and neutral between,
the thresholds of VADER's authors (Hutto & Gilbert 2014, ICWSM). The Chinese score is the sum of the matched words'
strengths (negators flip and halve, degree words multiply; see ``zh_lexicon``) squashed by VADER's own normalisation
``x / sqrt(x^2 + 15)``, so one strong word ("垃圾", 3) gives -0.61 and "有点慢" (0.6) -0.15. Mixed texts average
the two. ``intensity`` = |compound|, graded weak / medium / strong at 0.4 and 0.7.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from experiments.feedback.zh_lexicon import entries

POS_THRESHOLD = 0.05
VADER_ALPHA = 15.0
NEGATION_SCALE = 0.5
_CLAUSE_END = "，。！？,.!?；;\n~…"


@lru_cache(maxsize=1)
def _zh_pattern() -> re.Pattern[str]:
    words = sorted(entries(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) + "|[" + re.escape(_CLAUSE_END) + "]")


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def zh_raw_score(text: str) -> float:
    """Return the summed lexicon score of one Chinese text (before squashing); 0.0 when no word matches.

    Per clause (ended by punctuation): a negator flips the next sentiment word and halves it, degree words
    multiply it, both reset after it. Worked example: "不是很满意" = 不是 (negator), 很 (x1.5), 满意 (+2) ->
    -(2 x 1.5) x 0.5 = -1.5.
    """
    lex = entries()
    score, flips, mult = 0.0, 0, 1.0
    for m in _zh_pattern().finditer(text):
        word = m.group(0)
        if word in _CLAUSE_END:
            flips, mult = 0, 1.0
            continue
        kind, value = lex[word]
        if kind == "negator":
            flips += 1
        elif kind == "degree":
            mult *= value
        else:
            v = value * mult * (1.0 if kind == "pos" else -1.0)
            if flips % 2:
                v = -v * NEGATION_SCALE
            score += v
            flips, mult = 0, 1.0
    return score


def squash(x: float | np.ndarray, alpha: float = VADER_ALPHA) -> float | np.ndarray:
    """Return ``x / sqrt(x^2 + alpha)`` (VADER's normalisation into (-1, 1))."""
    return x / np.sqrt(np.square(x) + alpha)


def zh_compound(texts: pd.Series) -> np.ndarray:
    """Return the compound score in (-1, 1) of each Chinese text."""
    return np.array([squash(zh_raw_score(t)) for t in pd.Series(texts, dtype="object").fillna("")], dtype=float)


def en_compound(texts: pd.Series) -> np.ndarray:
    """Return VADER's compound score of each English text (Hutto & Gilbert 2014)."""
    vader = _vader()
    return np.array([vader.polarity_scores(t)["compound"] for t in pd.Series(texts, dtype="object").fillna("")],
                    dtype=float)


def compound(texts: pd.Series, languages: pd.Series) -> np.ndarray:
    """Return the lexicon compound score per text: VADER for ``en``, the Chinese lexicon for ``zh``, the mean for
    ``mixed``. ``texts`` should keep emoji (``normalise(..., emoji="keep")``): VADER scores them."""
    t = pd.Series(texts, dtype="object").fillna("").reset_index(drop=True)
    lang = pd.Series(languages, dtype="object").reset_index(drop=True)
    out = np.zeros(len(t))
    zh, en = lang.isin(["zh", "mixed"]).to_numpy(), lang.isin(["en", "mixed"]).to_numpy()
    zh_scores = zh_compound(t[zh]) if zh.any() else np.array([])
    en_scores = en_compound(t[en]) if en.any() else np.array([])
    out[zh] += zh_scores
    out[en] += en_scores
    out[(lang == "mixed").to_numpy()] /= 2.0
    return out


def polarity(scores: np.ndarray, classes: tuple[str, ...] = ("negative", "neutral", "positive"),
             threshold: float = POS_THRESHOLD, tie: str = "positive") -> np.ndarray:
    """Return negative / neutral / positive from compound scores (``threshold`` either side of 0).

    With two classes (no ``neutral`` among ``classes``, e.g. review corpora labelled 0/1) a score below 0 is
    negative, above 0 positive, and exactly 0 (no lexicon word) goes to ``tie`` (pass the majority class).
    """
    s = np.asarray(scores, dtype=float)
    if "neutral" in classes:
        return np.where(s >= threshold, "positive", np.where(s <= -threshold, "negative", "neutral"))
    return np.where(s > 0, "positive", np.where(s < 0, "negative", tie))


def intensity_grade(intensity: np.ndarray) -> np.ndarray:
    """Return weak (< 0.4), medium (< 0.7) or strong for intensities in [0, 1]."""
    x = np.asarray(intensity, dtype=float)
    return np.where(x >= 0.7, "strong", np.where(x >= 0.4, "medium", "weak"))


