"""Benchmark 05 feedback: language, normalisation, segmentation, sentiment and topics on 20,000 and 100,000 texts.

    .venv/bin/python bench/bench_feedback.py [--size large] [--seed 42] [--texts 20000 100000] [--hdbscan]

``--size`` picks the text counts (tiny 2,000; small 5,000; medium 20,000; large 20,000 and 100,000) unless
``--texts`` gives them. Texts: the public corpora in ``$CIL_DATASETS`` (online_shopping_10_cats, airline tweets,
ChnSentiCorp hotels: about 85,000 real Chinese and English reviews) for three quarters, synthetic company feedback
composed by the generator's composer (``feedback_text.compose``, issue 25) for one quarter, shuffled with
``--seed``. Each count runs in a fresh process (cold imports), and inside it every stage runs twice: the first fit
pays imports, jieba's dictionary load and BERTopic's import; the second (with the segmentation cache cleared) shows
the steady state. Wall and CPU seconds per stage (``bench_common.timed``; CPU time does not depend on the shared
cores' load), peak memory = the process's peak resident set size. Writes ``bench/results/feedback_<size>.json``
through ``bench_common``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402

TEXTS = {"tiny": [2000], "small": [5000], "medium": [20000], "large": [20000, 100000]}


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
    slots = {"product": "拿铁", "days": "5", "amount": "30", "order": "S000123"}
    texts = [compose(lang[i], topic[i], sent[i], sev[i] if sent[i] == "negative" else "",
                     {**slots, "days": str(3 + i % 17), "order": f"S{i:06d}",
                      "product": "拿铁" if lang[i] == "zh" else "latte"}, rng)[0] for i in range(m)]
    parts.append(pd.DataFrame({"text": texts, "label": sent}))
    allt = pd.concat(parts, ignore_index=True)
    allt = allt[allt["text"].str.strip().ne("")].reset_index(drop=True)
    real = allt.iloc[: len(allt) - m].sample(n=min(n - m, len(allt) - m), random_state=seed)
    mixed = pd.concat([real, allt.iloc[len(allt) - m:]], ignore_index=True)
    return mixed.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def one_size(n: int, seed: int, hdbscan: bool) -> dict:
    """Run every stage twice on ``n`` texts in this process; return wall and CPU seconds per stage and run."""
    t_start = time.perf_counter()
    import pandas as pd

    from experiments import feedback
    from experiments.feedback import care, language, lexicon, normalise, segment, supervised, topics
    from experiments.lab.config import notebook_parameters

    cfg = feedback.Config.from_parameters(notebook_parameters("05_feedback_topics_sentiment", None, {"seed": seed}))
    df = corpus(n, seed)
    out: dict = {"n_texts": len(df), "corpus_seconds": round(time.perf_counter() - t_start, 1)}
    for run in ("first", "second"):
        if run == "second":
            segment._tokenize.cache_clear()  # the second run segments again (only imports are warm)
        t: dict[str, float] = {}
        with bc.timed(t, "normalise"):
            norm = normalise.normalise(df["text"])
        with bc.timed(t, "language"):
            langs = language.detect(norm)
        with bc.timed(t, "segment"):
            segment.tokenize_many(norm)
        with bc.timed(t, "lexicon"):
            lexicon.compound(normalise.normalise(df["text"], emoji="keep"), langs)
        with bc.timed(t, "supervised_fit"):
            train, test = supervised.split(df["label"], cfg.test_fraction, cfg.seed)
            model = supervised.SentimentModel(seed=cfg.seed).fit(norm.iloc[train], df["label"].iloc[train])
        with bc.timed(t, "supervised_predict"):
            pred = model.predict_proba(norm).idxmax(axis=1)
        with bc.timed(t, "topics_kmeans"):
            tr = topics.fit_topics(norm, n_topics=cfg.topic_count, svd_components=cfg.svd_components, seed=cfg.seed)
        if hdbscan:
            with bc.timed(t, "topics_hdbscan"):
                th = topics.fit_topics(norm, method="hdbscan", n_topics=0, min_topic_size=max(10, n // 1000),
                                       svd_components=cfg.svd_components, seed=cfg.seed)
            out[f"hdbscan_topics_{run}"] = th.n_topics
            out[f"hdbscan_outlier_share_before_{run}"] = round(th.outlier_share_before, 3)
        with bc.timed(t, "care_grading"):
            care.grade_texts(df["text"], pd.Series(pred == "negative"), cfg.care_rules)
        out[f"{run}_seconds"] = {k[:-8]: v for k, v in t.items() if not k.endswith("_cpu_seconds")}
        out[f"{run}_cpu_seconds"] = {k[:-12]: v for k, v in t.items() if k.endswith("_cpu_seconds")}
        out[f"{run}_total_seconds"] = round(sum(out[f"{run}_seconds"].values()), 1)
        out[f"{run}_total_cpu_seconds"] = round(sum(out[f"{run}_cpu_seconds"].values()), 1)
        out["accuracy_test"] = round(float((pred.iloc[test] == df["label"].iloc[test]).mean()), 3)
        out["n_topics"] = tr.n_topics
    out["texts_per_second_language"] = round(n / max(out["second_seconds"]["language"], 1e-3))
    out["peak_rss_mb"] = bc.peak_rss_mb()
    out["load_average_1min_at_end"] = bc.machine()["load_average_1min"]
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = bc.parser(__doc__)
    ap.add_argument("--texts", type=int, nargs="+", default=None, help="text counts (default: by --size)")
    ap.add_argument("--hdbscan", action="store_true", help="also time UMAP + HDBSCAN (about 75 s of numba compile)")
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    bc.single_thread_blas()
    if args.one:
        print(json.dumps(one_size(args.one, args.seed, args.hdbscan)))
        return {}
    t0 = time.perf_counter()
    s = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import bertopic"], check=True, capture_output=True)
    import_seconds = time.perf_counter() - s
    results = {}
    for n in args.texts or TEXTS[args.size]:
        cmd = [sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)] + (
            ["--hdbscan"] if args.hdbscan else [])
        res = subprocess.run(cmd, check=True, capture_output=True, text=True)
        results[str(n)] = json.loads(res.stdout.strip().splitlines()[-1])
        print(n, json.dumps(results[str(n)]), file=sys.stderr, flush=True)
    out = {"size": args.size, "seed": args.seed, "sizes": results,
           "bertopic_import_seconds_cold_process": round(import_seconds, 1),
           "wall_seconds": round(time.perf_counter() - t0, 1),
           "peak_rss_mb": max(r["peak_rss_mb"] for r in results.values()), **bc.machine()}
    bc.write_result(f"feedback_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
