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
# # 08 Customer 360: who is this customer, what has happened with them, and what do we do next?
#
# For marketing and service leads and the ad team: one profile per customer joined from every analysis's published
# table (identity, value, risk, feelings, service, recommendations, ads, next action; each block with the run id and
# time of the run that published its source, and "not computed" when that analysis did not run or its table is older
# than `max_age_days`), one timeline of every interaction, customer cards for this week's care and retention lists,
# audiences for the ad platforms (hashed identifiers only) and lookalike prospects. By default it reads the company
# world's published tables (run 01-07 and 09 first); with your own files set the `<table>_path` parameters of the
# blocks you have (the others show as not computed) and `prospects_path` with the `trait_cols`.


# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
customers_path = ""  # your customers table (customer_id, name, email, phone, city, ...); empty means the published one
segments_path = ""  # your segments table (02's columns); empty means the published one
churn_scores_path = ""  # your churn scores (04's columns); empty means the published one
churn_actions_path = ""  # your retention list (rank, customer_id); empty means the published one
recommendations_path = ""  # your recommendations (customer_id, rank, item_id); empty means the published one
feedback_scored_path = ""  # your scored feedback (customer_id, created_at, sentiment); empty means the published one
care_queue_path = ""  # your care queue (customer_id, grade, action, due_at); empty means the published one
service_contacts_path = ""  # your service contacts (07's columns); empty means the published one
ad_events_path = ""  # your ad events with a customer_id column; empty means the published one
next_best_actions_path = ""  # your next actions (customer_id, action, expected_gain, reason); empty means 09's published one
orders_path = ""  # your order lines (01's columns); empty means the published one
prospects_path = ""  # people who never bought, with the trait_cols; empty means the company world's prospects
trait_cols = ["engagement_per_month", "premium_share", "age_group", "gender", "city"]  # traits customers and prospects share
max_age_days = 30.0  # a published table older than this is stale: its block shows as not computed
as_of = ""  # reference time for ages and the last-90-days counts (YYYY-MM-DD); empty means now
n_cards = 12  # cards for the top of this week's care queue and retention list
card_ids = []  # customer ids that always get a card
n_events = 10  # timeline events on each card
n_recommendations = 3  # recommended items in the profile
negative_days = 90  # window of the negatives_90d count (days before as_of)
reply_target_minutes = 240.0  # a service contact whose first reply came later (or never) is a breach
audiences = {"win_back": "churn_tier in ['high'] and value_tier in ['high', 'medium']", "champions_referral": "segment in ['Champions'] and latest_sentiment not in ['negative']", "exclude_recent_complainers": "negatives_90d > 0"}  # name -> pandas query over profile columns
lookalike_seed = "value_tier in ['high']"  # rule: the customers prospects should resemble
lookalike_model = "logistic"  # logistic or lightgbm (both calibrated)
default_country_code = "86"  # country code of phone numbers written without one
seed = 42  # random seed of the lookalike model
output_dir = ""  # run folder for metrics.json and the audience files; the runner sets it

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from experiments import profile
from experiments.lab import notebook
from experiments.profile import charts, evaluation, present

run = notebook.start("08_customer_360", globals())
cfg = profile.Config.from_parameters(run.params)
result = profile.run(cfg)

# %% [markdown]
# ## The answer

# %%
display(present.answer(result))

# %% [markdown]
# ## 1. Who our customers are now
#
# Profile figures per segment, then value tier against churn tier: customers in each cell · value at stake
# (CLV x churn probability).

# %%
display(present.by_segment(result))
display(present.matrix(result))
charts.stake_by_segment(result)
plt.show()

# %% [markdown]
# ## 2. How fresh each block is
#
# A block whose table is missing or older than `max_age_days` is "not computed" or "stale" for every customer, never
# shown as current.

# %%
display(present.freshness(result))

# %% [markdown]
# ## 3. Customer cards
#
# The top of this week's care queue and retention list, then `card_ids`: the blocks and the last events. Names,
# emails and phones are masked.

# %%
display(present.cards(result))

# %% [markdown]
# ## 4. Audiences for the ad platforms
#
# One CSV per audience in this run's folder: SHA-256 of the normalised email (trimmed, lower case) and phone (E.164
# digits), never a raw identifier; customers without consent are left out and counted.

# %%
files = result.export_audiences(run.output_dir)
display(present.audiences(result))

# %% [markdown]
# ## 5. Lookalike prospects

# %%
display(present.lookalike(result))

# %% [markdown]
# ## 6. Against the planted truth (company world only)
#
# The company world plants each prospect's value; the top-decile prospects should be worth far more than the
# average prospect.

# %%
truth = evaluation.metrics(result)
display(evaluation.section(result))

# %% [markdown]
# ## Appendix
#
# The profile and the timeline are published (contracts in `data.contracts.OUTPUT_SCHEMAS`); the run's parameters
# and library versions follow.
#
# **metrics.json keys** (conf/runs.yaml): `n_customers`, `n_blocks_fresh`, `n_blocks_stale`, `n_timeline_events`,
# `n_cards`, `audience_<name>_size`, `audience_<name>_value`, `lookalike_top_decile_lift` (company world),
# `n_prospects_scored`, `n_excluded_no_consent`.

# %%
result.publish()
run.finish(result.metrics() | truth)
