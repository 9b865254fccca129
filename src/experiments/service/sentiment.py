"""Sentiment of inbound messages with the lab's lexicon scorer (``common.sentiment_lexicon``, the one notebook 05
uses: VADER for English, the curated Chinese lexicon for Chinese; Hutto & Gilbert 2014), and how reply times differ
for negative customers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.common import sentiment_lexicon as lexicon


def language(texts: pd.Series) -> pd.Series:
    """``zh`` when a text has a Chinese character, else ``en``."""
    return pd.Series(np.where(texts.astype("string").fillna("").str.contains(r"[\u4e00-\u9fff]", regex=True),
                              "zh", "en"), index=texts.index)


def inbound_sentiment(df: pd.DataFrame) -> pd.Series:
    """negative / neutral / positive per contact from its ``text`` (the lexicon's thresholds, +-0.05)."""
    text = df["text"].astype("string").fillna("")
    scores = lexicon.compound(text, language(text))
    return pd.Series(lexicon.polarity(scores), index=df.index)


def by_channel(df: pd.DataFrame, polarity: pd.Series) -> pd.DataFrame:
    """Per channel: contacts, share negative, and the median reply minutes of negative and of other contacts."""
    d = df.assign(negative=(polarity == "negative").to_numpy())
    g = d.groupby("channel", observed=True)
    t = pd.DataFrame({"contacts": g.size(), "negative_share": g["negative"].mean()})
    med = d.groupby(["channel", "negative"], observed=True)["reply_minutes"].median().unstack()
    t["median_reply_negative"] = med.get(True)
    t["median_reply_other"] = med.get(False)
    return t.sort_values("contacts", ascending=False)


__all__ = ["by_channel", "inbound_sentiment", "language"]
