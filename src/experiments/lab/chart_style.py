"""Small matplotlib helpers shared by the notebooks: every chart titled with its finding, axes labelled.

Chinese labels: on import, ``use_cjk_font`` looks for an installed font with Chinese glyphs (matplotlib's font list,
then the usual Debian paths of fonts-wqy-microhei and fonts-noto-cjk, which matplotlib's cached list may not know
yet), registers it with ``font_manager.fontManager.addfont`` and sets ``font.family`` to [DejaVu Sans, the CJK font]:
matplotlib (3.6+) falls back glyph by glyph across that list, so Latin text keeps DejaVu Sans and Chinese
characters come from the CJK font. Without one, nothing changes and charts that need Chinese show ids instead
(``cjk_font() == ""``). CI installs fonts-wqy-microhei (``.ci/run``).

Text from data is drawn literally: on import ``text.parse_math`` is switched off, so a customer's
``$$\\begin{matrix}x\\end{matrix}$$`` or ``\\unknowncommand{`` in a label is shown as typed instead of failing the
chart (matplotlib's mathtext ParseException stopped a weekly report). No chart of the lab uses mathtext.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Font files with Chinese glyphs at their usual Debian / Ubuntu paths (fonts-wqy-microhei, fonts-noto-cjk, ...).
CJK_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
#: Words in the family name of a font that has Chinese glyphs.
CJK_NAME_KEYS = ("CJK", "WenQuanYi", "Source Han", "Droid Sans Fallback", "Hei", "Song", "Ming", "Kai")


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Return the family name of an installed font with Chinese glyphs, registering it with matplotlib; "" if none.

    Checks matplotlib's font list first, then ``CJK_FONT_PATHS`` (a font installed after matplotlib built its cache).
    """
    for f in font_manager.fontManager.ttflist:
        if any(k in f.name for k in CJK_NAME_KEYS):
            return f.name
    for path in CJK_FONT_PATHS:
        if Path(path).exists():
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):  # unreadable font file: try the next one
                continue
    return ""


def use_cjk_font() -> str:
    """Make the CJK font (``cjk_font``) the glyph fallback after the default sans-serif font; return its name ("" if
    none).

    matplotlib falls back across the entries of ``font.family`` only (a generic "sans-serif" entry resolves to one
    font), so the family list becomes [first sans-serif font, CJK font]; the CJK font also joins ``font.sans-serif``.
    """
    name = cjk_font()
    if name:
        sans = list(matplotlib.rcParams["font.sans-serif"])
        if name not in sans:
            matplotlib.rcParams["font.sans-serif"] = [*sans[:1], name, *sans[1:]]
        first = sans[0] if sans and sans[0] != name else "DejaVu Sans"
        matplotlib.rcParams["font.family"] = [first, name]
    return name


use_cjk_font()
matplotlib.rcParams["text.parse_math"] = False  # labels from data are text, never TeX (see the module doc)


def finish(fig: Figure, ax: Axes, title: str, xlabel: str, ylabel: str, fontsize: int = 12) -> Figure:
    """Title ``ax`` with its finding (left-aligned), label both axes, drop the top/right frame; return ``fig``."""
    ax.set_title(title, loc="left", fontsize=fontsize)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def bar_chart(values: pd.Series, title: str, xlabel: str, ylabel: str, horizontal: bool = True) -> Figure:
    """Return a bar chart of ``values`` (index as labels) with a finding as title."""
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.35 * len(values) + 1) if horizontal else 4))
    if horizontal:
        values.iloc[::-1].plot.barh(ax=ax, color="#1e5aa8")
    else:
        values.plot.bar(ax=ax, color="#1e5aa8")
    return finish(fig, ax, title, xlabel, ylabel)


def line_chart(frame: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> Figure:
    """Return one line per column of ``frame`` against its index, with a legend and a finding as title."""
    fig, ax = plt.subplots(figsize=(9, 4))
    frame.plot(ax=ax, marker="o", markersize=3)
    ax.legend(frameon=False)
    return finish(fig, ax, title, xlabel, ylabel)


def data_label(value: object, max_chars: int = 40) -> str:
    """A chart label made from data: emails, phones and ID numbers masked, control characters made visible, cut to
    ``max_chars`` with an ellipsis. Drawn literally (mathtext is off), so ``$`` needs no escaping. Only a window a
    little wider than what is shown is masked: masking a 200,000-character label takes minutes."""
    from experiments.common.masking import mask_pii, visible_controls

    text = "" if value is None else str(value)
    shown = visible_controls(mask_pii(text[:max_chars + 64]))
    return shown if len(text) <= max_chars else shown[:max_chars] + "…"
