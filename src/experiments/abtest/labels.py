"""Data-derived labels of the A/B report: variant slugs for metrics.json keys and masked, shortened display labels."""

from __future__ import annotations

import re

#: Longest variant slug in a metrics.json key (a 200,000-character label must not make a 200,000-character key).
SLUG_CHARS = 60


def slug(label: object) -> str:
    """Return ``label`` lower-cased with every run of non-alphanumeric characters turned into ``_``, at most
    ``SLUG_CHARS`` characters.

    ``"Mens E-Mail"`` -> ``"mens_e_mail"``; used for metrics.json keys of more-than-two-variant tests.
    """
    return re.sub(r"[^0-9a-z]+", "_", str(label).lower()).strip("_")[:SLUG_CHARS].strip("_") or "variant"


def display_label(value: object, max_chars: int = 60) -> str:
    """Return a data-derived label for report text: emails/phones masked and shortened to ``max_chars``.

    Not escaped: text built from it goes through ``lab.report.safe`` (``safe.text``/``safe.md``) when displayed.
    Only the first ``max_chars + 64`` characters are masked (a window wider than what is shown, so an email or
    phone cut at the edge is still masked): ``safe.mask_pii`` on a 200,000-character label takes minutes.
    """
    from experiments.lab.report import safe

    text = "" if value is None else str(value)
    masked = safe.mask_pii(text[:max_chars + 64])
    return masked if len(text) <= max_chars else f"{masked[:max_chars]}… ({len(text):,} characters)"


