"""A world generated in blocks (``Size.blocks`` > 1, as size xlarge is): one consistent world, not blocks side by side.

Generates a three-block world of tiny blocks (900 persons, ~18,000 order lines; a few seconds) under a test size.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments import synthetic
from experiments.synthetic import sizes, writer
from experiments.synthetic.blocks import block_seed

pytestmark = pytest.mark.slow  # ~7 s to generate alone, 30 s at load 14

BLOCKED = sizes.Size("tiny_x3", persons=900, order_lines=18_000, exp_units=4_000, feedback_rows=1_200, items=60,
                     blocks=3)


def _read(raw: Path, name: str) -> pd.DataFrame:
    if name.endswith(".jsonl"):
        return pd.read_json(raw / name, lines=True, dtype=False)
    if name.endswith(".xlsx"):
        return pd.read_excel(raw / name, sheet_name="members", dtype=object)
    return pd.read_csv(raw / name, dtype=str, keep_default_na=False, encoding="gbk" if "wechat" in name else "utf-8")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    mp = pytest.MonkeyPatch()
    mp.setitem(sizes.SIZES, BLOCKED.name, BLOCKED)
    try:
        raw = tmp_path_factory.mktemp("blocked") / "raw"
        synthetic.generate(raw, size=BLOCKED.name, seed=7)
    finally:
        mp.undo()
    out = {name: _read(raw, name) for name in synthetic.raw_files()}
    for name in ("person_records.csv", "persons.csv", "churn.csv", "feedback.csv", "segments.csv", "campaign.csv"):
        out[name] = pd.read_csv(raw / "_truth" / name, dtype=str, keep_default_na=False)
    out["manifest"] = json.loads((raw / "_truth" / "manifest.json").read_text(encoding="utf-8"))
    out["raw"] = raw
    return out


def test_every_file_is_complete_and_the_manifest_counts_all_blocks(world: dict) -> None:
    m = world["manifest"]
    for name in synthetic.raw_files():
        assert m["files"][name]["rows"] == len(world[name]), name
        assert m["files"][name]["sha256"] == writer.sha256(world["raw"] / name), name
    assert synthetic.manifest_complete(world["raw"])
    assert m["counts"]["persons"] == len(world["persons.csv"]) == BLOCKED.persons
    assert len(world["items.csv"]) == BLOCKED.items  # the items once, not once per block
    assert len(world["feedback.jsonl"]) == BLOCKED.feedback_rows
    assert m["counts"]["order_lines_total"] == len(world["shop_orders.csv"]) + len(world["pos_transactions.csv"])
    assert 15_000 <= m["counts"]["order_lines_total"] <= 21_000
    assert m["counts"]["shop_duplicate_lines"] == int(world["shop_orders.csv"].duplicated().sum())


def test_ids_are_unique_across_blocks_and_no_two_persons_share_an_email_or_phone(world: dict) -> None:
    persons = world["persons.csv"]
    assert persons["person_id"].is_unique
    assert persons["email"].is_unique and persons["phone_e164"].is_unique
    assert world["person_records.csv"]["record_id"].is_unique
    for name, col in (("feedback.jsonl", "feedback_id"), ("service_log.csv", "conversation_id")):
        assert world[name][col].is_unique, name
    # (order, line) repeats only as the planted exact duplicates: no two blocks share an order id
    for name, col in (("shop_orders.csv", "order_id"), ("pos_transactions.csv", "txn_id")):
        df = world[name]
        assert df.duplicated([col, "line_no"]).sum() == df.duplicated().sum(), name
    assert world["campaign.csv"]["customer_ref"].is_unique


def test_every_reference_resolves_to_a_record_of_the_one_world(world: dict) -> None:
    rec = world["person_records.csv"]
    known = set(rec["record_id"])
    refs = {"shop_orders.csv": "user_id", "pos_transactions.csv": "card_no", "feedback.jsonl": "author_ref",
            "service_log.csv": "customer_ref", "campaigns.csv": "customer_ref", "ad_events.csv": "member_ref"}
    for name, col in refs.items():
        used = world[name][col].fillna("").astype(str)
        assert used[used != ""].isin(known).all(), name
    assert set(rec["person_id"]) == set(world["persons.csv"]["person_id"])
    assert set(world["churn.csv"]["person_id"]) <= set(world["persons.csv"]["person_id"])
    assert rec.equals(rec.sort_values(["source", "record_id"], ignore_index=True))
    # the service log and the ad units cite customers of every block, not of the first one only
    owner = rec.set_index("record_id")["person_id"]
    block = lambda ids: (ids.str[1:].astype(int) - 1) // (BLOCKED.persons // BLOCKED.blocks)  # noqa: E731
    for name, col in (("service_log.csv", "customer_ref"), ("ad_events.csv", "member_ref")):
        used = world[name][col].fillna("").astype(str)
        assert set(block(owner[used[used != ""]])) == set(range(BLOCKED.blocks)), name


def test_each_block_has_its_own_streams_and_one_block_sizes_are_untouched() -> None:
    seeds = [block_seed(7, k) for k in range(BLOCKED.blocks)]
    assert len(set(seeds)) == BLOCKED.blocks and 7 not in seeds
    assert all(s.blocks == 1 for name, s in sizes.SIZES.items() if name in sizes.BASE_SIZES)
    assert sizes.SIZES["xlarge"].blocks > 1
    assert sizes.SIZES["xlarge"].persons % sizes.SIZES["xlarge"].blocks == 0
