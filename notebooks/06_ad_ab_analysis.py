# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Customer Insights Lab
#     language: python
#     name: cil
# ---

# %% [markdown]
# # 06 Ad A/B-test analysis: should we ship the variant?
#
# For the marketing team: a verdict on one ad experiment that a statistician would sign — what changed, by how much,
# how sure we are, and whether the test itself can be trusted. By default it reads the company world's
# `data/processed/ad_events.parquet`, written by `01_data_cleaning` (experiment `experiment_id`: `exp_cvr_lift`, `exp_aa` or `exp_srm`); point `input_path` at
# your own table (one row per unit) and map its columns with `unit_col` (empty: each row is its own unit),
# `variant_col`, `control_label` and `metric_cols`.

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel table with one row per unit; empty means the company world ad_events table
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
input_sep = ""  # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""  # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
experiment_id = "exp_cvr_lift"  # company world only: exp_cvr_lift, exp_aa or exp_srm
unit_col = "unit_id"  # column identifying the randomised unit (user); empty means each row is its own unit
variant_col = "variant"  # column holding the variant label
control_label = "control"  # the control's label in variant_col
metric_cols = ["conversions", "converted", "clicks", "revenue"]  # outcomes, 0/1 or numeric; the first one decides
planned_split = None  # planned share per variant (dict, or list in sorted label order); None or {} means not given
pre_metric_col = ""  # pre-period covariate for CUPED; empty means none (company world: pre_conversions)
pre_funnel_cols = {}  # {funnel role: pre-period column} for ratio CUPED, e.g. {"clicks": "pre_clicks"}; empty means none (company world: pre_impressions, pre_clicks, pre_conversions, pre_revenue)
time_col = ""  # assignment date for the daily and sequential view; empty means none (company world: date)
date_order = "auto"  # slash dates: auto (decided from values above 12, else an error), dmy or mdy
date_format = ""  # strftime format of time_col (e.g. %m/%d/%y %H:%M), or unix_s / unix_ms for epoch times; empty means detect
segment_cols = []  # columns to slice the effect by; empty means none (company world: age, gender, interest, channel)
consistency_col = ""  # column that must pair one-to-one with the variant, e.g. landing page; empty means none
guardrail_cols = []  # metrics that must not get worse by more than their margin (own non-inferiority family)
guardrail_margins = {}  # relative non-inferiority margin per guardrail, e.g. {"revenue": 0.01} for at most -1%
srm_warn_alpha = 0.01  # sample-ratio p-values from the alarm level 0.001 up to this are a visible warning
alpha = 0.05  # significance level for every test and interval
one_sided = False  # True tests treatment better than control only
target_relative_lift = 0.1  # smallest relative lift worth shipping; decides keep running vs do not ship
aa_sims = 20000  # simulated experiments for the A/A false-positive and power checks (each); 0 skips them
sequential_method = "msprt"  # msprt (always-valid, look any day), obrien_fleming or pocock (alpha spending)
planned_looks = 5  # planned looks of the group-sequential designs (equal fractions of their maximum sample)
prior_mean = 0.0  # Bayesian view: mean of the normal prior on the relative lift (e.g. 0.0)
prior_sd = 0.0  # Bayesian view: sd of that prior (e.g. 0.05); 0 means flat (Beta-Binomial / flat normal)
uplift_features = []  # feature columns of the uplift model (who to target); empty means segment_cols, none skips
cap_percentile = 0.0  # cap numeric metrics at this pooled percentile before CUPED and the tests, e.g. 99.5; 0 means none
quantiles = [0.5, 0.9]  # quantiles of numeric metrics compared with bootstrap intervals (median, p90); empty means none
unit_sample_rows = 100000  # the uplift model and the quantile bootstrap read a seeded random sample of this many analysed units when there are more (every other figure reads all units); 0 means every unit
seed = 42  # random seed (Monte Carlo posteriors and the A/A simulation)
engine = "duckdb"  # engine for the data steps (per-variant sums of the tests): duckdb (embedded) or spark
spark_master = "local[2]"  # Spark master URL when engine is spark: local[n] or spark://host:7077 for a cluster
engine_memory_limit = 0.5  # share of RAM (0-1] DuckDB may use before it spills to disk (out of core)
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
from IPython.display import display

