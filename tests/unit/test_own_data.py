"""A user's own file reads the first time (issue 19): compressed CSVs, epoch times, other delimiters, no header,
and numbers typed for text parameters. Each test writes its file and failed before the fix it names."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from experiments.common.dates import parse_dates
from experiments.data import inputs
from experiments.data.tables import read_table, sniff_layout
from experiments.lab.config import ParameterError, validate

CSV = "user,event,when\nu1,open,2024-01-05\nu2,café,2024-01-06\n"


@pytest.mark.parametrize("suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)])
def test_a_compressed_csv_is_read_and_its_encoding_detected_on_the_text(tmp_path: Path, suffix, opener) -> None:
    # before: detection read the compressed bytes ("the text encoding cannot be told")
    path = tmp_path / f"events.csv{suffix}"
    with opener(path, "wb") as fh:
        fh.write(CSV.encode("utf-8"))
    df = read_table(path)
    assert df["event"].tolist() == ["open", "café"] and df.attrs["encoding"] == "utf-8-sig"


def test_a_zipped_csv_and_a_gbk_gzip_are_read(tmp_path: Path) -> None:
    zpath = tmp_path / "events.csv.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("events.csv", CSV)
    assert read_table(zpath)["user"].tolist() == ["u1", "u2"]
    gpath = tmp_path / "reviews.csv.gz"
    text = "id,text\n" + "".join(f"{i},这家店的咖啡很好喝，服务也很周到，下次还会再来{i}\n" for i in range(200))
    with gzip.open(gpath, "wb") as fh:
        fh.write(text.encode("gbk"))
    df = read_table(gpath)
    assert df.attrs["encoding"].lower() in {"gbk", "gb18030", "gb2312", "cp936"}
    assert df["text"].iloc[0].startswith("这家店的咖啡")


def test_epoch_seconds_are_dates_detected_and_by_format() -> None:
    # before: "55375 values that are not dates ... set date_order or date_format" (MovieLens timestamps)
    ts = pd.Series([881250949, 884182806, 891717742])
    got = parse_dates(ts)
    assert got.order_used == "unix_s"  # said in the run info
    assert got.values.iloc[0] == pd.Timestamp("1997-12-04 15:55:49")  # MovieLens u.data row 1, by hand
    ms = parse_dates(pd.Series(["1700000000123"]), fmt="unix_ms")
    assert ms.values.iloc[0] == pd.Timestamp("2023-11-14 22:13:20.123")
    assert parse_dates(pd.Series(["881250949"]), fmt="unix_s").values.iloc[0] == pd.Timestamp("1997-12-04 15:55:49")
    # neighbours are not taken for epoch seconds: YYYYMMDD integers, Excel serials, a mixed column
    assert parse_dates(pd.Series([20240105])).values.iloc[0] == pd.Timestamp("2024-01-05")
    assert parse_dates(pd.Series([45000])).order_used != "unix_s"
    assert parse_dates(pd.Series(["2024-01-05", "881250949"])).order_used != "unix_s"


def test_semicolon_tab_and_whitespace_files_without_header(tmp_path: Path) -> None:
    semi = tmp_path / "export.csv"
    semi.write_text("customer_id;date;amount\nc1;2024-01-05;12,50\nc2;2024-01-06;3,00\n", encoding="utf-8")
    df = read_table(semi)  # before: one column 'customer_id;date;amount'
    assert list(df.columns) == ["customer_id", "date", "amount"] and df.attrs["sep"] == ";"
    cdnow = tmp_path / "CDNOW_master.txt"
    cdnow.write_text("00001 19970101  1  11.77\n00002 19970112  1  12.00\n00002 19970112  5  77.00\n")
    df = read_table(cdnow)  # before: "column '0' not found; the file has 1 columns"
    assert list(df.columns) == ["0", "1", "2", "3"] and df.attrs["header"] is False
    assert df["3"].tolist() == [11.77, 12.0, 77.0]
    table = inputs.load_input(str(cdnow), {"customer": "0", "date": "1"}, sep="whitespace", header=False,
                              dtype={"0": "string"})
    assert table.frame["0"].tolist() == ["00001", "00002", "00002"]
    assert sniff_layout(["a\tb\tc", "1\t2\t3"]) == ("\t", True)
    assert sniff_layout(['name,city', '"Smith, J",Paris', 'Lee,Rome']) == (",", True)


def test_a_number_given_for_a_text_parameter_is_its_text(capsys: pytest.CaptureFixture[str]) -> None:
    # before: "-p positive_label=1 ... expects str like its default '1', got int 1"
    defaults = {"positive_label": "Yes", "customer_col": "customer_id", "alpha": 0.05, "n": 10}
    got = validate("04_churn_prediction", defaults, {"positive_label": 1, "customer_col": 0}, "the command line")
    assert got == {"positive_label": "1", "customer_col": "0"}
    assert capsys.readouterr().err.count("is read as the text") == 2
    with pytest.raises(ParameterError, match="expects int"):
        validate("04_churn_prediction", defaults, {"n": "ten"}, "the command line")
    with pytest.raises(ParameterError, match="expects str"):
        validate("04_churn_prediction", defaults, {"positive_label": ["Yes"]}, "the command line")
