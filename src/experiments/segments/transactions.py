"""Per-customer transactions: validation of a flat (customer, date, amount) table and the calibration summaries.

A transaction is one customer-day (several orders of one customer on one day count once, their amounts summed),
as in Fader, Hardie & Lee (2005): repeat transactions exclude the first purchase, and times are measured from each
customer's first purchase in the chosen unit (``W`` weeks or ``D`` days).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.common.dates import parse_dates
from experiments.common.errors import DataInputError, example_rows
from experiments.common.ids import id_text

UNITS = {"W": 7.0, "D": 1.0}


def validate_transactions(frame: pd.DataFrame, source: str, columns: dict[str, str], date_order: str = "auto",
                          date_format: str = "", keep_zero: bool = True) -> tuple[pd.DataFrame, dict]:
    """Return (clean, dropped counts) from a role-named frame with ``customer``, ``date`` and ``amount``.

    Dates are parsed by the lab's one date parser (``common.dates.parse_dates``: ISO, YYYYMMDD, Excel
    datetimes; slash dates only with a provable or given ``date_order``, never guessed); amounts must be numeric.
    Rows without a customer are dropped and counted (guests cannot be segmented); an unparseable date or amount
    stops with an error naming the file, the column and example rows (never a silent cast). Amounts that are not
    finite (``inf``, or a quantity x price that overflows) are set aside and counted (``non_finite_amount``): no
    total, CLV or share can be computed with them. Negative amounts
    (refunds, cancellations) are dropped and counted: they are not purchases. Zero amounts are purchases (a free
    item still is a visit; CDNOW has them and the published fits count them) unless ``keep_zero`` is False.
    """
    missing = [r for r in ("customer", "date", "amount") if r not in frame.columns]
    if missing:
        raise DataInputError(f"{source}: transactions need the roles {missing}")
    cust = frame["customer"]
    no_customer = cust.isna() | (cust.astype("string").str.strip() == "")
    parsed = parse_dates(frame["date"], order=date_order, fmt=date_format,
                         column=str(columns.get("date", "date"))).values
    bad_date = parsed.isna() & ~no_customer
    if bad_date.any():
        raise DataInputError(f"{source}: column {columns.get('date')!r} has {int(bad_date.sum())} values that are not "
                             f"dates ({example_rows(bad_date)}); expected e.g. 2024-03-31 or 2024-03-31 14:05")
    amount = frame["amount"]
    if not pd.api.types.is_numeric_dtype(amount):
        num = pd.to_numeric(amount.astype("string").str.strip(), errors="coerce")
    else:
        num = amount.astype(float)
    bad_amount = num.isna() & ~no_customer
    if bad_amount.any():
        raise DataInputError(f"{source}: column {columns.get('amount')!r} has {int(bad_amount.sum())} values that are "
                             f"not numbers ({example_rows(bad_amount)}); expected e.g. 12.50")
    non_finite = ~no_customer & ~np.isfinite(num.astype(float))
    negative = ~no_customer & ~non_finite & (num < 0)
    zero = ~no_customer & (num == 0) & (not keep_zero)
    keep = ~no_customer & ~non_finite & ~negative & ~zero
    clean = pd.DataFrame({"customer_id": id_text(cust[keep]).astype(str),  # 12345, never "12345.0"
                          "date": parsed[keep].astype("datetime64[ns]").dt.normalize(),
                          "amount": num[keep].astype(float)})
    return clean.reset_index(drop=True), {"no_customer": int(no_customer.sum()), "negative_amount": int(negative.sum()),
                                          "zero_amount": int(zero.sum()), "non_finite_amount": int(non_finite.sum())}


#: Fewest customers with a purchase a segmentation needs: the purchase models fit two or more shape parameters
#: from the customers' histories and the RFM scores split customers into quintiles.
MIN_CUSTOMERS = 2


def set_aside_future(tx: pd.DataFrame, as_of: str, source: str, today: pd.Timestamp | None = None
                     ) -> tuple[pd.DataFrame, int]:
    """Return (``tx`` without purchases dated in the future, how many were set aside).

    The future is after ``as_of`` when it is given, else after ``today`` (the run's UTC date; one day of slack for
    time zones): a purchase dated 2031 would otherwise move ``as_of`` to 2031 and every recency and CLV with it.
    ``source`` names the file in the note printed when rows are set aside."""
    if as_of:
        limit = pd.Timestamp(as_of)
    else:
        now = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize() if today is None else pd.Timestamp(today)
        limit = now + pd.Timedelta(days=1)
    future = tx["date"] > limit
    n = int(future.sum())
    if n:
        print(f"{source}: {n} purchases dated after {limit:%Y-%m-%d} ({'as_of' if as_of else 'today'}; latest "
              f"{tx.loc[future, 'date'].max():%Y-%m-%d}) were set aside; fix their dates or set as_of to include them")
    return tx[~future], n


def check_enough_customers(tx: pd.DataFrame, source: str, column: str) -> None:
    """Stop with a ``DataInputError`` naming ``source`` and ``column`` when fewer than ``MIN_CUSTOMERS`` customers
    have a purchase (the purchase models cannot be fitted on one customer)."""
    n = int(tx["customer_id"].nunique())
    if n < MIN_CUSTOMERS:
        raise DataInputError(f"{source}: column {column!r} holds {n} customer{'s' if n != 1 else ''} with a purchase; "
                             f"segmentation needs at least {MIN_CUSTOMERS} to fit the purchase models (check "
                             f"customer_col, or segment a table with more customers)")


def daily(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and day (amounts summed), sorted by customer and date."""
    out = tx.groupby(["customer_id", "date"], as_index=False, sort=True)["amount"].sum()
    return out


def summarise(tx: pd.DataFrame, calibration_end: pd.Timestamp, time_unit: str = "W",
              holdout_end: pd.Timestamp | None = None, engine=None) -> pd.DataFrame:  # noqa: ANN001 - data.engine
    """Return the calibration summary per customer whose first purchase is on or before ``calibration_end``.

    Columns: first (date), x (repeat customer-days), t_x, T (in ``time_unit`` from the first purchase; T to the day
    after ``calibration_end``'s start, i.e. ``calibration_end - first``), m (mean repeat amount, NaN when x = 0),
    monetary (mean amount of all calibration days), and, with ``holdout_end``, x_holdout / amount_holdout (repeat
    days and spend in (calibration_end, holdout_end]). ``tx`` is a (customer_id, date, amount) frame. The
    per-customer aggregation runs on ``engine`` (``engine_steps.customer_days``; ``data.engine.embedded()`` when
    None).
    """
    from experiments.data.engine import embedded
    from experiments.segments.engine_steps import customer_days

    if time_unit not in UNITS:
        raise ValueError(f"time_unit must be one of {sorted(UNITS)}; got {time_unit!r}")
    unit = UNITS[time_unit]
    agg = customer_days(tx, calibration_end, engine or embedded(), later_end=holdout_end)
    first, n, total = agg["first"], agg["n"], agg["total"]
    x = (n - 1).astype(float)
    out = pd.DataFrame({
        "first": first,
        "x": x,
        "t_x": (agg["last"] - first).dt.days / unit,
        "T": (calibration_end - first).dt.days / unit,
        "m": np.where(x > 0, (total - agg["first_amount"]) / x.where(x > 0, 1.0), np.nan),
        "monetary": total / n,
    })
    if holdout_end is not None:
        out["x_holdout"] = agg["n_later"].astype(float)
        out["amount_holdout"] = agg["amount_later"]
    out.index.name = "customer_id"
    return out
