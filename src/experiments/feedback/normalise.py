"""Text normalisation before scoring: URLs, @mentions, emoji and repeated punctuation, negation kept.

What changes (``normalise``): Unicode NFKC (full-width Latin and digits become ASCII; Chinese punctuation like ，。
stays), URLs -> ``URL``, @mentions -> ``@USER``, each emoji -> its Unicode name as one token (``😡`` ->
`` :pouting_face: ``), runs of 3+ of the same punctuation mark -> 2 (``!!!!`` -> ``!!``, ``。。。`` -> ``。。``), runs
of 3+ of the same letter -> 2 (``soooo`` -> ``soo``), whitespace squeezed. What never changes: words, in particular
negations (not, no, never, n't, 不, 没, 别, 无) and degree words: no stop words are removed here, because dropping "not"
turns "not good" into "good".
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

URL_RE = r"(?:https?://|www\.)\S+"
MENTION_RE = r"(?<![\w@])@\w+"
# Emoji and pictographs (Misc Symbols and Pictographs ... Supplemental Symbols), dingbats, misc symbols.
EMOJI_RE = "[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff]"
_VARIATION = "[\ufe0f\u200d]"
REPEAT_PUNCT_RE = r"([!?.,;:~。！？，、…])\1{2,}"
REPEAT_LETTER_RE = r"([A-Za-z])\1{2,}"


def _emoji_name(match: re.Match[str]) -> str:
    name = unicodedata.name(match.group(0), "emoji").lower().replace(" ", "_").replace("-", "_")
    return f" :{name}: "


def normalise(texts: pd.Series, emoji: str = "name") -> pd.Series:
    """Return the normalised texts (see the module docstring); ``emoji`` is ``name``, ``keep`` or ``drop``.

    Missing values become empty strings. VADER reads emoji itself, so its input keeps them (``emoji="keep"``).
    """
    if emoji not in ("name", "keep", "drop"):
        raise ValueError(f"emoji must be 'name', 'keep' or 'drop'; got {emoji!r}")
    s = pd.Series(texts, dtype="object").fillna("").astype(str)
    s = s.map(lambda t: unicodedata.normalize("NFKC", t))
    s = s.str.replace(URL_RE, " URL ", regex=True).str.replace(MENTION_RE, " @USER ", regex=True)
    s = s.str.replace(_VARIATION, "", regex=True)
    if emoji == "name":
        s = s.str.replace(EMOJI_RE, _emoji_name, regex=True)
    elif emoji == "drop":
        s = s.str.replace(EMOJI_RE, " ", regex=True)
    s = s.str.replace(REPEAT_PUNCT_RE, r"\1\1", regex=True).str.replace(REPEAT_LETTER_RE, r"\1\1", regex=True)
    return s.str.replace(r"\s+", " ", regex=True).str.strip()
