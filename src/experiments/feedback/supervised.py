"""Supervised sentiment: TF-IDF of words (jieba for Chinese) plus character n-grams, then logistic regression.

Word unigrams and bigrams catch "not good" / "不 好"; character 1-4-grams catch spelling variants, emoji names and
Chinese words jieba splits differently. Both TF-IDFs use sublinear term frequency (Manning, Raghavan & Schütze
2008, ch. 6.4.1). The classifier is multinomial logistic regression (C = 4, unweighted: on the
real corpora balanced class weights cost accuracy and did not raise macro-F1; ``balanced=True`` switches them on).
Evaluation is on a stratified hold-out split.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import train_test_split

from experiments.feedback.segment import tokenize

SENTIMENTS = ("negative", "neutral", "positive")


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass
class SentimentModel:
    """TF-IDF (words + character n-grams) and logistic regression; ``fit`` then ``predict_proba``."""

    C: float = 4.0
    char_ngrams: tuple[int, int] = (1, 4)
    min_df: int = 2
    balanced: bool = False
    seed: int = 42
    classes_: np.ndarray = field(default_factory=lambda: np.array([]))

    def _features(self, texts: pd.Series, fit: bool) -> sp.csr_matrix:
        docs = pd.Series(texts, dtype="object").fillna("").tolist()
        tokens = [tokenize(t) for t in docs]
        if fit:
            self.word_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=self.min_df)
            self.bigram_ = TfidfVectorizer(analyzer=_bigrams, sublinear_tf=True, min_df=self.min_df)
            self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, sublinear_tf=True,
                                         min_df=self.min_df, lowercase=True, dtype=np.float32)
            parts = [self.word_.fit_transform(tokens), self.bigram_.fit_transform(tokens),
                     self.char_.fit_transform(docs)]
        else:
            parts = [self.word_.transform(tokens), self.bigram_.transform(tokens), self.char_.transform(docs)]
        return sp.hstack(parts, format="csr", dtype=np.float32)

    def fit(self, texts: pd.Series, labels: pd.Series) -> SentimentModel:
        """Fit on ``texts`` (normalised) and their ``labels``; return self. Needs at least two classes."""
        y = pd.Series(labels).astype(str).to_numpy()
        if len(np.unique(y)) < 2:
            raise ValueError(f"supervised sentiment needs at least two label classes; found {sorted(set(y))}")
        X = self._features(texts, fit=True)
        self.clf_ = LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced" if self.balanced else None,
                                       random_state=self.seed)
        self.clf_.fit(X, y)
        self.classes_ = self.clf_.classes_
        return self

    def predict_proba(self, texts: pd.Series) -> pd.DataFrame:
        """Return class probabilities (one column per class) for ``texts``."""
        proba = self.clf_.predict_proba(self._features(texts, fit=False))
        return pd.DataFrame(proba, columns=list(self.classes_), index=pd.Series(texts).index)


def _bigrams(tokens: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def score_from_proba(proba: pd.DataFrame) -> np.ndarray:
    """Return P(positive) - P(negative) per row (0 for a missing class): a polarity score in [-1, 1]."""
    pos = proba["positive"].to_numpy() if "positive" in proba else np.zeros(len(proba))
    neg = proba["negative"].to_numpy() if "negative" in proba else np.zeros(len(proba))
    return pos - neg


def split(labels: pd.Series, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (train, test) positional indices of the labelled rows: stratified by label, ``test_fraction`` held out.

    Rows with a missing label are in neither. Raises ValueError when ``test_fraction`` is not in (0, 1) or a class
    has fewer than 2 rows (it cannot be stratified).
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1 (exclusive); got {test_fraction}")
    lab = pd.Series(labels).reset_index(drop=True)
    idx = np.flatnonzero(lab.notna().to_numpy())
    counts = lab.iloc[idx].value_counts()
    if (counts < 2).any():
        raise ValueError(f"each sentiment class needs at least 2 labelled rows for a stratified split; got "
                         f"{counts.to_dict()}")
    train, test = train_test_split(idx, test_size=test_fraction, random_state=seed, stratify=lab.iloc[idx])
    return np.sort(train), np.sort(test)


def evaluate(y_true: pd.Series, y_pred: pd.Series, groups: pd.Series | None = None) -> pd.DataFrame:
    """Return accuracy, macro-F1 and n overall (row ``all``) and per group (e.g. language), one row each.

    Macro-F1 averages the per-class F1 over the classes present in ``y_true`` (sklearn ``f1_score`` macro).
    """
    t = pd.Series(y_true).astype(str).reset_index(drop=True)
    p = pd.Series(y_pred).astype(str).reset_index(drop=True)
    g = pd.Series("all", index=t.index) if groups is None else pd.Series(groups).reset_index(drop=True)
    rows = {}
    for name, mask in [("all", np.ones(len(t), bool))] + [(k, (g == k).to_numpy()) for k in sorted(g.unique())]:
        if not mask.any() or (name != "all" and groups is None):
            continue
        rows[name] = {"accuracy": accuracy_score(t[mask], p[mask]),
                      "macro_f1": f1_score(t[mask], p[mask], labels=sorted(t[mask].unique()), average="macro",
                                           zero_division=0),
                      "n": int(mask.sum())}
    return pd.DataFrame(rows).T.astype({"n": int})


def confusion(y_true: pd.Series, y_pred: pd.Series) -> pd.DataFrame:
    """Return the confusion matrix as a frame: rows true class, columns predicted class (counts)."""
    t, p = pd.Series(y_true).astype(str), pd.Series(y_pred).astype(str)
    labels = [c for c in SENTIMENTS if c in set(t) | set(p)] + sorted((set(t) | set(p)) - set(SENTIMENTS))
    m = confusion_matrix(t, p, labels=labels)
    return pd.DataFrame(m, index=pd.Index(labels, name="true"), columns=pd.Index(labels, name="predicted"))
