"""Sentiment of every text, two methods side by side: the lexicon baseline and the supervised model.

``score`` adds language, the lexicon score (``lexicon``) and, when there are enough labels, the supervised model
(``supervised``) fitted on a stratified share of the labelled texts and evaluated with the lexicon on the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.feedback import language as lang_mod
from experiments.feedback import lexicon, supervised
from experiments.feedback.normalise import normalise
from experiments.feedback.sources import SENTIMENTS

MIN_LABELS = 20
METRIC_KEYS = ("sentiment_accuracy", "sentiment_macro_f1", "lexicon_accuracy", "lexicon_macro_f1", "n_train",
               "n_test")


@dataclass
class Scored:
    """Scored texts plus the evaluation of both sentiment methods on the held-out labelled rows."""

    table: pd.DataFrame
    metrics: dict
    model_eval: pd.DataFrame | None = None
    lexicon_eval: pd.DataFrame | None = None
    model_confusion: pd.DataFrame | None = None
    lexicon_confusion: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def score(fb: pd.DataFrame, language: str = "auto", test_fraction: float = 0.2, seed: int = 42,
          C: float = 4.0) -> Scored:
    """Return ``Scored``: language, lexicon and supervised sentiment, intensity for every text of ``fb``.

    With at least ``MIN_LABELS`` labels in two or more classes the supervised model is fitted on a stratified
    ``1 - test_fraction`` of the labelled rows and both methods are evaluated on the rest; every text's
    ``sentiment`` is the model's prediction. Otherwise ``sentiment`` is the lexicon's and accuracy keys are None.
    """
    t = fb.reset_index(drop=True)
    norm = normalise(t["text"])
    keep = normalise(t["text"], emoji="keep")
    langs = lang_mod.resolve(norm, language)
    comp = lexicon.compound(keep, langs)
    labels = t["label"].astype("object")
    labelled = labels.notna()
    classes = tuple(sorted(labels[labelled].unique()))
    tab = pd.DataFrame({"feedback_id": t["feedback_id"], "customer_id": t["customer_id"], "channel": t["channel"],
                        "created_at": t["time"], "language": langs.to_numpy(), "text": t["text"],
                        "text_norm": norm.to_numpy(), "label": labels, "lexicon_score": comp,
                        "intensity": np.abs(comp), "split": np.where(labelled, "", "unlabelled")})
    notes: list[str] = []
    metrics: dict = dict.fromkeys(METRIC_KEYS)
    use_model = int(labelled.sum()) >= MIN_LABELS and len(classes) >= 2
    tie = labels[labelled].mode().iat[0] if labelled.any() else "positive"
    tab["lexicon_sentiment"] = lexicon.polarity(comp, classes if use_model else SENTIMENTS, tie=tie)
    res = Scored(table=tab, metrics=metrics, notes=notes)
    if not use_model:
        why = ("no sentiment labels" if not labelled.any() else
               f"only {int(labelled.sum())} labelled texts (at least {MIN_LABELS} are needed)"
               if int(labelled.sum()) < MIN_LABELS else
               f"all {int(labelled.sum())} labelled texts are {classes[0] if classes else 'unlabelled'} (one class)")
        notes.append(f"{why}: the supervised model cannot be trained, so the lexicon decides the sentiment and "
                     "accuracy is not measured")
        tab["sentiment"] = tab["lexicon_sentiment"]
        tab["sentiment_score"] = comp
    else:
        train, test = supervised.split(labels, test_fraction, seed)
        tab.loc[train, "split"], tab.loc[test, "split"] = "train", "test"
        model = supervised.SentimentModel(C=C, seed=seed).fit(norm.iloc[train], labels.iloc[train])
        proba = model.predict_proba(norm)
        tab["sentiment"] = proba.idxmax(axis=1).to_numpy()
        tab["sentiment_score"] = supervised.score_from_proba(proba)
        y, lg = labels.iloc[test], langs.iloc[test]
        res.model_eval = supervised.evaluate(y, tab["sentiment"].iloc[test], lg)
        res.lexicon_eval = supervised.evaluate(y, tab["lexicon_sentiment"].iloc[test], lg)
        res.model_confusion = supervised.confusion(y, tab["sentiment"].iloc[test])
        res.lexicon_confusion = supervised.confusion(y, tab["lexicon_sentiment"].iloc[test])
        for name, ev in (("sentiment", res.model_eval), ("lexicon", res.lexicon_eval)):
            metrics[f"{name}_accuracy"] = float(ev.loc["all", "accuracy"])
            metrics[f"{name}_macro_f1"] = float(ev.loc["all", "macro_f1"])
            for lang in ev.index.drop("all"):
                metrics[f"{name}_accuracy_{lang}"] = float(ev.loc[lang, "accuracy"])
                metrics[f"{name}_macro_f1_{lang}"] = float(ev.loc[lang, "macro_f1"])
        metrics["n_train"], metrics["n_test"] = len(train), len(test)
    tab["intensity_grade"] = lexicon.intensity_grade(tab["intensity"].to_numpy())
    return res
