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
# # 07 Service operations: are we answering in time, is anything blowing up, how many people next week?
#
# For the customer-service manager: reply times against each channel's target, when the chatbot must hand a
# customer to a person, an early warning on waves of negative contacts, and the agents next week needs. By default
# it reads the company world's `service_contacts` (cleaned by `01_data_cleaning`); point `input_path` at your own
# contacts table (`time_col` + `first_reply_col`) or message log (`reply_to_col` + `inbound_col`).

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel contacts table or message log; empty means the company world
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
input_sep = ""  # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""  # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
contact_id_col = "conversation_id"  # column identifying a contact (a message id in a message log)
channel_col = "channel"  # channel of the contact (in a message log: the replying account, e.g. the brand)
time_col = "opened_at"  # when the customer wrote (in a message log: every message's time)
date_order = "auto"  # slash dates: auto (decided from values above 12, else an error), dmy or mdy
date_format = ""  # strftime format of time_col (e.g. %m/%d/%y %H:%M), or unix_s / unix_ms for epoch times; empty means detect
first_reply_col = "first_reply_at"  # first reply time; empty when reply_to_col + inbound_col are given
reply_to_col = ""  # message log: the id of the message a message answers; empty for a contacts table
inbound_col = ""  # message log: true for customer messages, false for replies
resolved_col = "resolved_at"  # optional: when the contact was resolved
customer_col = "customer_id"  # optional: the customer (needed for the care queue)
text_col = "text"  # optional: the customer's message (sensitive-matter rule, negative contacts)
reply_targets = {"weibo_comment": 120, "wechat_pm": 240, "weibo_pm": 240, "email": 1440, "hotline": 5, "app_chat": 5, "default": 240}  # minutes per channel; default for the others
utc_offset_hours = 8  # local time of the service team (weekday, hour, day boundaries); times are read as UTC
escalate_failure_run = 3  # escalate when the bot fails this many turns in a row
escalate_minutes = 5.0  # escalate when the customer has been with the bot longer than this
sensitive_keywords = ["投诉", "12315", "消协", "曝光", "complaint", "regulator", "go public"]  # escalate on any (case-insensitive)
care_window_days = 14  # unresolved escalations of the last days go to the care queue
negative_keywords = ["太慢", "不满意", "太差", "失望", "没到", "不动", "投诉", "12315", "消协", "曝光", "unhappy", "terrible", "disappointed", "too slow", "late", "stuck", "complaint", "regulator", "go public"]  # a negative contact's text has one of these, or its satisfaction is 1 or 2
baseline_days = 28  # days of history behind each day's expected count
alert_alpha = 0.001  # alert when the upper-tail probability of the count under the baseline is below this
min_alert_count = 3  # never alert on fewer negative contacts than this
alert_dispersion = 0.0  # 0 means Poisson limits; above 0 a negative binomial, variance mu + dispersion x mu^2
forecast_days = 28  # days to forecast
backtest_origins = 3  # rolling origins of the backtest (each forecast_days long, 14 days apart)
aht_minutes = {"wechat_pm": 6, "weibo_pm": 6, "weibo_comment": 4, "hotline": 7, "email": 10}  # handling minutes per staffed channel
service_level_target = 0.8  # share of contacts to answer within the channel's target (Erlang C)
min_channel_contacts = 20  # channels with fewer contacts are listed but never called the weakest
seed = 42  # random seed (nothing here is random; kept for the run info)
engine = "duckdb"  # engine for the data steps (first replies, channel and hour tables): duckdb (embedded) or spark
spark_master = "local[2]"  # Spark master URL when engine is spark: local[n] or spark://host:7077 for a cluster
engine_memory_limit = 0.5  # share of RAM (0-1] DuckDB may use before it spills to disk (out of core)
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
from IPython.display import display
from matplotlib import pyplot as plt

from experiments import service
from experiments.lab import notebook
from experiments.service import charts, evaluation, present

run = notebook.start("07_service_operations", globals())
cfg = service.Config.from_parameters(run.params)
result = service.run(cfg)
run.add_input(result.input)

# %% [markdown]
# ## The answer first

# %%
display(present.headline(result, cfg.service_level_target))
display(present.roles(result))
display(present.skipped(result))

