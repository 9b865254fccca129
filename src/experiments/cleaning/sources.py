"""The company world's raw sources: where each file is, how to read it, and how its columns map onto a common layout.

Customer sources map onto the *person-record layout* ``record_id, source, name, phone, email, city, address, gender,
birth_date, birth_year, registered_at`` (raw text, standardised later); order sources onto the order-lines layout of
``experiments.cleaning.orders``. A source's config is data (``SOURCES``), so a renamed column is a one-line change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.tables import DataInputError, read_table, require_columns

PERSON_COLUMNS = ["record_id", "source", "name", "phone", "email", "city", "address", "gender", "birth_date",
                  "birth_year", "registered_at"]


@dataclass(frozen=True)
class SourceConfig:
    """How to read one raw file and map its columns (``columns``: layout column -> file column)."""

    name: str
    file: str
    kind: str  # "person", "orders", "items", "feedback", "ad_events"
    columns: dict[str, str]
    encoding: str | None = None
    sheet: str | int | None = 0
    date_order: str = "dmy"          # how slash dates of this source are written (see standardise)
    utc_offset_hours: float = 0.0    # local time of naive timestamps (POS: Beijing, UTC+8)
    trust: int = 0                   # survivorship 'most trusted source' rank (higher wins)
    optional: tuple[str, ...] = field(default_factory=tuple)


SOURCES: dict[str, SourceConfig] = {
    "crm": SourceConfig("crm", "crm_customers.csv", "person", {
        "record_id": "crm_id", "name": "name", "phone": "phone", "email": "email", "city": "city",
        "gender": "gender", "birth_date": "birth_date", "registered_at": "registered_at"},
        encoding="utf-8", trust=4, utc_offset_hours=8),
    "shop": SourceConfig("shop", "shop_customers.jsonl", "person", {
        "record_id": "user_id", "name": "name", "phone": "mobile", "email": "email", "city": "city",
        "address": "address", "registered_at": "created_at"}, trust=3, utc_offset_hours=8),
    "wechat": SourceConfig("wechat", "wechat_members.csv", "person", {
        "record_id": "会员编号", "name": "姓名", "phone": "手机", "city": "城市", "gender": "性别",
        "registered_at": "注册时间"}, encoding="gb18030", trust=2, utc_offset_hours=8),
    "pos": SourceConfig("pos", "pos_members.xlsx", "person", {
        "record_id": "card_no", "name": "name", "phone": "phone", "city": "store_city", "registered_at": "join_date",
        "birth_year": "birth_year"}, sheet="members", trust=1, utc_offset_hours=8),
    "items": SourceConfig("items", "items.csv", "items", {
        "item_id": "item_id", "name": "name", "category": "category", "price": "price"}, encoding="utf-8"),
    "shop_orders": SourceConfig("shop_orders", "shop_orders.csv", "orders", {
        "order_id": "order_id", "line_no": "line_no", "customer_ref": "user_id", "item_id": "item_id",
        "quantity": "quantity", "unit_price": "unit_price", "ordered_at_raw": "order_time", "status": "status",
        "delivery_days": "delivery_days"}, encoding="utf-8", date_order="dmy", utc_offset_hours=0),
    "pos_transactions": SourceConfig("pos_transactions", "pos_transactions.csv", "orders", {
        "order_id": "txn_id", "line_no": "line_no", "customer_ref": "card_no", "item_id": "sku", "quantity": "qty",
        "unit_price": "price", "ordered_at_raw": "txn_time", "status": "txn_type", "store_city": "store_city"},
        encoding="utf-8", date_order="dmy", utc_offset_hours=8),
    "feedback": SourceConfig("feedback", "feedback.jsonl", "feedback", {
        "feedback_id": "feedback_id", "channel": "channel", "author_ref": "author_ref", "created_at": "created_at",
        "text": "text", "rating": "rating"}),
    "ad_events": SourceConfig("ad_events", "ad_events.csv", "ad_events", {
        "experiment_id": "experiment_id", "unit_id": "unit_id", "variant": "variant", "date": "date",
        "impressions": "impressions", "clicks": "clicks", "conversions": "conversions", "revenue": "revenue",
        "cost": "cost"}, encoding="utf-8"),
}
PERSON_SOURCES = tuple(k for k, v in SOURCES.items() if v.kind == "person")
ORDER_SOURCES = tuple(k for k, v in SOURCES.items() if v.kind == "orders")
POS_STATUS = {"sale": "completed", "return": "returned", "void": "cancelled"}


def read_source(raw_dir: Path, cfg: SourceConfig) -> pd.DataFrame:
    """Read one raw file as text-preserving columns (ids keep leading zeros) and check its mapped columns.

    Raises ``DataInputError`` naming the file for a missing, empty or undecodable file or a missing column.
    """
    path = Path(raw_dir) / cfg.file
    dtype = None if cfg.file.endswith((".jsonl", ".xlsx")) else str
    df = read_table(path, encoding=cfg.encoding, sheet=cfg.sheet, dtype=dtype)
    if df.empty:
        raise DataInputError(f"{cfg.file}: has a header but no rows")
    required = [c for k, c in cfg.columns.items() if k not in cfg.optional]
    require_columns(df, required, cfg.file)
    return df


def to_person_layout(df: pd.DataFrame, cfg: SourceConfig) -> pd.DataFrame:
    """Map a raw customer file onto ``PERSON_COLUMNS`` (missing ones are empty), keeping the raw index."""
    out = pd.DataFrame(index=df.index)
    for col in PERSON_COLUMNS:
        if col == "source":
            out[col] = cfg.name
        elif col in cfg.columns:
            out[col] = df[cfg.columns[col]]
        else:
            out[col] = pd.NA
    out["record_id"] = out["record_id"].astype("string").str.strip()
    return out


def to_order_layout(df: pd.DataFrame, cfg: SourceConfig) -> pd.DataFrame:
    """Map a raw order file onto the order-lines layout (``channel`` = shop/pos; POS txn types -> statuses)."""
    out = pd.DataFrame({k: df[c] for k, c in cfg.columns.items()}, index=df.index)
    status = out["status"].astype("string").str.strip().str.lower()
    if cfg.name == "pos_transactions":
        mapped = status.map(POS_STATUS)
    else:
        mapped = status.where(status.isin(["completed", "cancelled", "returned"]))
    unknown = status.notna() & mapped.isna()
    if unknown.any():
        raise DataInputError(f"{cfg.file}: column '{cfg.columns['status']}' has {int(unknown.sum())} unknown values "
                             f"{sorted(status[unknown].unique())[:5]}; expected completed/cancelled/returned or "
                             "sale/return/void")
    out["status"] = mapped.fillna("completed")
    out["channel"] = "shop" if cfg.name == "shop_orders" else "pos"
    return out