from experiments import abtest
from experiments.abtest import evaluation, present
from experiments.lab import notebook

run = notebook.start("06_ad_ab_analysis", globals())
cfg = abtest.Config.from_parameters(run.params)
result = abtest.run(cfg)
run.add_input(result.input)

# %% [markdown]
# ## Verdict
#
# Ship, do not ship, or keep running — and why. The evidence follows in sections 1 to 9.

# %%
display(present.verdict_markdown(result))

# %% [markdown]
# ## 1. Can the test be trusted?
#
# Before any lift: does the split of units match the plan (a sample-ratio mismatch means broken assignment or logging), are units in one variant only, do they see their variant's page, and are rows duplicated? Offending rows are counted and removed.

# %%
display(*present.trust_section(result))

# %% [markdown]
# ## 2. What changed, and by how much
#
# Fixed-horizon tests for every metric and variant: absolute and relative lift with intervals; p-values corrected across metrics and variants with Holm (family-wise) and Benjamini-Hochberg (false discovery rate). For heavy-tailed numeric metrics, the median and p90 compared with bootstrap intervals (`quantiles`), and optional capping at a percentile (`cap_percentile`).

# %%
display(*present.lift_section(result))

# %% [markdown]
# ## 3. The funnel
#
# Impressions to clicks to conversions, per variant and per day. Ratio metrics (CTR, CVR per click, CPA, ROAS) get delta-method standard errors (`se`): units, not impressions, are the independent draws, so the naive binomial SE (`naive_se`) is too small.

# %%
display(*present.funnel_section(result))

# %% [markdown]
# ## 4. Variance reduction with the pre-period (CUPED)
#
# Adjusting the outcome by its pre-experiment value removes noise unrelated to the treatment and narrows the interval without biasing the lift (Deng et al. 2013). Ratio metrics (CTR, CVR, CPA, ROAS) are adjusted by their pre-period ratio when `pre_funnel_cols` names the pre-period numerator and denominator (delta method, Deng, Knoblich & Lu 2018).

# %%
display(*present.cuped_section(result))

# %% [markdown]
# ## 5. Power: what this sample can and cannot conclude
#
# The minimum detectable effect (80% power) of the sample we have, and the sample a test powered for the target lift would need.

# %%
display(*present.power_section(result))

# %% [markdown]
# ## 6. Peeking honestly: sequential monitoring
#
# The cumulative lift day by day. A naive daily p-value inflates false positives; the always-valid confidence sequence (mSPRT, normal mixture) may be checked every day; a group-sequential design (O'Brien-Fleming or Pocock alpha spending, `sequential_method`) looks `planned_looks` times against boundaries that spend alpha. Each method needs its own sample. Simulated A/A tests show each rule's false-positive rate, and simulated experiments with the fixed test's minimum detectable lift planted show each rule's power and how early it stops, all with their Monte Carlo standard errors.

# %%
display(*present.sequential_section(result))

# %% [markdown]
# ## 7. Bayesian view
#
# Beta-Binomial posteriors (uniform prior) by default; with `prior_sd` > 0 a normal prior on the relative lift (mean `prior_mean`) for every metric, combined in closed form with the observed lift. The probability that the variant beats control and the expected loss if we ship it and are wrong, in the metric's units and relative to control.

# %%
display(*present.bayes_section(result))

# %% [markdown]
# ## 8. Segments
#
# Lifts by segment with p-values corrected across every segment, metric and variant; an uncorrected 'winning segment' is usually noise.

# %%
display(*present.segments_section(result))

# %% [markdown]
# ## 9. Who to target next time
#
# An uplift model (T-learner on LightGBM: one outcome model per arm, uplift = their difference) trained on 70% of the units and scored on the other 30%. First the Qini (gain above random targeting) with its bootstrap interval: only when the interval lies above 0 does the ranking beat random targeting, and only then is the group at the top advice on whom to target. A flat uplift (interval covering 0) is not targeting advice.

# %%
display(*present.uplift_section(result))

