"""Flat churn tables: labels, types, blanks and every validation's failure case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.churn.prepare import parse_label, prepare_flat
from experiments.common.errors import DataInputError


def _table(n: int = 8) -> pd.DataFrame:
    return pd.DataFrame({
        "id": [f"c{i}" for i in range(n)],
        "Churn": ["Yes", "No"] * (n // 2),
        "tenure": list(range(n)),
        "Total": [" ", "10.5", "20", "", "30", "40", "50", "60"][:n],  # two blanks
        "Contract": ["month", "year"] * (n // 2),
        "note": [f"free text {i}" for i in range(n)],
    })


def test_parse_label_text_numeric_and_errors() -> None:
    assert parse_label(pd.Series([" Yes", "No"]), "Yes", "f.csv", "Churn").tolist() == [1, 0]
    assert parse_label(pd.Series([1.0, 0.0, 1.0]), "1", "f.csv", "Exited").tolist() == [1, 0, 1]
    assert parse_label(pd.Series([True, False]), "True", "f.csv", "c").tolist() == [1, 0]
    with pytest.raises(DataInputError, match=r"f.csv: label column 'Churn' is empty in 1 row\(s\) \(row 2\)"):
        parse_label(pd.Series(["Yes", None, "No"]), "Yes", "f.csv", "Churn")
    assert parse_label(pd.Series(["Yes", "No"]), "yes", "f.csv", "Churn").tolist() == [1, 0]   # case ignored
    with pytest.raises(DataInputError, match="positive_label 'Churned' does not occur.*'No', 'Yes'"):
        parse_label(pd.Series(["Yes", "No"]), "Churned", "f.csv", "Churn")
    with pytest.raises(DataInputError, match="3 distinct values"):
        parse_label(pd.Series(["Yes", "No", "Maybe"]), "Yes", "f.csv", "Churn")
    with pytest.raises(DataInputError, match="both classes"):
        parse_label(pd.Series(["Yes", "Yes"]), "Yes", "f.csv", "Churn")


def test_prepare_flat_types_blanks_and_notes() -> None:
    t = prepare_flat(_table(), id_col="id", label_col="Churn", positive_label="Yes", source="f.csv", max_levels=5)
    assert list(t.X.columns) == ["tenure", "Total", "Contract"]          # note: 8 distinct texts > 5, left out
    assert t.categorical == ["Contract"] and isinstance(t.X["Contract"].dtype, pd.CategoricalDtype)
    assert t.blank_counts == {"Total": 2}
    assert np.isnan(t.X["Total"].iloc[0]) and t.X["Total"].iloc[1] == 10.5
    assert any("Total: 2 blank value(s) (rows 1, 4)" in n for n in t.notes)
    assert any(n.startswith("note: left out") for n in t.notes)
    assert t.y.tolist() == [1, 0] * 4 and list(t.X.index) == [f"c{i}" for i in range(8)]
    forced = prepare_flat(_table(), id_col="id", label_col="Churn", positive_label="Yes", drop_cols=["note"],
                          categorical_cols=["tenure"], source="f.csv")
    assert forced.categorical == ["tenure", "Contract"] and "note" not in forced.X


def test_prepare_flat_failures() -> None:
    bad = _table()
    bad.loc[5, "Total"] = "n/a"
    bad = pd.concat([bad] * 3, ignore_index=True).assign(id=lambda d: [f"c{i}" for i in range(len(d))])
    bad.loc[6:, "Total"] = bad.loc[6:, "Total"].replace("n/a", "7")     # one text value among 24: 96% numeric
    with pytest.raises(DataInputError, match=r"column 'Total' is numeric except 1 value\(s\).*row 6.*'n/a'"):
        prepare_flat(bad, id_col="id", label_col="Churn", positive_label="Yes", source="f.csv")
    with pytest.raises(DataInputError, match="column 'Tenure' .* is not in the file"):
        prepare_flat(_table(), id_col="id", label_col="Churn", positive_label="Yes", drop_cols=["Tenure"])
    dup = _table().assign(id=["a", "a", "b", "c", "d", "e", "f", "g"])
    with pytest.raises(DataInputError, match=r"repeated in 2 row\(s\) \(rows 1, 2\)"):
        prepare_flat(dup, id_col="id", label_col="Churn", positive_label="Yes")
    with pytest.raises(DataInputError, match="no feature columns"):
        prepare_flat(_table()[["id", "Churn"]], id_col="id", label_col="Churn", positive_label="Yes")
