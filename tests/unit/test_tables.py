"""Reading flat tables: formats, encodings, and errors that name the file, column and rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.data.tables import DataInputError, example_rows, map_columns, read_table, require_columns


def test_reads_csv_utf8_bom_gbk_parquet_excel_jsonl(tmp_path: Path) -> None:
    df = pd.DataFrame({"姓名": ["张三", "李四"], "n": [1, 2]})
    (tmp_path / "a.csv").write_bytes(df.to_csv(index=False).encode("utf-8-sig"))
    (tmp_path / "b.csv").write_bytes(df.to_csv(index=False).encode("gbk"))
    df.to_parquet(tmp_path / "c.parquet")
    df.to_excel(tmp_path / "d.xlsx", index=False)
    df.to_json(tmp_path / "e.jsonl", orient="records", lines=True, force_ascii=False)
    for name in ["a.csv", "b.csv", "c.parquet", "d.xlsx", "e.jsonl"]:
        # six GBK characters read as validly in Korean cp949: too little text to tell, so the encoding is given
        got = read_table(tmp_path / name, encoding="gbk" if name == "b.csv" else None)
        assert list(got.columns) == ["姓名", "n"], name
        assert got["姓名"].tolist() == ["张三", "李四"], name


def test_missing_empty_and_undecodable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataInputError, match="nope.csv: file not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(DataInputError, match="empty.csv: the file is empty"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "latin.csv").write_bytes("name\ntea\ncaf\xe9\n".encode("latin-1"))
    # the bad byte (0xe9) sits on the file's third line: header, 'tea', 'café'
    with pytest.raises(DataInputError, match="latin.csv: cannot decode as utf-8 at line 3;"):
        read_table(tmp_path / "latin.csv", encoding="utf-8")
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(DataInputError, match="x.docx: unknown file type"):
        read_table(tmp_path / "x.docx")


def test_map_columns_renames_roles_and_names_missing_ones() -> None:
    df = pd.DataFrame({"user id": [1], "test group": ["ad"], "converted": [True]})
    out = map_columns(df, {"unit": "user id", "variant": "test group", "segment": ""}, "ab.csv", optional=["segment"])
    assert list(out.columns) == ["unit", "variant"]
    with pytest.raises(DataInputError, match="ab.csv: missing required column\\(s\\) 'group'; found 'user id'"):
        map_columns(df, {"variant": "group"}, "ab.csv")
    with pytest.raises(DataInputError, match="required role 'unit' \\(parameter unit_col\\)"):
        map_columns(df, {"unit": ""}, "ab.csv")
    with pytest.raises(DataInputError, match="'a', 'b'"):
        require_columns(df, ["a", "b"], "ab.csv")


def test_example_rows_are_one_based_and_truncated() -> None:
    assert example_rows([False, True, False, True]) == "rows 2, 4"
    assert example_rows([True] * 7, limit=3) == "rows 1, 2, 3, ..."
    assert example_rows([False, True]) == "row 2"


def test_a_cp1252_file_is_never_guessed_as_gb18030(tmp_path: Path) -> None:
    """Issue 8: 'CRÈME BRÛLÉE SET' in cp1252 decodes without error as GB18030 (as 'CR萂E BR跮蒃 SET'); the loader
    now stops, shows the line read each plausible way, and asks for the encoding; given it, the text is right."""
    path = tmp_path / "latin.csv"
    path.write_bytes("InvoiceNo,Description\n1,CRÈME BRÛLÉE SET\n2,contrôle\n".encode("cp1252"))
    with pytest.raises(DataInputError, match=r"latin.csv: the text encoding cannot be told.*cp1252: '1,CRÈME BRÛLÉE"):
        read_table(path)
    assert read_table(path, encoding="cp1252")["Description"].tolist() == ["CRÈME BRÛLÉE SET", "contrôle"]


def test_gbk_utf8_bom_crlf_and_quoted_newlines_are_detected(tmp_path: Path) -> None:
    gbk = tmp_path / "members.csv"
    gbk.write_bytes("会员编号,姓名,城市\nW1,张三,北京\nW2,李四,上海\n".encode("gbk"))
    df = read_table(gbk)
    assert df["姓名"].tolist() == ["张三", "李四"] and df.attrs["encoding"] == "gb18030"
    bom = tmp_path / "bom.csv"
    bom.write_bytes('\ufeffid,note\r\n1,"two\nlines"\r\n2,ok\r\n'.encode())
    df = read_table(bom)
    assert list(df.columns) == ["id", "note"] and df["note"].tolist() == ["two\nlines", "ok"]
