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
# # 05 Feedback: what customers talk about, how they feel, and who needs care now
#
# For the service team: what customers complain about most this period, how that moved, and which customers need
# an apology, a call-back or a senior agent today. Reads the company world's Chinese and English feedback (or your
# own table: `input_path`, `text_col`, optional labels, times, channels and customers; README) and writes the graded
# care queue to `data/processed/care_queue.parquet`.
#
# On the company world the sentiment model learns from what the company has: its customers' own star ratings (app
# reviews; 1-2 negative, 3 neutral, 4-5 positive). The generator's planted truth is used only in the last section.

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel table with one text per row; empty means the company world feedback table
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it (and stop when it cannot be told)
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
input_sep = ""  # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""  # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
text_col = "text"  # column holding the feedback text
label_col = ""  # optional sentiment labels for training and evaluation; company world: the star rating (1-2 / 3 / 4-5)
label_map = {}  # optional raw label -> negative / neutral / positive, e.g. {"0": "negative", "1": "positive"}
time_col = ""  # optional time of each text (company world: created_at)
date_order = "auto"  # slash dates in time_col: auto (decided from values above 12, else an error), dmy or mdy
date_format = ""  # strftime format of time_col (e.g. %d/%m/%Y %H:%M), or unix_s / unix_ms for epoch times; empty means detect
channel_col = ""  # optional channel of each text (company world: channel)
customer_col = ""  # optional customer id (company world: customer_id); empty with a flat table: one per text
text_id_col = ""  # optional text id (company world: feedback_id); empty with a flat table: row_<n>
reference_topic_col = ""  # optional known categories to score the topics against (company world: see the truth section)
language = "auto"  # auto (CJK share per text), zh or en
test_fraction = 0.2  # share of labelled texts held out to evaluate both sentiment methods (stratified)
topic_method = "kmeans"  # kmeans (fast, default) or hdbscan (UMAP + HDBSCAN; about 75 s of numba compilation)
topic_count = 14  # number of topics for kmeans (merge target for hdbscan; 0 keeps what HDBSCAN finds)
topic_filter = ""  # pandas query choosing the texts topics are fitted on (columns label, sentiment, language, reference_topic ...); empty: all
min_topic_size = 10  # hdbscan: smallest topic
svd_components = 100  # dimensions of the TF-IDF -> SVD text embedding
outlier_threshold = 0.0  # hdbscan: c-TF-IDF similarity an outlier needs to join a topic in reduce_outliers
topic_stop_words = []  # extra words to leave out of topics (e.g. brand or product names), besides stop words
topic_names = "conf/topic_names.yaml"  # YAML file naming topics (name: [words]; conf/topic_names.yaml); empty: top words
embedding_model = ""  # optional local sentence-transformers model name instead of the TF-IDF/SVD embedding
period_days = 30  # length of "this period" for the complaint trend
as_of = ""  # end of this period and of the care window (ISO date); empty means the latest text's time
care_keywords = {}  # cue phrases (text, any case) per grade, {"severe": [...], "moderate": [...]}; empty means the defaults
care_repeat_contacts = 3  # this many negative contacts ...
care_repeat_days = 14  # ... within this many days raise a customer's grade one level
care_window_days = 30  # only negative texts of the last this-many days before as_of enter the care queue
care_min_grade = "mild"  # lowest grade that enters the care queue (mild, moderate or severe)
care_actions = {}  # action per grade; empty means apology message / agent call-back / senior agent + compensation
care_due_hours = {}  # hours from the last negative contact to the due time per grade; empty means 72 / 24 / 4
seed = 42  # random seed (train/test split, SVD, KMeans, UMAP)
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
from IPython.display import display

from experiments import feedback
from experiments.feedback import charts, evaluation, present
from experiments.lab import notebook

run = notebook.start("05_feedback_topics_sentiment", globals())
cfg = feedback.Config.from_parameters(run.params)
result = feedback.run(cfg)
run.add_input(result.input)

# %% [markdown]
# ## What needs attention now

# %%
display(present.first_screen(result))
display(present.trend_table(result.trend))

# %% [markdown]
# ## 1. The data
#
# One row per text; languages from the share of Chinese characters (no download); texts that are empty are set
# aside and counted.

# %%
display(present.data_summary(result))

# %% [markdown]
# ## 2. How customers feel: two methods side by side
#
# A lexicon baseline (VADER for English, a curated Chinese lexicon with negation) needs no training; the supervised
# model (TF-IDF words + character n-grams, logistic regression) learns from labelled texts. Both are scored on the
# same held-out texts, per language; the supervised model's prediction is the sentiment used below.

# %%
display(present.evaluation_table(result))
display(*present.sentiment_details(result))

# %%
charts.sentiment_by_channel(result.table)
charts.sentiment_over_time(result.table);

# %% [markdown]
# ## 3. What they talk about: topics
#
# BERTopic over a TF-IDF -> SVD embedding, clustered with the method chosen in `topic_method` (on the texts
# `topic_filter` keeps); each topic is named from the aspect lexicon `topic_names` (conf/topic_names.yaml: a name
# and the words that say a text is about it) when its most distinctive words (c-TF-IDF) match one, else by those
# words, with two example texts.

# %%
display(present.topics_summary(result, topic_filter))
display(present.topic_table(result))
display(present.topic_names_note(result))

# %%
charts.topic_sizes(result.topic_result.info);

# %% [markdown]
# Sentiment within each topic (share of its texts), and topics per channel:

# %%
charts.topic_sentiment_heatmap(result.topic_sentiment, result.topic_result.info);

# %%
display(present.topic_channel(result))

# %% [markdown]
# ## 4. Who needs care, how much, by when
#
# Negative texts are graded mild, moderate or severe from cue phrases (complaint and regulator threats, "never
# again", compensation demands are severe; disappointment, "not the first time" and urgency moderate); repeated
# negative contacts raise a customer's grade. Texts are shown masked.

# %%
charts.care_by_grade(result.queue);

# %%
display(present.queue_preview(result))

# %% [markdown]
# ## 5. Against the planted truth (company world only)
#
# The generator planted each text's topic, sentiment and severity. Here, and only here, the notebook compares:
# the sentiment model (trained on ratings) and the lexicon on every text the model was not trained on, the care
# grades against the planted severity, and the topics against the planted topics (`topic_nmi`, `topic_ari`). It
# also shows how both sentiment methods do on texts with a planted negation, mixed opinion or sarcasm, and whether
# each planted complaint topic was found and named as a manager would read it.

# %%
truth = evaluation.evaluate(result)
display(*evaluation.section(truth))

# %% [markdown]
# ## Verdict
#
# Sentiment comes from two methods side by side (lexicon baseline, supervised TF-IDF model), topics from BERTopic;
# every text's scores go to `data/processed/feedback_scored.parquet` (flat tables: `data/interim/flat/processed`).
# metrics.json keys: `sentiment_accuracy`, `sentiment_macro_f1`, `lexicon_accuracy`, `lexicon_macro_f1`,
# `n_topics`, `outlier_share`, `topic_nmi`, `care_mild`, `care_moderate`, `care_severe`, the `planted_*` keys of
# the truth section and more (README).

# %%
display(present.verdict(result))
result.publish()
display(present.published(result))

# %%
run.finish(result.metrics() | truth.metrics)
