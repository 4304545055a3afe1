"""Issue 18's labelled check: the ledger built by the pipeline from tests/fixtures/relationships (real
2023-2025 compute relationships, reported in articles written for it) matches its hand-labelled
ledger.yaml: each pair's state, since when, transitions and committed amounts, each company's
concentration index to 0.01, and one relationship-change alert per transition, never again."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from cloudintel.corpus_server import serve_corpus
from extractors.entities import OrganizationIndex
from flows.daily import daily_pipeline
from warehouse.alerts import alerts_json
from warehouse.engine import session_scope
from warehouse.exposure import concentration, exposure_json
from warehouse.relationship_states import relationships_json

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "relationships"
LEDGER = yaml.safe_load((CORPUS / "ledger.yaml").read_text())
AS_OF = str(LEDGER["as_of"])
ORGS = OrganizationIndex.load()


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def differences(session: Any) -> dict[tuple[str, str], list[str]]:
    """Each labelled pair's differences between the pipeline's ledger and the label, seen from both sides."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for label in LEDGER["relationships"]:
        for company, other in (
            (label["company"], label["counterparty"]),
            (label["counterparty"], label["company"]),
        ):
            rows = {r["counterparty"]: r for r in relationships_json(session, company, AS_OF)}
            row = rows.get(other)
            wanted = [(str(t["date"]), t["transition"]) for t in label["transitions"]]
            got = [(e["date"], e["transition"]) for e in row["events"]] if row else []
            if row is None or (row["state"], row["since"], got) != (
                label["state"],
                str(label["since"]),
                wanted,
            ):
                found[pair(company, other)].append(
                    f"{company}: state/transitions {row and (row['state'], row['since'], got)}"
                )
            ledger = {r["name"]: r for r in exposure_json(session, company, AS_OF, ORGS)["counterparties"]}
            amounts = {k: ledger.get(other, {}).get(k) for k in label["committed"]}
            if amounts != label["committed"]:
                found[pair(company, other)].append(f"{company}: committed {amounts} != {label['committed']}")
    return found


def labelled_concentration() -> dict[str, float | None]:
    """Each company's HHI from the labelled dollars of its pairs."""
    dollars: dict[str, dict[str, float]] = defaultdict(dict)
    for label in LEDGER["relationships"]:
        usd = label["committed"]["amount_usd"] or 0
        dollars[label["company"]][label["counterparty"]] = usd
        dollars[label["counterparty"]][label["company"]] = usd
    return {company: concentration(list(by.values()))[0] for company, by in dollars.items()}


def test_the_pipelines_ledger_matches_the_labelled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    alerts = tmp_path / "alerts.yaml"
    alerts.write_text("rules:\n  - {name: states, kind: relationship-change, channels: [jsonl]}\n")
    for name, value in {
        "CLOUDINTEL_HOME": str(tmp_path),
        "CLOUDINTEL_ALLOW_LOOPBACK": "1",
        "CLOUDINTEL_DATABASE_URL": database_url,
        "CLOUDINTEL_ALERTS": str(alerts),
    }.items():
        monkeypatch.setenv(name, value)
    with serve_corpus(CORPUS) as base_url:
        first = daily_pipeline(sources=str(CORPUS / "sources.yaml"), base_url=base_url)
        second = daily_pipeline(sources=str(CORPUS / "sources.yaml"), base_url=base_url)

    with session_scope(database_url) as session:
        found = differences(session)
        hhi = {c: exposure_json(session, c, AS_OF, ORGS)["hhi"] for c in labelled_concentration()}
        fired = [a for a in alerts_json(session) if a["rule"] == "states"]
        changed = {
            e["id"]
            for company in labelled_concentration()
            for row in relationships_json(session, company, AS_OF)
            for e in row["events"]
            if not e["transition"].startswith("none") and len(set(e["transition"].split(" -> "))) == 2
        }
    assert not found, dict(found)

    for company, labelled in labelled_concentration().items():
        assert hhi[company] == pytest.approx(labelled, abs=0.01) if labelled else hhi[company] is None, (
            company
        )

    transitions = [
        t["transition"]
        for label in LEDGER["relationships"]
        for t in label["transitions"]
        if not t["transition"].startswith("none") and len(set(t["transition"].split(" -> "))) == 2
    ]
    # exclusive -> ROFR -> non-exclusive (Microsoft-OpenAI), Figure AI's end, Anthropic-Google's talks
    # becoming a deal
    assert len(transitions) == 4
    assert sorted(a["event_id"] for a in fired) == sorted(changed)  # once per event that moved a relationship
    assert first["alerts_fired"] == len(fired) >= len(transitions)
    assert second["alerts_fired"] == 0
