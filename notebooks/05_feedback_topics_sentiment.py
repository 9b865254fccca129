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

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel table with one text per row; empty means the company world feedback table
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it (and stop when it cannot be told)
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
text_col = "text"  # column holding the feedback text
label_col = ""  # optional sentiment labels for training and evaluation; company world: the planted sentiment
label_map = {}  # optional raw label -> negative / neutral / positive, e.g. {"0": "negative", "1": "positive"}
time_col = ""  # optional time of each text (company world: created_at)
channel_col = ""  # optional channel of each text (company world: channel)
customer_col = ""  # optional customer id (company world: customer_id); empty with a flat table: one per text
id_col = ""  # optional text id (company world: feedback_id); empty with a flat table: row_<n>
reference_topic_col = ""  # optional known categories to score the topics against (company world: planted topics)
language = "auto"  # auto (CJK share per text), zh or en
test_fraction = 0.2  # share of labelled texts held out to evaluate both sentiment methods (stratified)
topic_method = "kmeans"  # kmeans (fast, default) or hdbscan (UMAP + HDBSCAN; about 75 s of numba compilation)
topic_count = 14  # number of topics for kmeans (merge target for hdbscan; 0 keeps what HDBSCAN finds)
min_topic_size = 10  # hdbscan: smallest topic
svd_components = 100  # dimensions of the TF-IDF -> SVD text embedding
outlier_threshold = 0.0  # hdbscan: c-TF-IDF similarity an outlier needs to join a topic in reduce_outliers
topic_stop_words = []  # extra words to leave out of topics (e.g. brand or product names), besides stop words
embedding_model = ""  # optional local sentence-transformers model name instead of the TF-IDF/SVD embedding
period_days = 30  # length of "this period" for the complaint trend
as_of = ""  # end of this period and of the care window (ISO date); empty means the latest text's time
care_keywords = {}  # cue phrases (regex) per grade, {"severe": [...], "moderate": [...]}; empty means the defaults
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

from experiments.feedback import company, fb_charts, outputs, summary, topics
from experiments.lab import notebook
from experiments.lab.report import safe

run = notebook.start("05_feedback_topics_sentiment", globals())
fb = company.load(input_path, text_col, label_col=label_col, label_map=label_map, time_col=time_col,
                  channel_col=channel_col, customer_col=customer_col, id_col=id_col,
                  reference_topic_col=reference_topic_col, encoding=input_encoding, sheet=input_sheet)
run.add_input(fb.table)
rules = outputs.care_rules(care_keywords, care_repeat_contacts, care_repeat_days, care_window_days, care_min_grade,
                           care_actions, care_due_hours)
scored = company.score(fb.frame, language=language, test_fraction=test_fraction, seed=seed)
tr = topics.fit_topics(scored.table["text_norm"], method=topic_method, n_topics=topic_count,
                       min_topic_size=min_topic_size, svd_components=svd_components,
                       outlier_threshold=outlier_threshold, seed=seed, embedding_model=embedding_model,
                       stop_words=set(topic_stop_words), source=f"{fb.source}: column {text_col!r}")
result = outputs.assemble(fb, scored, tr, rules, as_of=as_of, period_days=period_days)

# %% [markdown]
# ## What needs attention now

# %%
display(result.headline)
display(summary.trend_table(result.trend))

# %% [markdown]
# ## 1. The data
#
# One row per text; languages from the share of Chinese characters (no download); texts that are empty are set
# aside and counted.

# %%
display(safe.md("{n:,} texts from {src} ({zh:,} Chinese, {en:,} English, {mixed:,} mixed); {q:,} empty texts set "
                "aside. Sentiment labels: {labels}.", n=len(scored.table), src=fb.source,
                zh=int((scored.table["language"] == "zh").sum()), en=int((scored.table["language"] == "en").sum()),
                mixed=int((scored.table["language"] == "mixed").sum()), q=len(fb.quarantine),
                labels=fb.label_source or "none (the lexicon decides)"))

# %% [markdown]
# ## 2. How customers feel: two methods side by side
#
# A lexicon baseline (VADER for English, a curated Chinese lexicon with negation) needs no training; the supervised
# model (TF-IDF words + character n-grams, logistic regression) learns from labelled texts. Both are scored on the
# same held-out texts, per language; the supervised model's prediction is the sentiment used below.

# %%
display(outputs.evaluation_table(scored).set_index(["method", "language"]))
for name, cm in (("supervised", scored.model_confusion), ("lexicon", scored.lexicon_confusion)):
    if cm is not None:
        display(safe.md("Confusion matrix, {name} (rows: true label, columns: predicted):", name=name))
        display(safe.frame(cm))
for note in scored.notes:
    display(safe.md("Note: {note}", note=note))

# %%
fb_charts.sentiment_by_channel(result.scored)
fb_charts.plt.show()
fig = fb_charts.sentiment_over_time(result.scored)
if fig is not None:
    fb_charts.plt.show()

# %% [markdown]
# ## 3. What they talk about: topics
#
# BERTopic over a TF-IDF -> SVD embedding, clustered with the method chosen in `topic_method`; each topic is named by
# its most distinctive words (c-TF-IDF) with two example texts.

# %%
display(safe.md("{k} topics; {out:.1%} of texts left as outliers (before outlier reduction {before:.1%}). {agree}",
                k=tr.n_topics, out=tr.outlier_share, before=tr.outlier_share_before, agree=result.agreement_text))
display(safe.frame(outputs.topic_table(tr.info)))
fb_charts.topic_sizes(tr.info)
fb_charts.plt.show()

# %% [markdown]
# Sentiment within each topic (share of its texts), and topics per channel:

# %%
fb_charts.topic_sentiment_heatmap(result.topic_sentiment, tr.info)
fb_charts.plt.show()
display(safe.frame(result.topic_channel.head(15)))

# %% [markdown]
# ## 4. Who needs care, how much, by when
#
# Negative texts are graded mild, moderate or severe from cue phrases (complaint and regulator threats, "never
# again", compensation demands are severe; disappointment, "not the first time" and urgency moderate); repeated
# negative contacts raise a customer's grade. Texts are shown masked.

# %%
fb_charts.care_by_grade(result.queue)
fb_charts.plt.show()
display(safe.frame(result.queue_preview))

# %% [markdown]
# ## Verdict
#
# Sentiment comes from two methods side by side (lexicon baseline, supervised TF-IDF model), topics from BERTopic;
# every text's scores go to `data/processed/feedback_scored.parquet` (flat tables: `data/interim/flat/processed`).
# metrics.json keys: `sentiment_accuracy`, `sentiment_macro_f1`, `lexicon_accuracy`, `lexicon_macro_f1`,
# `n_topics`, `outlier_share`, `topic_nmi`, `care_mild`, `care_moderate`, `care_severe` and more (README).

# %%
display(result.verdict)
published = outputs.publish(result)
display(safe.md("Written: {files}.", files=", ".join(published)))

# %%
run.finish(result.metrics)
