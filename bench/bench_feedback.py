"""Benchmark 05 feedback: language, normalisation, segmentation, sentiment and topics on 20,000 and 100,000 texts.

    .venv/bin/python bench/bench_feedback.py [--sizes 20000 100000] [--hdbscan]

Texts: the public corpora in ``$CIL_DATASETS`` (online_shopping_10_cats, airline tweets, ChnSentiCorp hotels: about
85,000 real Chinese and English reviews) for three quarters, synthetic company feedback composed by the generator's
phrase banks for one quarter, shuffled with seed 42. Each size runs in a fresh process (cold imports), and inside it
every stage runs twice: the first fit pays imports, jieba's dictionary load and BERTopic's import; the second (with
the segmentation cache cleared) shows the steady state. Peak memory is the process's peak resident set size.
Writes ``bench/results/feedback_large.json`` (with the machine's load average: the 2 cores are shared).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(n: int, seed: int = 42):
    """Return ``n`` texts with sentiment labels (real corpora first, synthetic feedback to fill), shuffled."""
    import numpy as np
    import pandas as pd

    from experiments.data import paths
    from experiments.synthetic.feedback_text import TOPICS, compose

    parts = []
    d = paths.datasets_dir()
    specs = [("chinese_reviews/online_shopping_10_cats.csv", "review", "label"),
             ("chinese_reviews/ChnSentiCorp_htl_all.csv", "review", "label"),
             ("airline_tweets/Tweets.csv", "text", "airline_sentiment")]
    for rel, text, label in specs:
        if (d / rel).exists():
            df = pd.read_csv(d / rel)
            lab = df[label].astype(str).replace({"0": "negative", "1": "positive"})
            parts.append(pd.DataFrame({"text": df[text].fillna("").astype(str), "label": lab}))
    rng = np.random.default_rng(seed)
    m = n // 4  # a quarter synthetic company feedback, the rest real reviews
    topic = rng.choice(TOPICS, m)
    sent = np.where(topic == "praise", "positive", np.where(rng.random(m) < 0.8, "negative", "neutral"))
    sev = rng.choice(["mild", "moderate", "severe"], m)
    lang = np.where(rng.random(m) < 0.7, "zh", "en")
    r = rng.random((m, 6))
    slots = {"product": "拿铁", "days": "5", "amount": "30", "order": "S000123"}
    texts = [compose(lang[i], topic[i], sent[i], sev[i] if sent[i] == "negative" else "",
                     {**slots, "days": str(3 + i % 17), "order": f"S{i:06d}",
                      "product": "拿铁" if lang[i] == "zh" else "latte"}, r[i]) for i in range(m)]
    parts.append(pd.DataFrame({"text": texts, "label": sent}))
    allt = pd.concat(parts, ignore_index=True)
    allt = allt[allt["text"].str.strip().ne("")].reset_index(drop=True)
    real = allt.iloc[: len(allt) - m].sample(n=min(n - m, len(allt) - m), random_state=seed)
    mixed = pd.concat([real, allt.iloc[len(allt) - m:]], ignore_index=True)
    return mixed.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def one_size(n: int, hdbscan: bool) -> dict:
    """Run every stage twice on ``n`` texts in this process; return the timings."""
    t_start = time.perf_counter()
    import pandas as pd

    from experiments.feedback import care, language, lexicon, normalise, segment, supervised, topics

    df = corpus(n)
    out: dict = {"n_texts": len(df), "corpus_seconds": round(time.perf_counter() - t_start, 1)}
    for run in ("first", "second"):
        if run == "second":
            segment._tokenize.cache_clear()  # the second run segments again (only imports are warm)
        t = {}
        s = time.perf_counter()
        norm = normalise.normalise(df["text"])
        t["normalise"] = time.perf_counter() - s
        s = time.perf_counter()
        langs = language.detect(norm)
        t["language"] = time.perf_counter() - s
        s = time.perf_counter()
        segment.tokenize_many(norm)
        t["segment"] = time.perf_counter() - s
        s = time.perf_counter()
        comp = lexicon.compound(normalise.normalise(df["text"], emoji="keep"), langs)
        t["lexicon"] = time.perf_counter() - s
        s = time.perf_counter()
        train, test = supervised.split(df["label"], 0.2, 42)
        model = supervised.SentimentModel().fit(norm.iloc[train], df["label"].iloc[train])
        t["supervised_fit"] = time.perf_counter() - s
        s = time.perf_counter()
        pred = model.predict_proba(norm).idxmax(axis=1)
        t["supervised_predict"] = time.perf_counter() - s
        s = time.perf_counter()
        tr = topics.fit_topics(norm, n_topics=14, seed=42)
        t["topics_kmeans"] = time.perf_counter() - s
        if hdbscan:
            s = time.perf_counter()
            th = topics.fit_topics(norm, method="hdbscan", n_topics=0, min_topic_size=max(10, n // 1000), seed=42)
            t["topics_hdbscan"] = time.perf_counter() - s
            out[f"hdbscan_topics_{run}"] = th.n_topics
            out[f"hdbscan_outlier_share_before_{run}"] = round(th.outlier_share_before, 3)
        s = time.perf_counter()
        care.grade_texts(df["text"], pd.Series(pred == "negative"))
        t["care_grading"] = time.perf_counter() - s
        out[f"{run}_seconds"] = {k: round(v, 2) for k, v in t.items()}
        out[f"{run}_total_seconds"] = round(sum(t.values()), 1)
        out["accuracy_test"] = round(float((pred.iloc[test] == df["label"].iloc[test]).mean()), 3)
        out["n_topics"] = tr.n_topics
        del comp
    out["texts_per_second_language"] = round(n / out["second_seconds"]["language"])
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[20000, 100000])
    ap.add_argument("--hdbscan", action="store_true", help="also time UMAP + HDBSCAN (about 75 s of numba compile)")
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args.one:
        print(json.dumps(one_size(args.one, args.hdbscan)))
        return {}
    t0 = time.perf_counter()
    s = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import bertopic"], check=True, capture_output=True)
    import_seconds = time.perf_counter() - s
    results = {}
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--hdbscan"] if args.hdbscan else [])
        res = subprocess.run(cmd, check=True, capture_output=True, text=True)
        results[str(n)] = json.loads(res.stdout.strip().splitlines()[-1])
        print(n, json.dumps(results[str(n)]), flush=True)
    out = {"sizes": results, "bertopic_import_seconds_cold_process": round(import_seconds, 1),
           "wall_seconds": round(time.perf_counter() - t0, 1), "cpu_count": os.cpu_count(),
           "load_average_at_end": os.getloadavg()[0], "python": platform.python_version()}
    path = ROOT / "bench" / "results" / "feedback_large.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
