"""02's calibration and as_of dates: a table shorter than the holdout stops naming the parameter to change."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.common.errors import ParameterError
from experiments.lab.config import notebook_parameters
from experiments.segments import Config


def _config(**overrides) -> Config:
    return Config.from_parameters(notebook_parameters("02_customer_segmentation", None, overrides))


def test_a_table_shorter_than_the_holdout_names_holdout_days() -> None:
    """The Online Retail CSV covers 13 days; with the 182-day holdout 02 stopped with a bare ValueError."""
    tx = pd.DataFrame({"date": pd.date_range("2010-12-01", "2010-12-13", freq="D")})
    cfg = _config(holdout_days=182)
    with pytest.raises(ParameterError, match=r"span 12 days.*holdout_days=182.*-p holdout_days=4"):
        cfg.dates(tx)
    cal, as_of = _config(holdout_days=4).dates(tx)
    assert (cal, as_of) == (pd.Timestamp("2010-12-09"), pd.Timestamp("2010-12-13"))


def test_a_given_calibration_end_outside_the_data_says_so() -> None:
    tx = pd.DataFrame({"date": pd.date_range("2011-01-01", "2011-12-31", freq="D")})
    with pytest.raises(ParameterError, match="set calibration_end to a day between them"):
        _config(calibration_end="2012-03-01", holdout_days=30).dates(tx)
