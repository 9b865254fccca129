"""Feedback topics, sentiment and graded care (notebook ``05_feedback_topics_sentiment``).

Modules, one idea each: ``language`` (zh / en / mixed from the CJK-character ratio), ``normalise`` (URLs,
@mentions, emoji, repeated punctuation; negation kept), ``segment`` (jieba words for Chinese, regex words for the
rest), ``zh_lexicon`` (the curated Chinese sentiment word list, as data), ``lexicon`` (VADER for English, the Chinese
lexicon with negation and degree words), ``supervised`` (TF-IDF words + character n-grams, logistic regression),
``topics`` (BERTopic with scikit-learn embeddings and KMeans by default), ``care`` (mild / moderate / severe grades,
escalation rules, actions and due times), ``company`` (inputs and the published tables), ``fb_charts`` (charts).
"""
