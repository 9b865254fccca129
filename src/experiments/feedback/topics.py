"""Topics with BERTopic in its light form: scikit-learn embeddings, KMeans by default, UMAP + HDBSCAN as an option.

Embeddings come from a bare scikit-learn ``Pipeline`` (TF-IDF of jieba / regex content words -> TruncatedSVD ->
Normalizer, i.e. LSA: Deerwester et al. 1990) handed to BERTopic as its ``embedding_model`` (BERTopic wraps a
Pipeline itself; ``bertopic.backend.SklearnEmbedder`` does not import in 0.17.4). Topic words come from our own
``CountVectorizer`` over the same content words with ``language="multilingual"``, so Chinese words survive (with
the English default and precomputed embeddings every non-ASCII character is stripped).

Clustering (``method``):

- ``kmeans`` (default): no reduction (``BaseDimensionalityReduction``) and ``sklearn.cluster.KMeans`` on the
  normalised SVD vectors in BERTopic's ``hdbscan_model`` slot: no outliers, a few seconds, reproducible from ``seed``.
- ``hdbscan``: UMAP (5 dimensions, cosine) + HDBSCAN (``min_topic_size``), BERTopic's own default; finds the
  number of topics and leaves outliers (topic -1), which ``reduce_outliers`` (c-TF-IDF strategy, ``threshold``)
  assigns to their nearest topic. UMAP's numba compilation costs about 75 s in every new process here.

Documents are segmented once: BERTopic sees each text as its content words joined by spaces (``content_docs``) and
every vectorizer splits on whitespace. BERTopic's c-TF-IDF joins all texts of a topic into one string and
vectorizes it again; with a jieba tokenizer that re-segmented the whole corpus as 14 giant strings (73 s of 86 s
for 20,000 texts, and the 100,000-text benchmark did not finish), with whitespace splitting it takes a second.
``stop_words`` removes further words from topics (notebook parameter ``topic_stop_words``, e.g. brand names).

On the company world the topics agree with the planted ones only moderately (NMI 0.24-0.37 at sizes tiny and
small over four seeds, README): a planted topic is six to nine phrase templates per language, and only about 28%
of two templates of one topic share any content word (22 of the 56 Chinese and 31 of the 56 English templates
share none with another template of their topic), so no bag-of-words clustering can join them. Clustering each
language apart, dropping the catalogue's product names, fewer SVD dimensions and KMeans followed by agglomerative
merging were measured and did not raise the agreement beyond the seed-to-seed spread.

``embedding_model`` names a sentence-transformers model to use instead of the LSA pipeline (installed and local;
it embeds the original texts). BERTopic itself takes about 8 s to import (it imports umap/numba at module level).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import Normalizer

from experiments.feedback.segment import topic_tokenize

METHODS = ("kmeans", "hdbscan")


@dataclass
class TopicResult:
    """Topics of every document plus the model's summary.

    ``topics``: topic id per document (-1 outlier); ``info``: one row per topic (topic, label, size, share,
    words, examples); ``outlier_share_before``: share of outliers before ``reduce_outliers`` (0 for KMeans).
    """

    topics: np.ndarray
    info: pd.DataFrame
    outlier_share_before: float
    model: object

    @property
    def outlier_share(self) -> float:
        """Share of documents left in the outlier topic -1 after outlier reduction."""
        return float(np.mean(self.topics == -1)) if len(self.topics) else 0.0

    @property
    def n_topics(self) -> int:
        """Number of topics found, the outlier topic excluded."""
        return int(len(set(self.topics.tolist()) - {-1}))

    def labels(self) -> pd.Series:
        """Return the topic label per document ("outliers" for -1)."""
        names = dict(zip(self.info["topic"], self.info["label"], strict=True))
        return pd.Series([names.get(t, "outliers") for t in self.topics], dtype="object")


def split_words(doc: str) -> list[str]:
    """Return the words of a ``content_docs`` document (split on whitespace)."""
    return doc.split()


def content_docs(texts: pd.Series, stop_words: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Return each text as its content words (``topic_tokenize``) minus ``stop_words``, joined by single spaces.

    Content words never contain whitespace (jieba words are stripped; Latin words come from a regex).
    """
    stop = frozenset(w.lower() for w in stop_words)
    docs = pd.Series(texts, dtype="object").fillna("").astype(str)
    return [" ".join(w for w in topic_tokenize(t) if w not in stop) for t in docs]


