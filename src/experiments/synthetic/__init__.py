"""The synthetic company "Lakeside Coffee & Goods": messy raw sources plus the planted truth that explains them.

Public API
----------
- ``generate(out_dir, size="small", seed=42) -> dict``: write every raw file of ``docs/raw_sources.md`` into
  ``out_dir`` and the truth into ``out_dir / "_truth"``; return the manifest (also ``_truth/manifest.json``).
  Same seed and size give the same bytes.
- ``generate_cached(size, seed, root) -> Path``: the raw folder ``root / f"{size}-{seed}" / "raw"``, generated only
  when it lacks a complete manifest (generation goes to a temporary folder that is renamed into place, so
  concurrent test workers never see half a world). Handy in pytest::

      @pytest.fixture(scope="session")
      def tiny_raw(tmp_path_factory):
          return generate_cached("tiny", 1, tmp_path_factory.getbasetemp() / "worlds")

- ``SIZES``: tiny / small / medium / large (persons, order lines, experiment units, feedback rows, items) and xlarge
  (1,000,000 persons, 10 million order lines), written in 10 blocks of persons by ``blocks`` (memory of one block).
- ``raw_files()`` (the company sources of conf/catalog.yaml) and ``TRUTH_FILES``: the file names written.

Modules: ``sizes`` (calendar, sizes, random streams), ``people`` and ``records`` (persons and their messy
customer records), ``catalog`` (items, factors, tastes), ``behaviour`` (order timing), ``orders`` and
``raw_orders`` (lines, statuses, anomalies, files), ``feedback`` and ``feedback_text``, ``churn``, ``ads``,
``writer`` (deterministic bytes), ``world`` (assembly in causal order).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.synthetic import writer
from experiments.synthetic.churn import COEF, INTERCEPT
from experiments.synthetic.products import COPURCHASE
from experiments.synthetic.sizes import AS_OF, GENERATOR_VERSION, LABEL_DAYS, REFERENCE_DATE, SIZES, get_size

TRUTH_FILES = ("manifest.json", "person_records.csv", "persons.csv", "churn.csv", "tastes.parquet",
               "item_factors.parquet", "feedback.csv", "experiments.json",
               "segments.csv", "service.json", "campaign.csv", "prospects.csv", "ad_members.csv")
TRUTH_DIR = "_truth"

__all__ = ["raw_files", "SIZES", "TRUTH_DIR", "TRUTH_FILES", "generate", "generate_cached", "manifest_complete"]


def raw_files() -> list[str]:
    """The raw file names the generator writes: the company world's sources in ``conf/catalog.yaml``."""
    from experiments.data.catalog import company_entries

    return [e.filename for e in company_entries()]


def _write_raw(df: pd.DataFrame, path: Path, fmt: str | None, encoding: str | None, sheet: str | int | None) -> None:
    """Write one raw file in the format, encoding and sheet its catalog entry declares."""
    if fmt == "csv":
        writer.write_csv(df, path, encoding=encoding or "utf-8")
    elif fmt == "jsonl":
        writer.write_jsonl(df, path)
    elif fmt == "excel":
        writer.write_xlsx(df, path, sheet=str(sheet))
    else:
        raise ValueError(f"{path.name}: the catalog's format {fmt!r} has no writer")