# %% [markdown]
# ## 1. Reply times against targets, by channel
#
# Each contact's first reply against its channel's target (`reply_targets`, minutes); in a contacts table a contact
# with no reply counts as a breach. Worst channel first. In a message log a contact is a customer's message (with
# their own follow-ups before a reply), its first reply is counted once, and the contacts nobody answered in the log
# are counted separately below.

# %%
display(present.levels(result))
display(present.unanswered(result))
display(*present.set_aside(result))

# %% [markdown]
# ## 2. When we miss: weekday and hour
#
# Share within target by channel (the 12 busiest) and local weekday (a channel much worse on weekends is
# short-staffed then; weekend gaps need `min_channel_contacts` / 2 contacts on each side), and the
# channel-hours with the lowest share (overnight messages wait for the morning shift).

# %%
charts.weekday(result)
plt.show()
display(present.weekend(result))
display(present.worst_hours(result))

# %% [markdown]
# ## 3. The worst breaches, and what slow replies cost in satisfaction

# %%
display(present.breaches(result))
display(*present.satisfaction(result))

# %% [markdown]
# ## 3b. How customers feel when they write
#
# The sentiment of each contact's first message with the lab's lexicon scorer (the one notebook 05 uses: VADER for
# English, the Chinese lexicon for Chinese), per channel, with the median reply time of negative and of other
# customers.

# %%
display(present.sentiment(result))

# %% [markdown]
# ## 4. The bot: containment, hand-offs and escalations
#
# Contained = resolved without a person. The escalation rules (parameters): `escalate_failure_run` failures in a
# row, more than `escalate_minutes` with the bot, or a sensitive matter (`sensitive_keywords`). Unresolved
# escalations of the last `care_window_days` join the care queue (`source` = the rule that fired).

# %%
display(*present.bot(result))

# %% [markdown]
# ## 5. Where the bot's knowledge runs out
#
# Topics ranked by bot conversations x share of turns the bot could not answer: the top one is the FAQ article to
# write first.

# %%
charts.faq_gaps(result)
plt.show()
display(present.gaps(result))

# %% [markdown]
# ## 6. Early warning: is a wave of negative contacts starting?
#
# Negative contacts per day, channel and topic against a seasonal baseline (the channel's volume that day x the
# topic's negative share over the previous `baseline_days`), alerting when the count is improbably high under
# Poisson limits (`alert_alpha`).

# %%
charts.alerts(result)
plt.show()
display(present.alerts(result))

# %% [markdown]
# ## 7. Staffing: the next four weeks
#
# ETS(A,N,A) (additive error, no trend, weekly seasonality) forecasts daily contacts with 90% intervals; a
# rolling-origin backtest compares it with the seasonal-naive forecast by MASE (below 1 beats the naive
# one-week-back forecast in sample). Each channel gets its share of the weekday over the last four weeks; agents per
# day: Erlang C on the channel's busiest hour with `aht_minutes` and the channel's reply target.

# %%
charts.forecast(result)
plt.show()
display(present.backtest(result))
display(present.week_plan(result))

# %% [markdown]
# ## 8. Against the planted truth (company world)
#
# The company world plants a week of delivery delays. How many days the early warning took to flag it, and its
# false alarms over the incident-free days (outside the incident and the week after it). Other inputs have no truth.

# %%
truth = evaluation.compare(result)
display(present.truth(truth.metrics))
charts.planted_incident(result, truth)
plt.show()

# %% [markdown]
# ## 9. Publish the escalations to the care queue
#
# The feedback notebook's care queue (`care_queue.parquet`) keeps its rows unchanged; the service escalations are
# added with `source` = the rule. Without that table the queue holds the escalations alone. Company world only.

# %%
result.publish()
display(present.published(result))

# %% [markdown]
# ## Verdict

# %%
display(present.headline(result, cfg.service_level_target))

# %% [markdown]
# ## Appendix
#
# **metrics.json keys** (all in docs/notebooks/07_service_operations.md and conf/runs.yaml): `share_within_target`,
# `median_reply_minutes`, `n_unanswered` and `share_within_target_incl_unanswered` (message logs),
# `bot_containment_rate`, `n_escalated`, `n_alerts`, `incident_detection_delay_days` (company world),
# `forecast_mase`, `agents_needed_next_week`, and per-channel and per-rule families.

# %%
run.finish(result.metrics() | truth.metrics)
