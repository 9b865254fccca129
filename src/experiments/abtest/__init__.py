"""Ad A/B-test analysis: trust checks, funnel, frequentist and Bayesian comparisons, CUPED, power, sequential
monitoring, segments and a plain-language verdict.

One idea per module:

- ``units``: map an input table onto the analysis roles (read by the shared ``data.inputs.load_input``), coerce
  0/1 outcomes, the company world's experiment.
- ``params``: range-check the notebook's parameters and build the ``ABConfig``.
- ``trust``: sample-ratio mismatch, assignment consistency and duplicates (Kohavi, Tang & Xu 2020, ch. 21).
- ``funnel``: funnel totals per variant/day and delta-method standard errors for ratio metrics (Deng et al. 2018).
- ``frequentist``: two-proportion z-test, Welch t-test, absolute/relative lift intervals, Holm and BH corrections.
- ``cuped``: variance reduction with a pre-period covariate (Deng et al. 2013).
- ``power``: R's ``power.prop.test`` sample size and the minimum detectable effect of an achieved sample.
- ``sequential``: daily cumulative lift with an always-valid confidence sequence (Johari et al. 2017;
  Howard et al. 2021).
- ``bayes``: Beta-Binomial posteriors, probability to beat control, expected loss.
- ``segments``: per-segment lifts with corrected p-values.
- ``verdict``: ship / do not ship / keep running, with reasons.
- ``simulate``: vectorised A/A simulations of the false-positive rate.
- ``charts``: matplotlib figures titled with their finding.
- ``analysis``: the orchestration the notebook calls (``analyse``) and the metrics.json keys (``metrics``).
- ``present``: rounded tables and sentences for the notebook.
"""
