"""What Customer 360 found: the profile, the timeline, audiences, lookalikes and cards (the shared ``Result`` shape)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.common.files import write_csv
from experiments.data import processed
from experiments.profile.audiences import Audience
from experiments.profile.blocks import BLOCKS
from experiments.profile.config import Config
from experiments.profile.hashing import hashed_identifiers
from experiments.profile.lookalike import Lookalike
from experiments.profile.sources import FRESH, STALE, Data


@dataclass
class Result:
    """The profile (``customer_360``), the timeline (``customer_timeline``), audiences, lookalikes and cards."""

    config: Config
    data: Data
    profile: pd.DataFrame
    timeline: pd.DataFrame
    notes: dict[str, str]
    audiences: dict[str, Audience]
    lookalike: Lookalike
    cards: list[dict]

    @property
    def freshness(self) -> pd.DataFrame:
        """One row per block: its source table, status, run id, run time, age in days and a note."""
        rows = []
        for block, tables in BLOCKS.items():
            src = self.data.tables[tables[0]]
            status = self.profile[f"{block}_status"].iloc[0] if len(self.profile) else src.status
            rows.append({"block": block, "table": " + ".join(tables), "status": status, "run_id": src.run_id,
                         "run_time": src.run_time, "age_days": src.age_days, "note": self.notes.get(block, "")})
        return pd.DataFrame(rows)

    @property
    def audience_summary(self) -> pd.DataFrame:
        """Size, share, value and customers left out for consent of every audience."""
        n = len(self.profile)
        cols = ["audience", "rule", "size", "share", "value", "left_out_no_consent"]
        return pd.DataFrame([a.summary(n) for a in self.audiences.values()], columns=cols)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Block freshness, audiences and the top-decile lookalike prospects (the report's tables)."""
        return {"freshness": self.freshness, "audiences": self.audience_summary,
                "lookalike_top_decile": self.lookalike.top_decile}

    def n_excluded_no_consent(self) -> int:
        """Distinct customers some audience rule selected but left out because they gave no consent."""
        ids: set[str] = set()
        for a in self.audiences.values():
            hit = self.profile.query(a.rule)
            ids |= set(hit.loc[~hit["consent"].astype(bool), "customer_id"].astype(str))
        return len(ids)

    def metrics(self) -> dict[str, Any]:
        """The metrics.json keys of conf/runs.yaml (``lookalike_top_decile_lift`` comes from ``evaluation``)."""
        status = self.freshness["status"]
        out: dict[str, Any] = {
            "n_customers": int(len(self.profile)),
            "n_blocks_fresh": int((status == FRESH).sum()),
            "n_blocks_stale": int((status == STALE).sum()),
            "n_timeline_events": int(len(self.timeline)),
            "n_cards": int(len(self.cards)),
        }
        for row in self.audience_summary.itertuples():
            out[f"audience_{row.audience}_size"] = int(row.size)
            out[f"audience_{row.audience}_value"] = round(float(row.value), 2)
        out["n_prospects_scored"] = int(len(self.lookalike.scores))
        out["n_excluded_no_consent"] = self.n_excluded_no_consent()
        return out

    def audience_files(self) -> dict[str, pd.DataFrame]:
        """Per audience, the upload file: hashed email and phone of its members (rows with neither dropped)."""
        out = {}
        for name, a in self.audiences.items():
            hashed = hashed_identifiers(a.members, self.config.default_country_code)
            out[name] = hashed[(hashed["email_sha256"] != "") | (hashed["phone_sha256"] != "")].reset_index(drop=True)
        return out

    def export_audiences(self, folder: str | Path) -> list[Path]:
        """Write ``audience_<name>.csv`` (hashed identifiers only, never a raw email or phone) into the run's output
        folder ``folder`` (not data/processed) and return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return [write_csv(frame, folder / f"audience_{name}.csv") for name, frame in self.audience_files().items()]

    def publish(self) -> Path | None:
        """Publish ``customer_360`` and ``customer_timeline`` (contracts in ``data.contracts.OUTPUT_SCHEMAS``)."""
        return processed.publish_results({"customer_360": self.profile, "customer_timeline": self.timeline},
                                         company_world=self.data.company_world)
