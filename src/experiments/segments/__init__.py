"""Customer segmentation and lifetime value (notebook ``02_customer_segmentation``).

The one shape (docs/architecture.md): ``config`` (``Config.from_parameters``), ``sources`` (``load``: the company
world's processed tables, with the needs profile and the registered customers, or a flat transactions table),
``analysis`` (``run(config) -> Result``), ``result`` (``Result``: tables, metrics, ``publish`` of ``segments``),
``present`` (report text and tables), ``charts`` (figures) and ``evaluation`` (against the planted truth: the only
module that reads it).

One method each: ``transactions`` (validation of a flat table, the calibration summaries), ``btyd`` (BG/NBD,
Pareto/NBD and Gamma-Gamma likelihoods and fits), ``holdout`` (calibration/holdout check, CLV), ``rfm`` (scores and
named segments), ``tiers`` (value, behaviour, lifecycle and needs views), ``indicators`` (per-segment KPIs),
``migration`` (moves between runs).
"""

from experiments.segments.analysis import run
from experiments.segments.config import Config
from experiments.segments.result import Result
from experiments.segments.sources import load

__all__ = ["Config", "Result", "load", "run"]
