"""Topic names a manager can read: each topic named from an aspect lexicon (parameter ``topic_names``).

A lexicon maps a name ("delivery delay", "refund") to the words that say a text is about it, in any language
("delivery", "courier", "物流", "快递"). A topic gets the name whose words hold the largest share of the weight of
the topic's own top words (BERTopic's c-TF-IDF words and scores): ``STRONG`` or more is a confident name, less
than that but above zero a weak one (shown with a question mark and reported), none leaves the topic named by
its top words as before. The same lexicon names the topics of every run, so a topic keeps its name from week to
week however KMeans numbers it; a user pins names by adding words to a name (conf/topic_names.yaml, or a
``{name: [words]}`` mapping in ``topic_names`` itself).

Words match when equal; a lexicon word of four or more Latin letters also matches words it starts ("refund" ->
"refunds", "refunded"), and a Chinese lexicon word of two or more characters matches words containing it ("退款"
-> "退款单"). BERTopic's own representation models were not used: KeyBERTInspired and MaximalMarginalRelevance need
an embedding model to download, PartOfSpeech a spaCy model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from experiments.common.errors import ParameterError
from experiments.feedback.segment import has_cjk

#: Share of a topic's top-word weight a name's words must hold for a confident (not weak) name.
STRONG = 0.25
NAME_COLUMNS = ("name", "name_score", "name_words", "name_match")


def load_names(spec: str | Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Return the lexicon of ``spec``: a ``{name: [words]}`` mapping, or the path of a YAML file holding one
    (relative to the project root); ``""`` means no lexicon (topics keep their top words).

    Raises ``ParameterError`` naming the file and the entry when the file is missing or an entry is not a list of
    words.
    """
    if isinstance(spec, Mapping):
        raw, where = dict(spec), "topic_names"
    elif not str(spec or "").strip():
        return {}
    else:
        import yaml

        from experiments.data import paths

        path = paths.resolve(str(spec))
        if not path.is_file():
            raise ParameterError(f"topic_names: file {path} not found (a YAML mapping name -> list of words, or "
                                 "give the mapping itself)")
        raw, where = yaml.safe_load(path.read_text(encoding="utf-8")) or {}, str(path)
        if not isinstance(raw, Mapping):
            raise ParameterError(f"{where}: expected a mapping name -> list of words, found {type(raw).__name__}")
    out: dict[str, tuple[str, ...]] = {}
    for name, words in raw.items():
        if isinstance(words, str) or not isinstance(words, list | tuple) or not words:
            raise ParameterError(f"{where}: topic name {name!r} needs a non-empty list of words, found {words!r}")
        out[str(name)] = tuple(str(w).strip().lower() for w in words if str(w).strip())
    return out


def word_matches(word: str, lexicon_word: str) -> bool:
    """True when a topic word counts as the lexicon word (see the module docstring)."""
    if word == lexicon_word:
        return True
    if has_cjk(lexicon_word):
        return len(lexicon_word) >= 2 and lexicon_word in word
    return len(lexicon_word) >= 4 and word.startswith(lexicon_word)


def best_name(words: list[str], weights: list[float], lexicon: Mapping[str, tuple[str, ...]]
              ) -> tuple[str, float, list[str]]:
    """Return (name, score, matched topic words) of the lexicon name whose words hold the largest share of the
    topic words' weight (``("", 0.0, [])`` when no name matches any word)."""
    total = sum(max(w, 0.0) for w in weights) or 1.0
    best = ("", 0.0, [])
    for name, lex in lexicon.items():
        hit = [(w, s) for w, s in zip(words, weights, strict=True) if any(word_matches(w, v) for v in lex)]
        score = sum(max(s, 0.0) for _, s in hit) / total
        if score > best[1]:
            best = (name, score, [w for w, _ in hit])
    return best


def name_topics(info: pd.DataFrame, lexicon: Mapping[str, tuple[str, ...]], n_words: int = 3) -> pd.DataFrame:
    """Return ``info`` (``topics._info``: topic, label, words, weights ...) with a readable ``label`` per topic and
    the columns ``NAME_COLUMNS``: the lexicon name, its score, the topic words it matched and ``strong`` / ``weak``
    / ``none``.

    Labels: a strong match is the name ("refund"), a weak one the name with a question mark and its top words
    ("refund? · 退款 · 门店"), no match the top ``n_words`` words. Two topics with the same name are told apart by
    their top word outside the name's words; labels stay unique (the topic id is added as a last resort).
    """
    out = info.copy()
    rows = []
    for words, weights in zip(out["words"], out["weights"], strict=True):
        wl = [w for w in str(words).split(", ") if w]
        name, score, hit = best_name(wl, list(weights)[:len(wl)], lexicon) if lexicon and wl else ("", 0.0, [])
        match = "strong" if score >= STRONG else "weak" if score > 0 else "none"
        rest = [w for w in wl if w not in hit]
        if match == "strong":
            label = name
        elif match == "weak":
            label = f"{name}? · " + " · ".join(wl[:2])
        else:
            label = " · ".join(wl[:n_words]) if wl else ""
        rows.append((name, round(score, 3), ", ".join(hit), match, label, rest[0] if rest else ""))
    names = pd.DataFrame(rows, columns=[*NAME_COLUMNS, "_label", "_extra"], index=out.index)
    dup = names["_label"].duplicated(keep=False) & names["name_match"].eq("strong") & names["_extra"].ne("")
    names.loc[dup, "_label"] = names.loc[dup, "_label"] + " · " + names.loc[dup, "_extra"]
    keep = out["label"].where(names["_label"].eq(""), names["_label"])
    again = keep.duplicated(keep=False)
    keep[again] = keep[again] + " #" + out.loc[again, "topic"].astype(str)
    out["label"] = keep
    for col in NAME_COLUMNS:
        out[col] = names[col].to_numpy()
    return out


def weak_names(info: pd.DataFrame) -> pd.DataFrame:
    """Return the topics whose name is a weak match (topic, label, name, name_score, name_words, words)."""
    if "name_match" not in info:
        return info.iloc[0:0]
    return info.loc[info["name_match"].eq("weak"), ["topic", "label", "name", "name_score", "name_words", "words"]]
