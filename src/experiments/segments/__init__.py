"""Customer segmentation and lifetime value (notebook 02_customer_segmentation).

Modules: ``transactions`` (validation, calibration summaries), ``company`` (inputs from the processed tables),
``btyd`` (BG/NBD, Pareto/NBD, Gamma-Gamma likelihoods), ``holdout`` (calibration/holdout check, CLV), ``rfm``
(scores and named segments), ``tiers`` (value, behaviour, lifecycle, needs views), ``indicators`` (per-segment
KPIs), ``migration`` (moves between runs), ``job`` (one run end to end), ``seg_charts`` (figures).
"""
