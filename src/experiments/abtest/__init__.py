"""Ad A/B-test analysis (notebook ``06_ad_ab_analysis``): trust checks, funnel, frequentist and Bayesian comparisons,
CUPED, power, sequential monitoring, segments, uplift and a plain-language verdict.

The one shape (docs/architecture.md): ``config`` (``Config.from_parameters``), ``sources`` (``load``: the company
world's ``ad_events`` of one experiment, or a flat table with one row per unit), ``analysis`` (``run(config) ->
Result``, simulations included), ``result`` (``Result``: tables, ``metrics()``, ``publish()`` of nothing),
``present`` (report text, tables and one ``*_section`` per numbered section), ``charts`` (figures titled with their
finding) and ``evaluation`` (against the planted truth: the only module that reads it).

The data step: ``engine_steps`` (per-variant n, sums and centred cross-products on the data engine, DuckDB or Spark:
every test, CUPED and ratio reads these ``Moments``, as warehouse-native experimentation tools do).

One method each: ``prepare`` (validate the roles, coerce 0/1 and numeric outcomes, order the variants), ``labels``
(variant slugs for keys, masked display labels), ``trust`` (sample-ratio mismatch, assignment consistency,
duplicates, at least one unit per arm; Kohavi, Tang & Xu 2020, ch. 21), ``funnel`` (funnel totals and delta-method
ratio errors; Deng et al. 2018), ``frequentist`` (two-proportion z-test, Welch t-test, lift intervals, Holm and BH),
``cuped`` (variance reduction with a pre-period covariate; Deng et al. 2013), ``ratio_cuped`` (CUPED for ratio
metrics), ``power`` (R's ``power.prop.test`` sample size, minimum detectable effects), ``sequential`` (always-valid
confidence sequence; Johari et al. 2017), ``groupseq`` (O'Brien-Fleming and Pocock alpha spending), ``bayes``
(Beta-Binomial and normal posteriors, probability to beat control, expected loss), ``segments`` (per-segment lifts
with corrected p-values), ``guardrails`` (non-inferiority), ``robust`` (capping, quantile comparisons), ``uplift``
(T-learner, Qini with a bootstrap interval), ``verdict`` (ship / do not ship / keep running, with reasons),
``simulate`` (vectorised A/A and power simulations).
"""

from experiments.abtest.analysis import run
from experiments.abtest.config import Config
from experiments.abtest.result import Result
from experiments.abtest.sources import load

__all__ = ["Config", "Result", "load", "run"]
