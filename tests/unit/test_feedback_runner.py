"""05 through the runner on a small flat table written here (41 rows), every count worked out by hand.

Rows: 13 negative delivery texts (2 threaten a complaint: severe), 11 negative app texts (1 "very disappointed":
moderate), 16 positive coffee texts, 1 empty text (quarantined); each text its own customer; times day-first
(dd/mm/yyyy, days 1-28 of May 2025, so the column proves its order). Labels negative / positive; test_fraction 0.25
-> 10 held out, 30 trained on. topic_filter keeps the 24 negatives; 2 topics, scored against the reference column
(delivery / app).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments.lab import runner

pytestmark = pytest.mark.slow

DELIVERY = ["parcel delivery late courier", "courier lost parcel box delivery", "late delivery parcel courier box"]
APP = ["app crashes login screen", "login fails app payment screen", "app freezes payment login screen"]
COFFEE = ["lovely coffee friendly barista", "great coffee friendly staff", "friendly barista lovely cake coffee"]


def _table() -> pd.DataFrame:
    rows = []
    for i in range(13):
        extra = ". I will file a complaint" if i < 2 else ""
        rows.append((DELIVERY[i % 3] + extra, "negative", "delivery"))
    for i in range(11):
        rows.append((APP[i % 3] + (". Very disappointed" if i == 0 else ""), "negative", "app"))
    rows += [(COFFEE[i % 3], "positive", "") for i in range(16)]
    rows.append(("", "positive", ""))
    df = pd.DataFrame(rows, columns=["body", "mood", "reason"])
    df["when"] = [f"{(i % 28) + 1:02d}/05/2025 10:00" for i in range(len(df))]
    df["who"] = [f"c{i}" for i in range(len(df))]
    return df


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("feedback-runner")
    path = tmp / "feedback.csv"
    _table().to_csv(path, index=False)
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(tmp / "data"))
    mp.setenv("CIL_REPORTS_DIR", str(tmp / "reports"))
    overrides = [f"input_path={path}", "text_col=body", "label_col=mood", "time_col=when", "customer_col=who",
                 "reference_topic_col=reason", "language=en", "test_fraction=0.25", "topic_count=2",
                 'topic_filter=label == "negative"']
    record = runner.run(["05_feedback_topics_sentiment"], cli_overrides=overrides, log=lambda _: None)
    nb = record["notebooks"][0]
    assert nb["status"] == "passed", nb.get("error")
    metrics = json.loads((tmp / "reports" / record["folder"] / "05_feedback_topics_sentiment" / "metrics.json")
                         .read_text())
    scored = pd.read_parquet(next((tmp / "data" / "interim" / "flat" / "processed").rglob("feedback_scored.parquet")))
    yield metrics, scored
    mp.undo()


def test_counts_split_and_sentiment(ran) -> None:
    m, _ = ran
    assert (m["n_texts"], m["n_quarantined"], m["n_texts_en"], m["n_texts_zh"]) == (40, 1, 40, 0)
    assert (m["n_train"], m["n_test"]) == (30, 10)
    assert m["sentiment_accuracy"] == 1.0 and m["sentiment_macro_f1"] == 1.0  # the two vocabularies never overlap
    assert (m["n_negative"], m["negative_share"]) == (24, 0.6)
    assert not any(k.startswith("planted_") for k in m)  # a flat table has no planted truth


def test_topics_fitted_on_the_filtered_negatives_recover_the_two_reasons(ran) -> None:
    m, scored = ran
    assert (m["n_topics"], m["outlier_share"]) == (2, 0.0)
    assert m["topic_nmi"] == pytest.approx(1.0) and m["topic_ari"] == pytest.approx(1.0)
    outside = scored["sentiment"].eq("positive")
    assert (scored.loc[outside, "topic"] == -1).all()  # the positives were not fitted (topic_filter)
    assert set(scored.loc[outside, "topic_label"]) == {"(outside topic_filter)"}
    assert scored.loc[~outside, "topic"].nunique() == 2
    assert any(w in m["top_complaint_topic"] for w in ("parcel", "courier", "delivery"))  # 13 against 11


def test_care_grades_and_day_first_times(ran) -> None:
    m, scored = ran
    assert (m["care_severe"], m["care_moderate"], m["care_mild"], m["care_calls"]) == (2, 1, 21, 3)
    times = pd.to_datetime(scored["created_at"], utc=True)
    assert times.iat[12] == pd.Timestamp("2025-05-13 10:00", tz="UTC")  # 13/05/2025: day first
    assert times.iat[2] == pd.Timestamp("2025-05-03 10:00", tz="UTC")  # 03/05/2025 read the same way, not 5 March
