"""Feedback in: ``load(config) -> Data``, the company-world adapter and the flat-table adapter.

Both go through ``experiments.data.inputs.load_input``; every role is converted and validated (no silent casts):
unreadable times and unknown labels stop with an error naming file, column and rows; empty texts go to a counted
quarantine, and texts dated after ``as_of`` (empty: now) are set aside and counted (``Data.future``,
``n_future_times``). Times are parsed by the lab's one date parser (``common.dates.parse_dates``: slash dates are read
day- or month-first only when the column proves it or ``date_order`` / ``date_format`` says so, never guessed).

Company world (empty ``input_path``): the processed ``feedback`` table. Its sentiment labels are what the company
itself has: the customers' own star ratings where they gave one (app reviews), read with ``COMPANY_RATING_LABELS``
(1-2 negative, 3 neutral, 4-5 positive). This module never reads the generator's planted truth: the
comparison with it is ``evaluation``'s, in the notebook's own section.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.common.dates import parse_dates
from experiments.common.errors import DataInputError, example_rows
from experiments.data import inputs
from experiments.feedback.config import Config

SENTIMENTS = ("negative", "neutral", "positive")
#: Short label names accepted without a label_map (any case).
LABEL_ALIASES = {"neg": "negative", "neu": "neutral", "pos": "positive"}
ROLE_COLUMNS = ("feedback_id", "text", "label", "time", "channel", "customer_id", "reference_topic")
#: The company world's feedback columns per role (a flat table names its own with the ``<role>_col`` parameters).
COMPANY_COLUMNS = {"text": "text", "label": "rating", "time": "created_at", "channel": "channel",
                   "customer": "customer_id", "id": "feedback_id"}
#: How the company reads its customers' 1-5 star ratings as sentiment (the labels the supervised model learns from).
COMPANY_RATING_LABELS = {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"}


@dataclass
class Data:
    """The texts to analyse, one row each, columns ``ROLE_COLUMNS`` (missing roles hold NA), plus provenance."""

    frame: pd.DataFrame
    table: inputs.InputTable
    quarantine: pd.DataFrame
    label_source: str = ""
    topic_source: str = ""
    future: pd.DataFrame | None = None  # set aside: texts dated after ``as_of`` (or now); feedback_id, time
    future_after: str = ""  # the cutoff of ``future`` (``as_of`` or the time of reading, UTC)

    @property
    def source(self) -> str:
        """Short name of the data source (file name or ``company world``)."""
        return "company world" if self.table.is_company_world else self.table.source


def map_labels(raw: pd.Series, label_map: dict | None, source: str, column: str) -> pd.Series:
    """Return labels as negative / neutral / positive (NA where the raw label is empty).

    With ``label_map`` each raw value (compared as text, e.g. ``{"0": "negative", "1": "positive"}``) is mapped;
    without it the values must already be sentiment names or ``LABEL_ALIASES`` (any case). Raises
    ``DataInputError`` naming the file, column, unknown values and rows, with a ``label_map`` fitting the values.
    """
    s = pd.Series(raw, dtype="object").reset_index(drop=True)
    empty = s.isna() | s.astype(str).str.strip().eq("")
    text = s.astype(str).str.strip()
    text = text.str.replace(r"\.0$", "", regex=True)  # 0.0 / 1.0 read from a float column
    if label_map:
        lm = {str(k).strip(): str(v).strip().lower() for k, v in label_map.items()}
        bad_targets = sorted(set(lm.values()) - set(SENTIMENTS))
        if bad_targets:
            raise DataInputError(f"label_map maps to {bad_targets}; every target must be one of {SENTIMENTS}")
        out = text.map(lm)
    else:
        low = text.str.lower()
        out = low.map(lambda v: v if v in SENTIMENTS else LABEL_ALIASES.get(v))
    unknown = ~empty & out.isna()
    if unknown.any():
        values = sorted(text[unknown].unique().tolist())
        raise DataInputError(
            f"{source}: column {column!r} (label_col) has {int(unknown.sum())} labels that are not "
            f"{'in label_map' if label_map else 'negative / neutral / positive (or pos / neu / neg)'}: "
            f"{values[:10]}{' ...' if len(values) > 10 else ''} ({example_rows(unknown)}); "
            f"give label_map, e.g. {suggest_label_map(text[~empty].unique().tolist())}")
    return out.where(~empty).astype("object")


def suggest_label_map(values: list[str]) -> str:
    """Return an example ``label_map`` (JSON) for the label values found: 0/1, -1/0/1, 1-5 stars, or the values."""
    v = sorted(set(values), key=lambda x: (len(x), x))
    if set(v) <= {"0", "1"}:
        return '{"0": "negative", "1": "positive"}'
    if set(v) <= {"-1", "0", "1"}:
        return '{"-1": "negative", "0": "neutral", "1": "positive"}'
    if set(v) <= {"1", "2", "3", "4", "5"}:
        return ('{"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"} '
                "(star ratings)")
    shown = ", ".join(f'"{x}": "..."' for x in v[:6])
    return "{" + shown + (", ..." if len(v) > 6 else "") + "} with negative / neutral / positive as targets"


def parse_times(raw: pd.Series, source: str, column: str, order: str = "auto", fmt: str = "") -> pd.Series:
    """Return ``raw`` parsed as UTC timestamps by ``common.dates.parse_dates`` (offsets honoured, naive values taken
    as UTC; slash dates per ``order`` / ``fmt``, never guessed).

    Raises ``DataInputError`` naming file, column and rows when a non-empty value is not a date/time, or (from
    ``parse_dates``) when slash dates are ambiguous and no ``date_order`` is given.
    """
    s = pd.Series(raw).reset_index(drop=True)
    try:
        parsed = parse_dates(s, order=order or "auto", fmt=fmt, column=column)
    except DataInputError as exc:
        raise DataInputError(f"{source}: {exc} (time_col)") from exc
    if parsed.unparsable.any():
        bad = parsed.unparsable
        raise DataInputError(f"{source}: column {column!r} (time_col) has {int(bad.sum())} values that are not dates "
                             f"or times ({example_rows(bad)}); expected e.g. 2025-06-01 or 2015-02-24 11:35:52 -0800"
                             "; slash dates read with date_order (dmy / mdy) or date_format")
    return parsed.values.dt.tz_localize("UTC")


def resolve_as_of(as_of: str, times: pd.Series) -> pd.Timestamp:
    """Return ``as_of`` as a UTC timestamp (a date means the end of that day); empty means the latest time, or now
    when there are no times."""
    if str(as_of or "").strip():
        ts = pd.Timestamp(str(as_of))
        if len(str(as_of).strip()) <= 10:
            ts = ts + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
        return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    t = pd.to_datetime(times, utc=True)
    return t.max() if t.notna().any() else pd.Timestamp.now(tz="UTC")


def future_mask(times: pd.Series, as_of: str) -> tuple[pd.Series, pd.Timestamp]:
    """Return (texts dated after the cutoff, the cutoff): ``as_of`` when given (a date: its end), else now (UTC).
    A text from the future is a clock or export error; kept, it would move the period and the care queue."""
    cutoff = resolve_as_of(as_of, pd.Series([pd.Timestamp.now(tz="UTC")]))
    return times.gt(cutoff).fillna(False).astype(bool), cutoff


def load(config: Config) -> Data:
    """Read the feedback to analyse and return ``Data`` (see the module docstring).

    Company world (empty ``input_path``): the ``feedback`` processed table; every role not given defaults to its
    column in ``COMPANY_COLUMNS``, and the rating labels read with ``COMPANY_RATING_LABELS`` unless ``label_map`` is
    given. A flat table needs ``text_col``; every other role is optional (no customer column: each text is its own
    customer ``text_<row>``; no time: the row order stands in and time charts are skipped).
    """
    roles = {"text": config.text_col, "label": config.label_col, "time": config.time_col,
             "channel": config.channel_col, "customer": config.customer_col, "id": config.text_id_col,
             "reference_topic": config.reference_topic_col}
    company = not config.input_path
    label_map = dict(config.label_map)
    if company:
        roles = {k: (v or COMPANY_COLUMNS.get(k, "")) for k, v in roles.items()}
        if not config.label_col and not label_map:
            label_map = dict(COMPANY_RATING_LABELS)
    table = inputs.load_input(config.input_path, roles, optional=[r for r in roles if r != "text"],
                              encoding=config.input_encoding, sheet=config.input_sheet, company="feedback",
                              sep=config.input_sep, header=config.input_header, names={"id": "text_id_col"})
    df = table.frame.reset_index(drop=True)
    src = table.source
    cols = table.columns
    n = len(df)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["feedback_id"] = (df[cols["id"]].astype(str).to_numpy() if "id" in cols
                          else [f"row_{i + 1}" for i in range(n)])
    out["text"] = df[cols["text"]].astype("object").where(df[cols["text"]].notna(), "").astype(str).to_numpy()
    out["label"] = (map_labels(df[cols["label"]], label_map, src, cols["label"]) if "label" in cols
                    else pd.Series(pd.NA, index=out.index, dtype="object"))
    out["time"] = (parse_times(df[cols["time"]], src, cols["time"], config.date_order, config.date_format)
                   if "time" in cols else pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]"))
    out["channel"] = df[cols["channel"]].astype(str).to_numpy() if "channel" in cols else "all"
    if "customer" in cols:
        cust = df[cols["customer"]]
        out["customer_id"] = cust.astype("object").where(cust.notna()).map(
            lambda v: v if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v))
    else:
        out["customer_id"] = [f"text_{i + 1}" for i in range(n)]
    out["reference_topic"] = (df[cols["reference_topic"]].astype("object").to_numpy() if "reference_topic" in cols
                              else pd.NA)
    label_source = ""
    if "label" in cols:
        label_source = (f"customers' star ratings (column {cols['label']}: 1-2 negative, 3 neutral, 4-5 positive)"
                        if company and label_map == COMPANY_RATING_LABELS else f"column {cols['label']}")
    topic_source = f"column {cols['reference_topic']}" if "reference_topic" in cols else ""
    empty = out["text"].str.strip().eq("")
    if empty.all():
        raise DataInputError(f"{src}: column {cols.get('text', config.text_col)!r} (text_col) has no text in its "
                             f"{n} rows{f' (empty: {example_rows(empty)})' if n else ''}")
    quarantine = out[empty].assign(reason="empty_text")[["feedback_id", "reason"]]
    out = out[~empty].reset_index(drop=True)
    ahead, cutoff = future_mask(out["time"], config.as_of)
    future = out.loc[ahead, ["feedback_id", "time"]].reset_index(drop=True)
    out = out[~ahead].reset_index(drop=True)
    if out.empty:
        raise DataInputError(f"{src}: every non-empty text is dated after {config.as_of or 'now'} "
                             f"({len(future)} texts; time_col {cols.get('time', '')!r}); nothing to analyse")
    return Data(frame=out, table=table, quarantine=quarantine.reset_index(drop=True),
                label_source=label_source, topic_source=topic_source, future=future,
                future_after=f"{cutoff:%Y-%m-%d %H:%M} UTC")