# %% [markdown]
# ## Against the planted truth
#
# Company world only: what the generator planted in this experiment (the true lift, the assignment faults, the logging drop, the group carrying the uplift) beside what the analysis found. Flat tables have no planted truth.

# %%
truth = evaluation.evaluate(result)
display(*evaluation.section(truth))

# %% [markdown]
# ## Appendix: conventions and every metrics.json key
#
# **Conventions.** The first of `metric_cols` decides (on its CUPED-adjusted estimate when a pre-period metric is given: same expected lift, narrower interval); the others share its Holm family, and a significant harm on any of them blocks shipping; `guardrail_cols` are tested for non-inferiority at their `guardrail_margins` in a family of their own. A 0/1 outcome (also `True`/`False`
# text) is a proportion compared by a two-proportion z-test; a numeric outcome is a mean compared by Welch's t-test.
# In the company world the default outcomes are per unit: `conversions` (mean conversions per user, the decision
# metric: its planted lift is +10%), `converted` (0/1, at least one conversion; `clicked` is also derived), `clicks`
# (the ad's CTR should not move) and `revenue` (CNY per user); CVR per click, CTR, CPA and ROAS are in the
# funnel section with delta-method errors (keys `ratio_cvr_...`); CUPED uses `pre_conversions`, the daily view
# `date`, the segments `age_group, gender, interest, channel`, the consistency check `landing_page`, and the planned
# split is the registry's 50/50. With your own table, an empty optional parameter means "not given": in particular
# **without `planned_split` the sample-ratio test is not run and no 50/50 split is assumed**
# (the observed split is shown).
#
# **metrics.json keys.** Per metric `m` (two variants): `m_control_rate`, `m_treatment_rate` (proportion or mean),
# `m_abs_lift`, `m_ci_low`, `m_ci_high`, `m_p_value`, `m_z` (z statistic; Welch's t statistic for a numeric metric),
# `m_rel_lift`, `m_rel_ci_low`, `m_rel_ci_high`, `m_p_value_holm`, `m_p_value_bh`, `m_test`. With more than two
# variants the same keys are `m_<variant>_...` (variant lower-cased, other characters runs turned into `_`). Trust:
# `srm_p_value` (null when no planned split), `srm_flagged`, `n_control`, `n_treatment`, `n_removed_inconsistent`,
# `n_removed_duplicates`. Also `mde_abs`, `mde_rel`, `n_needed_per_group`, `cuped_ci_width_ratio`,
# `cuped_variance_reduction`, `prob_beat_control`, `expected_loss`, `seq_naive_stop_day`, `seq_stop_day`,
# `aa_fpr_fixed`, `aa_fpr_naive_peeking`, `aa_fpr_sequential`, `aa_fpr_obrien_fleming`, `aa_fpr_pocock`, `aa_mc_se`,
# `power_sim_<rule>`, `power_sim_<rule>_mean_stop_day`, `power_sim_<rule>_mean_n` (rule `fixed`, `sequential`,
# `obrien_fleming`, `pocock`), `power_prop_test_n_3v2`, `verdict`, `verdict_headline`, `verdict_reasons` (a list),
# `verdict_p_value` and `verdict_rel_lift` with `verdict_rel_lift_ci_low`, `verdict_rel_lift_ci_high` (the figures
# the verdict uses: Holm-adjusted, CUPED when a pre-period metric is given; the front page's headline),
# `uplift_qini` with its bootstrap interval `uplift_qini_ci_low`, `uplift_qini_ci_high`; company world only, from
# the planted-truth section: `planted_abs_lift`, `planted_rel_lift`, `planted_lift_covered`, `planted_power`,
# `planted_faults_counted`, `planted_srm_drop_rate`, `planted_uplift_group`, `planted_uplift_group_named`.
# With one-sided tests the interval is the two-sided (1 - 2 alpha) one, whose lower end is the one-sided bound.
# Labels and column names from data become keys through `lab.report.scrub.safe_key` (personal data masked,
# other characters than `[A-Za-z0-9_.@-]` as `_`, at most 80 characters ending in a hash).

# %%
result.publish()
run.finish(result.metrics() | truth.metrics);
