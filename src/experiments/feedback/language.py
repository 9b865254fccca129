"""Language of each text from its share of CJK characters: ``zh``, ``en`` or ``mixed``, with nothing to download.

The share is CJK characters / (CJK characters + Latin words): a Chinese character carries about as much as an
English word, so "App一打开就闪退" (6 characters, 1 word) is 0.86 Chinese while "my 拿铁 arrived late" is 0.4.
``en`` stands for "no Chinese" (the rest): a text with no CJK character at all is ``en`` (share 0) whatever its
alphabet. Vectorised with pandas string methods (about 50,000+ texts a second, see bench/bench_feedback.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: CJK Unified Ideographs, Extension A and Compatibility Ideographs (Han characters used in Chinese).
CJK_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
LATIN_WORD = r"[A-Za-z]+(?:'[A-Za-z]+)?"
LANGUAGES = ("zh", "en", "mixed")


def cjk_share(texts: pd.Series) -> pd.Series:
    """Return CJK characters / (CJK characters + Latin words) per text (0.0 for a text with neither)."""
    s = pd.Series(texts, dtype="string").fillna("")
    cjk = s.str.count(CJK_CLASS).astype("float64")
    words = s.str.count(LATIN_WORD).astype("float64")
    total = (cjk + words).to_numpy()
    return pd.Series(np.divide(cjk.to_numpy(), total, out=np.zeros(len(s)), where=total > 0), index=s.index)


def detect(texts: pd.Series, zh_min: float = 0.6, en_max: float = 0.2) -> pd.Series:
    """Return ``zh`` (CJK share >= ``zh_min``), ``en`` (share <= ``en_max``) or ``mixed`` per text.

    The defaults put a Chinese sentence with a brand or "App" in ``zh`` and an English one quoting a Chinese product
    name in ``en``; only texts that are really half and half are ``mixed``.
    """
    if not 0 <= en_max < zh_min <= 1:
        raise ValueError(f"language thresholds need 0 <= en_max < zh_min <= 1; got en_max={en_max}, zh_min={zh_min}")
    share = cjk_share(texts)
    out = np.where(share >= zh_min, "zh", np.where(share <= en_max, "en", "mixed"))
    return pd.Series(out, index=share.index, dtype="object")


def resolve(texts: pd.Series, language: str = "auto") -> pd.Series:
    """Return the language per text: detected when ``language`` is ``auto``, else ``language`` for every text.

    Raises ValueError for anything but ``auto``, ``zh`` or ``en``.
    """
    if language == "auto":
        return detect(texts)
    if language not in ("zh", "en"):
        raise ValueError(f"parameter language must be 'auto', 'zh' or 'en'; got {language!r}")
    return pd.Series(language, index=pd.Series(texts).index, dtype="object")
