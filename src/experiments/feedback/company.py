"""Feedback in, scored feedback out: the flat-table interface, sentiment scoring and the published tables.

``load`` reads the company world's ``feedback`` table (labels and topics from ``_truth/feedback.csv`` when the
generator's truth is present) or a flat table through ``experiments.data.inputs.load_input``; it converts and
validates every role (no silent casts): unreadable times and unknown labels stop with an error naming file, column
and rows; empty texts go to a counted quarantine. ``score`` adds language, the lexicon baseline and the supervised
model side by side. ``scored_table`` is ``data/processed/feedback_scored.parquet``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.data import inputs, paths
from experiments.data.tables import DataInputError, example_rows
from experiments.feedback import language as lang_mod
from experiments.feedback import lexicon, supervised
from experiments.feedback.normalise import normalise

SENTIMENTS = ("negative", "neutral", "positive")
#: Short label names accepted without a label_map (any case).
LABEL_ALIASES = {"neg": "negative", "neu": "neutral", "pos": "positive"}
ROLE_COLUMNS = ("feedback_id", "text", "label", "time", "channel", "customer_id", "reference_topic")


@dataclass
class Feedback:
    """The texts to analyse, one row each, columns ``ROLE_COLUMNS`` (missing roles hold NA), plus provenance."""

    frame: pd.DataFrame
    table: inputs.InputTable
    quarantine: pd.DataFrame
    label_source: str = ""
    topic_source: str = ""

    @property
    def source(self) -> str:
        """Short name of the data source (file name or ``company world``)."""
        return "company world" if self.table.is_company_world else self.table.source


def _company_truth() -> pd.DataFrame | None:
    path = paths.truth_dir() / "feedback.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


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


def parse_times(raw: pd.Series, source: str, column: str) -> pd.Series:
    """Return ``raw`` parsed as UTC timestamps (offsets honoured, naive values taken as UTC).

    Raises ``DataInputError`` naming file, column and rows when a non-empty value is not a date/time.
    """
    s = pd.Series(raw).reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.to_datetime(s, utc=True)
    out = pd.to_datetime(s.astype("object"), utc=True, errors="coerce", format="mixed")
    bad = out.isna() & s.notna() & s.astype(str).str.strip().ne("")
    if bad.any():
        raise DataInputError(f"{source}: column {column!r} (time_col) has {int(bad.sum())} values that are not dates "
                             f"or times ({example_rows(bad)}); expected e.g. 2025-06-01 or 2015-02-24 11:35:52 -0800")
    return out


def load(input_path: str, text_col: str, *, label_col: str = "", label_map: dict | None = None,
         time_col: str = "", channel_col: str = "", customer_col: str = "", id_col: str = "",
         reference_topic_col: str = "", encoding: str = "", sheet: str = "") -> Feedback:
    """Read the feedback to analyse and return a ``Feedback`` (see the module docstring).

    Company world (empty ``input_path``): the ``feedback`` processed table; the role columns default to its own.
    A flat table needs ``text_col``; every other role is optional (no customer column: each text is its own
    customer ``text_<row>``; no time: the row order stands in and time charts are skipped).
    """
    roles = {"text": text_col, "label": label_col, "time": time_col, "channel": channel_col,
             "customer": customer_col, "id": id_col, "reference_topic": reference_topic_col}
    company = not str(input_path or "").strip()
    if company:
        defaults = {"text": "text", "time": "created_at", "channel": "channel", "customer": "customer_id",
                    "id": "feedback_id"}
        roles = {k: (v or defaults.get(k, "")) for k, v in roles.items()}
    table = inputs.load_input(input_path, roles, optional=[r for r in roles if r != "text"], encoding=encoding,
                              sheet=sheet, company="feedback")
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
    out["time"] = (parse_times(df[cols["time"]], src, cols["time"]) if "time" in cols
                   else pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]"))
    out["channel"] = df[cols["channel"]].astype(str).to_numpy() if "channel" in cols else "all"
    if "customer" in cols:
        cust = df[cols["customer"]]
        out["customer_id"] = cust.astype("object").where(cust.notna()).map(
            lambda v: v if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v))
    else:
        out["customer_id"] = [f"text_{i + 1}" for i in range(n)]
    out["reference_topic"] = (df[cols["reference_topic"]].astype("object").to_numpy() if "reference_topic" in cols
                              else pd.NA)
    label_source, topic_source = (f"column {cols['label']}" if "label" in cols else ""), (
        f"column {cols['reference_topic']}" if "reference_topic" in cols else "")
    if company:
        truth = _company_truth()
        if truth is not None:
            t = truth.set_index("feedback_id")
            if "label" not in cols:
                out["label"] = out["feedback_id"].map(t["sentiment"]).where(lambda s: s.isin(SENTIMENTS))
                label_source = "planted sentiment (_truth/feedback.csv)"
            if "reference_topic" not in cols:
                out["reference_topic"] = out["feedback_id"].map(t["topic"])
                topic_source = "planted topics (_truth/feedback.csv)"
    empty = out["text"].str.strip().eq("")
    if empty.all():
        raise DataInputError(f"{src}: column {cols.get('text', text_col)!r} (text_col) has no text in its {n} rows"
                             f"{f' (empty: {example_rows(empty)})' if n else ''}")
    quarantine = out[empty].assign(reason="empty_text")[["feedback_id", "reason"]]
    out = out[~empty].reset_index(drop=True)
    return Feedback(frame=out, table=table, quarantine=quarantine.reset_index(drop=True),
                    label_source=label_source, topic_source=topic_source)


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


MIN_LABELS = 20


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
    metrics: dict = {k: None for k in ("sentiment_accuracy", "sentiment_macro_f1", "lexicon_accuracy",
                                       "lexicon_macro_f1", "n_train", "n_test")}
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


def scored_table(scored: pd.DataFrame, topic_labels: pd.Series, topics: np.ndarray, grades: pd.DataFrame,
                 source: str) -> pd.DataFrame:
    """Return ``feedback_scored``: one row per text with language, sentiment, intensity, topic and grade (no text).

    Columns: feedback_id, customer_id, source, channel, created_at, language, sentiment, sentiment_score,
    lexicon_sentiment, lexicon_score, intensity, intensity_grade, topic, topic_label, grade, cue.
    """
    out = scored[["feedback_id", "customer_id", "channel", "created_at", "language", "sentiment", "sentiment_score",
                  "lexicon_sentiment", "lexicon_score", "intensity", "intensity_grade"]].copy()
    out.insert(2, "source", source)
    out["customer_id"] = out["customer_id"].astype("string")
    out["feedback_id"] = out["feedback_id"].astype("string")
    out["topic"] = np.asarray(topics, dtype=np.int64)
    out["topic_label"] = pd.Series(topic_labels).to_numpy()
    out["grade"] = grades["grade"].to_numpy()
    out["cue"] = grades["cue"].to_numpy()
    return out.reset_index(drop=True)