def embedding_pipeline(svd_components: int = 100, seed: int = 42, min_df: int = 2) -> Pipeline:
    """Return the LSA embedder for ``content_docs`` documents: TF-IDF -> TruncatedSVD(``svd_components``) -> L2
    Normalizer."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(tokenizer=split_words, token_pattern=None, lowercase=False, min_df=min_df,
                                  sublinear_tf=True)),
        ("svd", TruncatedSVD(n_components=svd_components, random_state=seed)),
        ("norm", Normalizer()),
    ])


def fit_topics(docs: pd.Series, method: str = "kmeans", n_topics: int = 10, min_topic_size: int = 10,
               svd_components: int = 100, outlier_threshold: float = 0.0, seed: int = 42,
               embedding_model: str = "", top_n_words: int = 8,
               stop_words: frozenset[str] | set[str] = frozenset(), source: str = "") -> TopicResult:
    """Fit BERTopic on ``docs`` (normalised texts) and return a ``TopicResult``.

    ``n_topics`` is KMeans' k (capped at the number of documents / 2); with ``hdbscan`` a positive ``n_topics``
    merges topics down to that number after fitting (``nr_topics``), 0 keeps what HDBSCAN found. Outliers are
    reassigned with ``reduce_outliers(strategy="c-tf-idf", threshold=outlier_threshold)``. ``stop_words`` are
    left out of the embedding and the topic words. ``source`` (e.g. "reviews.csv: column 'text'") starts the error
    raised when the texts hold too few content words.
    """
    if method not in METHODS:
        raise ValueError(f"topic_method must be one of {METHODS}; got {method!r}")
    texts = pd.Series(docs, dtype="object").fillna("").astype(str).tolist()
    if len(texts) < 4:
        raise ValueError(f"{source + ': ' if source else ''}topics need at least 4 texts; got {len(texts)}")
    with warnings.catch_warnings():  # tqdm warns about ipywidgets inside a notebook kernel
        warnings.simplefilter("ignore")
        from bertopic import BERTopic

    docs = content_docs(pd.Series(texts), stop_words)
    min_df = 2 if len(texts) >= 50 else 1
    # BERTopic fits this on one document per topic (c-TF-IDF): min_df must stay 1, or a word used by one topic only
    # (the most distinctive kind) is pruned.
    vectorizer = CountVectorizer(tokenizer=split_words, token_pattern=None, lowercase=False, min_df=1)
    embeddings = None
    if embedding_model:
        from sentence_transformers import SentenceTransformer

        embedder = SentenceTransformer(embedding_model)
        embeddings = embedder.encode(texts, show_progress_bar=False)
    else:
        n_features = _n_features(docs, min_df)
        if n_features < 3:
            empty = pd.Series([not d for d in docs])
            where = f"{source}: " if source else ""
            raise ValueError(f"{where}topics need at least 3 distinct content words used in two or more texts; "
                             f"found {n_features} in {len(docs)} texts ({int(empty.sum())} without any content "
                             f"word: {_rows(empty)}); the texts hold only stop words, numbers or punctuation")
        embedder = embedding_pipeline(max(2, min(svd_components, n_features - 1, len(texts) - 1)), seed, min_df)
    if method == "kmeans":
        from bertopic.dimensionality import BaseDimensionalityReduction
        from sklearn.cluster import KMeans

        k = max(2, min(int(n_topics), len(texts) // 2))
        model = BERTopic(embedding_model=embedder, umap_model=BaseDimensionalityReduction(),
                         hdbscan_model=KMeans(n_clusters=k, random_state=seed, n_init=4),
                         vectorizer_model=vectorizer, language="multilingual", top_n_words=top_n_words)
    else:
        from hdbscan import HDBSCAN
        from umap import UMAP

        model = BERTopic(embedding_model=embedder,
                         umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                                         random_state=seed, low_memory=True),
                         hdbscan_model=HDBSCAN(min_cluster_size=min_topic_size, metric="euclidean",
                                               prediction_data=True),
                         vectorizer_model=vectorizer, language="multilingual", top_n_words=top_n_words,
                         nr_topics=int(n_topics) if n_topics else None)
    topics, _ = model.fit_transform(docs, embeddings=embeddings)
    topics = np.asarray(topics)
    before = float(np.mean(topics == -1))
    if before > 0:
        topics = np.asarray(model.reduce_outliers(docs, topics.tolist(), strategy="c-tf-idf",
                                                  threshold=outlier_threshold))
        model.update_topics(docs, topics=topics.tolist(), vectorizer_model=vectorizer, top_n_words=top_n_words)
    return TopicResult(topics=topics, info=_info(model, topics, texts, docs), outlier_share_before=before,
                       model=model)


def _rows(mask: pd.Series, limit: int = 5) -> str:
    """Return "texts 1, 4, ..." (1-based positions among the texts given) or "none"."""
    idx = [str(i + 1) for i in np.flatnonzero(mask.to_numpy())[:limit]]
    return ("texts " + ", ".join(idx) + (", ..." if int(mask.sum()) > limit else "")) if idx else "none"


def _n_features(docs: list[str], min_df: int) -> int:
    """Number of distinct words in at least ``min_df`` documents (0 when there is none)."""
    try:
        return len(CountVectorizer(tokenizer=split_words, token_pattern=None, lowercase=False,
                                   min_df=min_df).fit(docs).vocabulary_)
    except ValueError:  # empty vocabulary
        return 0


def _info(model, topics: np.ndarray, texts: list[str], docs: list[str], n_words: int = 4,
          n_examples: int = 2) -> pd.DataFrame:
    """One row per topic: topic id, label (top words; ``labels.name_topics`` names it), size, share, words and their
    c-TF-IDF weights, example texts (the most central: BERTopic's representative documents mapped back to the
    original texts)."""
    original = {}
    for d, t in zip(docs, texts, strict=True):
        original.setdefault(d, t)
    ids, sizes = np.unique(topics, return_counts=True)
    rows = []
    for t, size in zip(ids.tolist(), sizes.tolist(), strict=True):
        pairs = list(model.get_topic(t) or [])[:8] if t != -1 else []
        words = [w for w, _ in pairs]
        label = " · ".join(words[:n_words]) if words else ("outliers" if t == -1 else f"topic {t}")
        rep = [original.get(d, d) for d in (model.get_representative_docs(t) or [])] if t != -1 else []
        examples = list(rep or [texts[i] for i in np.flatnonzero(topics == t)[:n_examples]])[:n_examples]
        rows.append({"topic": t, "label": label, "size": size, "share": size / len(topics),
                     "words": ", ".join(words), "weights": [round(float(v), 6) for _, v in pairs],
                     "examples": " | ".join(examples)})
    return pd.DataFrame(rows).sort_values(["size", "topic"], ascending=[False, True]).reset_index(drop=True)


def agreement(reference: pd.Series, topics: np.ndarray) -> dict[str, float]:
    """Return NMI and adjusted Rand index of ``topics`` against known categories (rows with a category only).

    NMI: Strehl & Ghosh 2002 (arithmetic normalisation, sklearn's default); ARI: Hubert & Arabie 1985.
    """
    ref = pd.Series(reference).reset_index(drop=True)
    mask = (ref.notna() & ref.astype(str).str.strip().ne("")).to_numpy()
    if mask.sum() < 2:
        return {"nmi": float("nan"), "ari": float("nan"), "n": int(mask.sum())}
    r, t = ref[mask].astype(str).to_numpy(), np.asarray(topics)[mask]
    return {"nmi": float(normalized_mutual_info_score(r, t)), "ari": float(adjusted_rand_score(r, t)),
            "n": int(mask.sum())}


def crosstab(topic_labels: pd.Series, other: pd.Series, normalize: str | bool = False) -> pd.DataFrame:
    """Return counts (or shares with ``normalize='index'``) of topic label x another column (channel, sentiment,
    period), topics ordered by size."""
    t = pd.Series(topic_labels).reset_index(drop=True)
    tab = pd.crosstab(t, pd.Series(other).reset_index(drop=True), normalize=normalize)
    return tab.loc[t.value_counts().index.intersection(tab.index, sort=False)]


#: Topic id and label of texts left out by ``topic_filter`` (not fitted, not counted as outliers).
OUTSIDE_FILTER = (-1, "(outside topic_filter)")


def filter_mask(table: pd.DataFrame, expr: str, source: str = "") -> np.ndarray:
    """Return the rows of ``table`` that ``expr`` (a pandas ``DataFrame.query`` string, parameter ``topic_filter``)
    keeps; all rows when ``expr`` is empty.

    Worked example: ``sentiment == "negative"`` fits complaint topics on the texts the model calls negative;
    ``label == "negative" and reference_topic != "Can't Tell"`` on labelled negatives with a known reason. Raises
    ``ParameterError`` naming the columns when ``expr`` does not evaluate, and when it keeps fewer than 4 texts.
    """
    from experiments.common.errors import ParameterError

    if not expr.strip():
        return np.ones(len(table), dtype=bool)
    frame = table.reset_index(drop=True)
    try:
        kept = frame.query(expr, engine="python")
    except Exception as exc:  # pandas raises many types (SyntaxError, UndefinedVariableError, TypeError ...)
        raise ParameterError(f"topic_filter {expr!r} does not evaluate ({type(exc).__name__}: {exc}); it is a pandas "
                             f"query over the columns {list(frame.columns)}") from exc
    mask = frame.index.isin(kept.index)
    if mask.sum() < 4:
        raise ParameterError(f"{source + ': ' if source else ''}topic_filter {expr!r} keeps {int(mask.sum())} of "
                             f"{len(frame):,} texts; topics need at least 4")
    return mask
