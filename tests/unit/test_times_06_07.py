"""06 and 07 read times with the same date_order / date_format as every other notebook (issue 19)."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.abtest.prepare import prepare
from experiments.common.errors import DataInputError
from experiments.service.reply_times import to_utc


def _ab(times: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"uid": ["u1", "u2", "u3", "u4"], "grp": ["a", "b", "a", "b"], "conv": [0, 1, 1, 0],
                         "day": times})


def test_06_reads_day_first_dates_and_epoch_seconds_as_told() -> None:
    args = {"unit_col": "uid", "variant_col": "grp", "control_label": "a", "metric_cols": ["conv"], "time_col": "day"}
    out = prepare(_ab(["03/04/2025", "04/04/2025", "05/04/2025", "06/04/2025"]), date_order="dmy", **args)
    assert list(out["day"].dt.strftime("%Y-%m-%d")) == ["2025-04-03", "2025-04-04", "2025-04-05", "2025-04-06"]
    mdy = prepare(_ab(["03/04/2025", "04/04/2025", "05/04/2025", "06/04/2025"]), date_order="mdy", **args)
    assert mdy["day"].dt.month.tolist() == [3, 4, 5, 6]
    epoch = prepare(_ab(["1743638400", "1743724800", "1743811200", "1743897600"]), date_format="unix_s", **args)
    assert epoch["day"].dt.strftime("%Y-%m-%d").tolist()[0] == "2025-04-03"
    with pytest.raises(DataInputError, match="set date_order or date_format"):
        prepare(_ab(["soon", "04/04/2025", "05/04/2025", "06/04/2025"]), date_order="dmy", **args)


def test_07_reads_iso_twitter_slash_and_epoch_times() -> None:
    iso = to_utc(pd.Series(["2025-04-03T10:00:00Z", "Tue Oct 31 22:10:47 +0000 2017"]), "at", "f.csv")
    assert iso.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2025-04-03 10:00", "2017-10-31 22:10"]
    dmy = to_utc(pd.Series(["03/04/2025 10:00", "13/04/2025 11:30"]), "at", "f.csv", "dmy")
    assert dmy.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2025-04-03 10:00", "2025-04-13 11:30"]
    epoch = to_utc(pd.Series(["1743674400", "1743678000"]), "at", "f.csv", "auto", "unix_s")
    assert epoch.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2025-04-03 10:00", "2025-04-03 11:00"]
    with pytest.raises(DataInputError, match="f.csv: column 'at' has 1 values that are not timestamps"):
        to_utc(pd.Series(["2025-04-03T10:00:00Z", "whenever"]), "at", "f.csv")
