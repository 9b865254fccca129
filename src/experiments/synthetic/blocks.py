"""A world too big for one pass (``Size.blocks`` > 1, size ``xlarge``): persons in blocks, rows appended per block.

Each block is a world of ``persons / blocks`` persons built by ``world.build_world`` with its own seed (drawn from the
stream ``block<k>`` of the world's seed), the world's items, ids numbered after the blocks before it and no email or
phone number reused. Its raw and truth rows are appended to the files and dropped, so memory follows one block. The ad
events, the service log, the prospects and ``person_records.csv`` are drawn or written once for the whole world, from
the blocks' records, shop members and segmentation truth (small tables). Sizes with one block never come here: their
worlds are byte-identical to those of ``generate`` before blocks existed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.synthetic import ads, service, writer
from experiments.synthetic.population import SOURCES
from experiments.synthetic.sizes import Size, rng_for
from experiments.synthetic.world import Block, build_world

ID_KINDS = ("H", *SOURCES, "S", "T", "F", "CM")
ONCE = ("ad_events.csv", "service_log.csv", "prospects.csv")
"""Raw files drawn once for the whole world, not per block."""


def block_seed(seed: int, k: int) -> int:
    """The seed of block ``k``: drawn from the world seed's own stream ``block<k>``."""
    return int(rng_for(seed, f"block{k}").integers(0, 2**31 - 1))


def _summed(total: dict, part: dict) -> dict:
    """``total`` with every number of ``part`` added (nested dicts alike)."""
    for k, v in part.items():
        if isinstance(v, dict):
            total[k] = _summed(total.get(k, {}), v)
        else:
            total[k] = total.get(k, 0) + v
    return total


def _last_number(ids: pd.Series) -> int:
    """The highest number among ids like ``S00000123`` (0 for none)."""
    return int(ids.str.extract(r"(\d+)$", expand=False).astype(np.int64).max()) if len(ids) else 0


def generate_blocks(out: Path, truth_dir: Path, spec: Size, seed: int, write_raw: Any,
                    block_counts: Any) -> tuple[dict, dict, dict]:
    """Write every raw and truth file of a world generated in ``spec.blocks`` blocks.

    ``write_raw(df, path, entry, append)`` writes one raw table; ``block_counts(world)`` the manifest counts of one
    block's world (summed over blocks). Returns (raw files' rows, truth files' rows, summed counts)."""
    from experiments.data.catalog import company_entries
    from experiments.synthetic.prospects import make_prospects

    part = replace(spec, persons=spec.persons // spec.blocks, order_lines=spec.order_lines // spec.blocks,
                   feedback_rows=spec.feedback_rows // spec.blocks, exp_units=0, blocks=1)
    entries = {e.filename: e for e in company_entries()}
    first = dict.fromkeys(ID_KINDS, 1)
    taken: dict[str, set] = {"email": set(), "CN": set(), "US": set()}
    rows: dict[str, int] = {}
    truth_rows: dict[str, int] = {}
    counts: dict = {}
    xlsx: dict[str, writer.XlsxAppender] = {}
    tastes: pq.ParquetWriter | None = None
    records, languages, shop_refs, shop_persons, segments, persons_gc = [], [], [], [], [], []
    try:
        for k in range(spec.blocks):
            w = build_world(part, seed, Block(block_seed(seed, k), seed, dict(first), taken))
            for name, df in w.raw.items():
                if name == "items.csv" and k > 0:
                    continue  # every block sells the same items
                entry = entries[name]
                if entry.format == "excel":
                    if name not in xlsx:
                        xlsx[name] = writer.XlsxAppender(out / name, str(entry.sheet))
                    xlsx[name].append(df)
                else:
                    write_raw(df, out / name, entry, k > 0)
                rows[name] = rows.get(name, 0) + len(df)
            for name, df in w.truth.items():
                if name == "item_factors.parquet":
                    if k == 0:
                        writer.write_parquet(df, truth_dir / name)
                elif name == "tastes.parquet":
                    table = pa.Table.from_pandas(df, preserve_index=False)
                    tastes = tastes or pq.ParquetWriter(truth_dir / name, table.schema, compression="zstd")
                    tastes.write_table(table)
                elif name != "person_records.csv":
                    writer.write_csv(df, truth_dir / name, append=k > 0)
                truth_rows[name] = truth_rows.get(name, 0) + (len(df) if name != "item_factors.parquet" or k == 0
                                                                else 0)
            _summed(counts, block_counts(w))
            rec = w.parts["records"]
            records.append(rec.assign(person=rec["person"].to_numpy() + first["H"] - 1))
            languages.append(w.parts["language"])
            shop_refs.append(w.parts["shop_refs"])
            shop_persons.append(w.parts["shop_persons"])
            segments.append(w.truth["segments.csv"])
            persons_gc.append(w.truth["persons.csv"][["gender", "city"]])
            first["H"] += part.persons
            for s in SOURCES:
                first[s] += int((rec["source"] == s).sum())
            for kind, name, col in (("S", "shop_orders.csv", "order_id"), ("T", "pos_transactions.csv", "txn_id"),
                                    ("F", "feedback.jsonl", "feedback_id"), ("CM", "campaigns.csv", "send_id")):
                ids = w.raw[name][col]
                first[kind] = max(first[kind], _last_number(ids[ids.str.startswith(kind)]) + 1)
            del w
    finally:
        for x in xlsx.values():
            x.close()
        if tastes is not None:
            tastes.close()

    all_records = pd.concat(records, ignore_index=True)
    pid = np.array([f"H{i + 1:06d}" for i in range(first["H"] - 1)], dtype=object)
    person_records = pd.DataFrame({"source": all_records["source"], "record_id": all_records["record_id"],
                                   "person_id": pid[all_records["person"].to_numpy()]}).sort_values(
        ["source", "record_id"], ignore_index=True)
    writer.write_csv(person_records, truth_dir / "person_records.csv")
    truth_rows["person_records.csv"] = len(person_records)

    once: dict[str, pd.DataFrame] = {}
    once["ad_events.csv"], experiments = ads.make_ad_events(spec.exp_units, seed)
    once["ad_events.csv"], ad_members = ads.link_members(once["ad_events.csv"], np.concatenate(shop_refs),
                                                         np.concatenate(shop_persons), seed)
    once["service_log.csv"], service_truth = service.make_service_log(
        spec, seed, all_records, pd.DataFrame({"language": np.concatenate(languages)}))
    once["prospects.csv"], prospects = make_prospects(pd.concat(segments, ignore_index=True),
                                                      pd.concat(persons_gc, ignore_index=True), seed)
    for name, df in once.items():
        write_raw(df, out / name, entries[name], False)
        rows[name] = len(df)
    for name, df in (("ad_members.csv", ad_members), ("prospects.csv", prospects)):
        writer.write_csv(df, truth_dir / name)
        truth_rows[name] = len(df)
    writer.write_json(experiments, truth_dir / "experiments.json")
    truth_rows["experiments.json"] = len(experiments)
    writer.write_json(service_truth, truth_dir / "service.json")
    truth_rows["service.json"] = service_truth["contacts"]
    counts["ad_event_rows"] = len(once["ad_events.csv"])
    return rows, truth_rows, counts


__all__ = ["ONCE", "block_seed", "generate_blocks"]