def _anomalies(raw: dict[str, pd.DataFrame], counts: dict) -> dict[str, Any]:
    """Counts of every planted order anomaly, measured on the frames exactly as written."""
    shop, pos = raw["shop_orders.csv"], raw["pos_transactions.csv"]
    as_of = f"{AS_OF:%Y-%m-%d}"
    pos_date = pd.to_datetime(pos["txn_time"], format="%d/%m/%Y %H:%M")
    return {
        "shop_lines": len(shop), "shop_orders": int(shop["order_id"].nunique()),
        "shop_duplicate_lines": counts["shop_duplicate_lines"],
        "shop_guest_lines": int((shop["user_id"] == "").sum()),
        "shop_cancelled_lines": int((shop["status"] == "cancelled").sum()),
        "shop_cancelled_orders": int(shop.loc[shop["status"] == "cancelled", "order_id"].nunique()),
        "shop_returned_lines": int((shop["status"] == "returned").sum()),
        "shop_returned_orders": int(shop.loc[shop["status"] == "returned", "order_id"].nunique()),
        "shop_late_delivery_lines": int((shop["delivery_days"] > 5).sum()),
        "shop_zero_price_lines": int((shop["unit_price"] == 0).sum()),
        "shop_negative_price_lines": int((shop["unit_price"] < 0).sum()),
        "shop_future_lines": int((shop["order_time"] > as_of).sum()),
        "pos_lines": len(pos), "pos_txns": int(pos["txn_id"].nunique()),
        "pos_duplicate_lines": counts["pos_duplicate_lines"],
        "pos_guest_lines": int((pos["card_no"] == "").sum()),
        "pos_void_lines": int((pos["txn_type"] == "void").sum()),
        "pos_return_lines": int((pos["txn_type"] == "return").sum()),
        "pos_zero_price_lines": int((pos["price"] == 0).sum()),
        "pos_negative_price_lines": int(((pos["price"] < 0)).sum()),
        "pos_future_lines": int((pos_date >= pd.Timestamp(AS_OF) + pd.Timedelta(days=1)).sum()),
        "order_lines_total": len(shop) + len(pos),
    }


def _block_counts(w: Any) -> dict[str, Any]:
    """The manifest counts of one world (or one block of it) that add up over blocks."""
    churn = w.truth["churn.csv"]
    records = w.truth["person_records.csv"]
    return {
        "persons": len(w.truth["persons.csv"]), "customer_records": len(records),
        "persons_with_several_records": int((records.groupby("person_id").size() > 1).sum()),
        "churn_population": len(churn), "churned": int(churn["churned"].sum()),
        "feedback_rows": len(w.raw["feedback.jsonl"]),
        "campaign_rows": len(w.raw["campaigns.csv"]), "campaign_customers": len(w.truth["campaign.csv"]),
        **w.counts["customers"], **_anomalies(w.raw, w.counts),
        "planted_zero_price_lines": w.counts["planted_bad_price_lines"]["zero"],
        "planted_negative_price_lines": w.counts["planted_bad_price_lines"]["negative"],
        "forced_retention_orders": w.counts["forced_retention_orders"],
    }


def generate(out_dir: str | os.PathLike[str], size: str = "small", seed: int = 42) -> dict:
    """Write the raw files into ``out_dir`` and the truth into ``out_dir/_truth``; return the manifest.

    ``size`` is one of ``SIZES``; the output is byte-identical for the same ``size`` and ``seed``. Existing
    files of the same names are overwritten; other files are left alone. A size with several ``blocks`` is
    written block by block (``synthetic.blocks``).
    """
    from experiments.data.catalog import company_entries

    spec = get_size(size)
    out = Path(out_dir)
    truth_dir = out / TRUTH_DIR
    truth_dir.mkdir(parents=True, exist_ok=True)
    if spec.blocks > 1:
        from experiments.synthetic.blocks import generate_blocks

        def write_raw(df: pd.DataFrame, path: Path, entry: Any, append: bool) -> None:
            if entry.format == "csv":
                writer.write_csv(df, path, encoding=entry.encoding or "utf-8", append=append)
            elif entry.format == "jsonl":
                writer.write_jsonl(df, path, append=append)
            else:
                _write_raw(df, path, entry.format, entry.encoding, entry.sheet)

        raw_rows, truth_rows, counts = generate_blocks(out, truth_dir, spec, int(seed), write_raw, _block_counts)
        counts["items"] = spec.items
    else:
        raw_rows, truth_rows, counts = _generate_one(out, truth_dir, spec, int(seed))
    counts["records_per_person"] = round(counts["customer_records"] / counts["persons"], 4)
    files = {e.filename: {"rows": raw_rows[e.filename], "sha256": writer.sha256(out / e.filename)}
             for e in company_entries()}
    truth_files = {name: {"rows": n, "sha256": writer.sha256(truth_dir / name)} for name, n in truth_rows.items()}
    manifest = {
        "generator_version": GENERATOR_VERSION, "seed": int(seed), "size": size,
        "as_of": f"{AS_OF:%Y-%m-%d}", "reference_date": f"{REFERENCE_DATE:%Y-%m-%d}", "label_days": LABEL_DAYS,
        "files": files, "truth_files": truth_files, "counts": counts,
        "planted": {"copurchase": COPURCHASE, "churn_intercept": INTERCEPT, "churn_coefficients": COEF,
                    "late_delivery_days_over": 5, "taste_rank": 8},
    }
    writer.write_json(manifest, truth_dir / "manifest.json")
    return json.loads((truth_dir / "manifest.json").read_text(encoding="utf-8"))


