"""02 against the company world's planted truth (``data/raw/_truth/segments.csv``): the only module that reads it.

Called from tests (and any section comparing with the truth), never by ``run``. The generator plants each person's
latent purchase rate, lapse (dropout), spend level and need type; the segmentation never sees them. A customer is
mapped to the planted person most of its source records belong to (``_truth/person_records.csv`` joined with the
cleaning's record -> customer map).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.segments.result import Result

#: The needs view's labels -> the generator's need types.
NEED_TYPES = {"price-sensitive": "price_sensitive", "quality-seeking": "quality_seeking",
              "service-dependent": "service_dependent"}


def customer_person(record_customer: pd.DataFrame, truth_dir: Path) -> pd.Series:
    """customer_id -> planted person_id: the person most of the customer's records belong to (ties: the first id)."""
    pr = pd.read_csv(truth_dir / "person_records.csv", dtype=str)
    rec = record_customer[["record_id", "customer_id"]].astype(str).merge(pr, on="record_id")
    return (rec.groupby(["customer_id", "person_id"]).size().rename("n").reset_index()
            .sort_values(["customer_id", "n", "person_id"], ascending=[True, False, True])
            .drop_duplicates("customer_id").set_index("customer_id")["person_id"])


def with_truth(result: Result, record_customer: pd.DataFrame, truth_dir: Path) -> pd.DataFrame:
    """The segments table with each customer's planted person and truth columns (need_type, purchase_rate, lapses,
    spend_level, ...; NaN where a customer maps to no planted person)."""
    truth = pd.read_csv(truth_dir / "segments.csv", dtype={"person_id": str})
    person = customer_person(record_customer, truth_dir)
    t = result.table
    return t.assign(person_id=t["customer_id"].map(person)).merge(truth, on="person_id", how="left")


def need_accuracy(table: pd.DataFrame) -> dict:
    """Accuracy of the inferred need over buyers with a clear need, the always-the-largest-class baseline, and the
    precision of each need against its planted base rate."""
    b = table[(table["n_purchases"] > 0) & (table["need"] != "unclear")]
    out = {"n": len(b), "accuracy": float((b["need"].map(NEED_TYPES) == b["need_type"]).mean()),
           "chance": float(b["need_type"].value_counts(normalize=True).max())}
    for need, planted in NEED_TYPES.items():
        sel = b["need"] == need
        out[f"precision_{planted}"] = float((b.loc[sel, "need_type"] == planted).mean())
        out[f"base_{planted}"] = float((b["need_type"] == planted).mean())
    return out


def top_rate_buyers(table: pd.DataFrame, share: float = 0.2) -> dict:
    """Where the buyers with the highest planted purchase rates (top ``share``) land: their share in the high value
    tier, among Champions and among Lost, against the same shares of all buyers."""
    b = table[table["n_purchases"] > 0]
    top = b["purchase_rate"] >= b["purchase_rate"].quantile(1 - share)
    out = {}
    for key, sel in (("high", b["value_tier"] == "high"), ("champions", b["rfm_segment"] == "Champions"),
                     ("lost", b["rfm_segment"] == "Lost")):
        out[key], out[f"{key}_all"] = float(sel[top].mean()), float(sel.mean())
    return out


def lapse_gap(table: pd.DataFrame, min_purchases: int = 3) -> dict:
    """Mean P(alive) of buyers with at least ``min_purchases`` purchase days whose planted person lapsed, against
    those who did not."""
    b = table[table["n_purchases"] >= min_purchases]
    lapses = b["lapses"].astype(str).str.lower().eq("true")
    return {"lapsed": float(b.loc[lapses, "p_alive"].mean()), "kept": float(b.loc[~lapses, "p_alive"].mean())}


def section(result: Result) -> list:
    """The notebook's "against the planted truth" section: what the views recover of the planted rates, lapses and
    needs (company world with its ``_truth`` folder only; otherwise one sentence saying why there is nothing)."""
    from experiments.data import paths
    from experiments.data.contracts import load_processed
    from experiments.lab.report import safe

    truth_dir = paths.truth_dir()
    if not result.input.is_company_world or not (truth_dir / "segments.csv").is_file():
        return [safe.md("No planted truth here (a flat table, or a company world without its `_truth` folder).")]
    table = with_truth(result, load_processed("lineage"), truth_dir)
    top, need, lapse = top_rate_buyers(table), need_accuracy(table), lapse_gap(table)
    text = safe.md(
        "Of the buyers with the 20% highest planted purchase rates, {high:.0%} are in the high value tier (all buyers "
        "{high_all:.0%}) and {champ:.0%} are Champions (all buyers {champ_all:.0%}). Buyers whose planted person "
        "lapsed have a mean P(alive) of {lapsed:.2f} against {kept:.2f}. The inferred need matches the planted one "
        "for {acc:.0%} of {n:,} buyers with a clear need (always guessing the largest type: {chance:.0%}).",
        high=top["high"], high_all=top["high_all"], champ=top["champions"], champ_all=top["champions_all"],
        lapsed=lapse["lapsed"], kept=lapse["kept"], acc=need["accuracy"], n=need["n"], chance=need["chance"])
    return [text]