def _generate_one(out: Path, truth_dir: Path, spec: Any, seed: int) -> tuple[dict, dict, dict]:
    """Build the whole world in memory and write it; return (raw files' rows, truth files' rows, counts)."""
    from experiments.data.catalog import company_entries
    from experiments.synthetic.prospects import make_prospects  # issue 21: own RNG stream, no other file changes
    from experiments.synthetic.world import build_world

    w = build_world(spec, seed)
    w.raw["prospects.csv"], w.truth["prospects.csv"] = make_prospects(w.truth["segments.csv"],
                                                                      w.truth["persons.csv"], seed)
    for entry in company_entries():
        _write_raw(w.raw[entry.filename], out / entry.filename, entry.format, entry.encoding, entry.sheet)
    for name, df in w.truth.items():
        (writer.write_parquet if name.endswith(".parquet") else writer.write_csv)(df, truth_dir / name)
    writer.write_json(w.experiments, truth_dir / "experiments.json")
    writer.write_json(w.service, truth_dir / "service.json")
    truth_rows = {name: len(df) for name, df in w.truth.items()}
    truth_rows["experiments.json"] = len(w.experiments)
    truth_rows["service.json"] = w.service["contacts"]
    counts = _block_counts(w) | {"items": len(w.raw["items.csv"]), "ad_event_rows": len(w.raw["ad_events.csv"])}
    return {name: len(df) for name, df in w.raw.items()}, truth_rows, counts


def manifest_complete(raw_dir: str | os.PathLike[str]) -> bool:
    """True when ``raw_dir/_truth/manifest.json`` exists and every file it lists is present."""
    raw = Path(raw_dir)
    path = raw / TRUTH_DIR / "manifest.json"
    if not path.is_file():
        return False
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all((raw / n).is_file() for n in manifest.get("files", {})) and all(
        (raw / TRUTH_DIR / n).is_file() for n in manifest.get("truth_files", {}))


def generate_cached(size: str, seed: int, root: str | os.PathLike[str]) -> Path:
    """Return ``root/f"{size}-{seed}"/raw``, generating it first unless it already holds a complete world.

    Generation happens in a temporary sibling folder renamed into place, so a reader never sees a partial world;
    when another process wins the race its copy is kept and ours discarded.
    """
    root = Path(root)
    target = root / f"{size}-{seed}"
    raw = target / "raw"
    if manifest_complete(raw):
        return raw
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{size}-{seed}-", dir=root))
    try:
        generate(tmp / "raw", size=size, seed=seed)
        if target.exists() and not manifest_complete(raw):
            stale = Path(tempfile.mkdtemp(prefix=f".stale-{size}-{seed}-", dir=root))
            try:
                os.replace(target, stale / "old")
            except OSError:
                pass
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.replace(tmp, target)
        except OSError:
            if not manifest_complete(raw):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return raw
