"""The compute-exposure ledger and relationship states (spec §6) over events stored in a real warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from extractors.entities import OrganizationIndex
from extractors.events import Candidate
from tests.warehouse.test_events import add_document, store
from warehouse.engine import session_scope
from warehouse.events import set_impact
from warehouse.exposure import exposure_history, exposure_json, top_share_shifts
from warehouse.relationship_states import relationships_json, transitions_caused
from warehouse.timeline import TimelineFilter, timeline

ORGS = OrganizationIndex.load()


def event(
    db: str,
    day: str,
    parties: tuple[str, ...],
    evidence: str,
    amount: float | None = None,
    status: str = "announced",
) -> str:
    when = date.fromisoformat(day)
    document = add_document(
        db,
        f"http://news.test/{day}/{'-'.join(parties)}",
        datetime(when.year, when.month, when.day, tzinfo=UTC),
    )
    candidate = Candidate("partnership", parties, status, when, evidence, amount_usd=amount)
    event_id = store(db, document, candidate).new[0]
    with session_scope(db) as session:
        set_impact(session, event_id, "medium", 0.5, [], "test")  # judged: ready for the alert rules
    return event_id


@pytest.fixture()
def openai(database_url: str) -> dict[str, str]:
    """OpenAI's compute relationships as reported in 2023-2025 (amounts as publicly reported)."""
    db = database_url
    ids = {
        "msft-2023": event(
            db,
            "2023-01-23",
            ("Microsoft", "OpenAI"),
            "Microsoft will invest $10 billion in OpenAI and remain its exclusive cloud provider.",
            10e9,
        ),
        "msft-rofr": event(
            db,
            "2025-01-21",
            ("Microsoft", "OpenAI"),
            "Microsoft is no longer OpenAI's exclusive cloud provider but retains a right of first refusal on new capacity.",
        ),
        "cw-1": event(
            db,
            "2025-03-10",
            ("CoreWeave", "OpenAI"),
            "OpenAI signed an $11.9 billion five-year contract with CoreWeave for AI infrastructure.",
            11.9e9,
        ),
        "google-talks": event(
            db,
            "2025-05-01",
            ("Google", "OpenAI"),
            "OpenAI is in talks with Google to add cloud capacity, people familiar said.",
            status="in_talks",
        ),
        "cw-2": event(
            db,
            "2025-05-28",
            ("CoreWeave", "OpenAI"),
            "OpenAI expanded its CoreWeave contract by up to $4 billion.",
            4e9,
        ),
        "google-deal": event(
            db,
            "2025-06-10",
            ("Google", "OpenAI"),
            "OpenAI signed a deal to buy cloud capacity from Google, according to people familiar.",
            status="reported",
        ),
        "msft-restructure": event(
            db,
            "2025-10-28",
            ("Microsoft", "OpenAI"),
            "Under the new agreement OpenAI commits to purchase an incremental $250 billion of Azure services and Microsoft gives up its right of first refusal.",
            250e9,
        ),
        "aws": event(
            db,
            "2025-11-03",
            ("Amazon Web Services", "OpenAI"),
            "OpenAI signed a $38 billion, seven-year compute deal with AWS.",
            38e9,
        ),
        "stargate": event(
            db,
            "2025-01-22",
            ("MGX", "OpenAI", "Oracle", "SoftBank"),
            "OpenAI, SoftBank, Oracle and MGX formed Stargate to invest $500 billion in AI infrastructure.",
            500e9,
        ),
    }
    return ids


def test_relationship_states_follow_the_events_sentences(database_url: str, openai: dict[str, str]) -> None:
    with session_scope(database_url) as session:
        rows = {row["counterparty"]: row for row in relationships_json(session, "OpenAI")}
    microsoft = rows["Microsoft"]
    assert [e["transition"] for e in microsoft["events"]] == [
        "none -> exclusive",
        "exclusive -> right_of_first_refusal",
        "right_of_first_refusal -> non_exclusive",
    ]
    assert (microsoft["state"], microsoft["since"]) == ("non_exclusive", "2025-10-28")
    assert [e["transition"] for e in rows["Google"]["events"]] == ["none -> in_talks", "in_talks -> active"]
    assert [e["transition"] for e in rows["CoreWeave"]["events"]] == ["none -> active", "active -> active"]
    assert (rows["CoreWeave"]["state"], rows["CoreWeave"]["since"]) == ("active", "2025-03-10")
    assert list(microsoft) == ["counterparty", "state", "since", "events"]
    assert list(microsoft["events"][0]) == ["id", "date", "type", "status", "title", "transition"]
    with session_scope(database_url) as session:
        earlier = {
            row["counterparty"]: row["state"] for row in relationships_json(session, "OpenAI", "2025-06-01")
        }
    assert earlier["Microsoft"] == "right_of_first_refusal" and earlier["Google"] == "in_talks"
    assert "Amazon Web Services" not in earlier


def test_exposure_sums_commitments_leaves_out_investments_talks_and_unsplit_joint_deals(
    database_url: str, openai: dict[str, str]
) -> None:
    with session_scope(database_url) as session:
        ledger = exposure_json(session, "OpenAI", "2025-12-31", ORGS)
    assert list(ledger) == ["company", "as_of", "counterparties", "hhi", "top_share"]
    rows = {row["name"]: row for row in ledger["counterparties"]}
    assert rows["Microsoft"]["amount_usd"] == 250e9  # the 2023 $10B was an investment
    assert rows["CoreWeave"]["amount_usd"] == 15.9e9  # an expansion adds
    assert rows["Amazon Web Services"]["amount_usd"] == 38e9
    assert rows["Google"]["amount_usd"] is None and rows["Google"]["events"] == [openai["google-deal"]]
    assert rows["Oracle"]["amount_usd"] is None and rows["Oracle"]["events"] == [openai["stargate"]]
    assert rows["Microsoft"]["events"] == [
        openai["msft-2023"],
        openai["msft-rofr"],
        openai["msft-restructure"],
    ]
    assert (rows["Microsoft"]["cloud"], rows["SoftBank"]["cloud"]) == (True, False)
    assert rows["Microsoft"]["state"] == "non_exclusive"
    total = 250 + 15.9 + 38
    assert ledger["hhi"] == pytest.approx(
        (250 / total) ** 2 + (15.9 / total) ** 2 + (38 / total) ** 2, abs=0.01
    )
    assert ledger["top_share"] == pytest.approx(250 / total, abs=0.01)
    with session_scope(database_url) as session:
        before = exposure_json(session, "OpenAI", "2025-09-30", ORGS)
    assert {r["name"]: r["amount_usd"] for r in before["counterparties"] if r["amount_usd"]} == {
        "CoreWeave": 15.9e9
    }
    assert (before["hhi"], before["top_share"]) == (1.0, 1.0)


def test_history_and_shifts_show_the_concentration_move(database_url: str, openai: dict[str, str]) -> None:
    with session_scope(database_url) as session:
        points = exposure_history(session, "OpenAI", ORGS)
        [restructure] = [
            e
            for e in timeline(session, TimelineFilter(companies=["OpenAI"]))
            if e["id"] == openai["msft-restructure"]
        ]
        [aws] = [
            e for e in timeline(session, TimelineFilter(companies=["OpenAI"])) if e["id"] == openai["aws"]
        ]
        shifts = top_share_shifts(session, restructure, ORGS)
        aws_shift = top_share_shifts(session, aws, ORGS)
        caused = transitions_caused(session, restructure)
    assert [p["date"] for p in points] == sorted(p["date"] for p in points)
    assert points[-1]["amounts_usd"]["Amazon Web Services"] == 38e9
    assert shifts["OpenAI"] == pytest.approx(
        (250 / 265.9 - 1.0) * 100, abs=0.01
    )  # CoreWeave 100% -> Microsoft 94%
    assert aws_shift["OpenAI"] == pytest.approx((250 / 303.9 - 250 / 265.9) * 100, abs=0.01)
    assert "Microsoft" not in shifts  # it had no dollars before
    assert caused == ["Microsoft\u2013OpenAI: right_of_first_refusal -> non_exclusive"]


def test_an_ended_relationship_commits_nothing_from_its_end(database_url: str) -> None:
    event(
        database_url,
        "2024-03-01",
        ("Lambda", "Acme Labs"),
        "Acme Labs signed a $2 billion GPU cloud contract with Lambda.",
        2e9,
    )
    event(
        database_url, "2025-02-01", ("Lambda", "Acme Labs"), "Acme Labs terminated its contract with Lambda."
    )
    with session_scope(database_url) as session:
        during = exposure_json(session, "Acme Labs", "2024-12-31", ORGS)
        after = exposure_json(session, "Acme Labs", "2025-12-31", ORGS)
        [row] = relationships_json(session, "Acme Labs")
    assert during["counterparties"][0]["amount_usd"] == 2e9
    assert after["counterparties"][0]["amount_usd"] == 0 and after["counterparties"][0]["state"] == "ended"
    assert after["hhi"] is None and after["top_share"] is None
    assert [e["transition"] for e in row["events"]] == ["none -> active", "active -> ended"]


def test_relationship_change_and_exposure_shift_alert_once_per_transition(
    database_url: str, openai: dict[str, str]
) -> None:
    from flows.alerting.outbox import fire_alerts
    from flows.alerting.rules import AlertConfig, Rule
    from warehouse.alerts import alerts_json

    rules = AlertConfig(
        (
            Rule("states", "relationship-change", ("log",)),
            Rule("concentration", "exposure-shift", ("log",), min_shift_points=5),
        )
    )
    assert fire_alerts(database_url, rules, ORGS).fired == 5
    assert fire_alerts(database_url, rules, ORGS).fired == 0
    with session_scope(database_url) as session:
        fired = {(a["rule"], a["event_id"]) for a in alerts_json(session)}
        messages = [a["message"] for a in alerts_json(session) if a["rule"] == "states"]
    assert {e for rule, e in fired if rule == "states"} == {
        openai["msft-rofr"],  # exclusive -> right of first refusal
        openai["google-deal"],  # talks became a deal
        openai["msft-restructure"],  # right of first refusal -> non-exclusive
    }
    assert {e for rule, e in fired if rule == "concentration"} == {openai["msft-restructure"], openai["aws"]}
    assert any("Microsoft\u2013OpenAI: exclusive -> right_of_first_refusal" in m for m in messages)


def test_a_deal_with_a_gpu_cloud_the_list_lacks_is_a_new_cloud_deal(database_url: str) -> None:
    from flows.alerting.outbox import fire_alerts
    from flows.alerting.rules import AlertConfig, Rule

    deal = event(
        database_url,
        "2025-03-01",
        ("Mistral AI", "Sesterce"),
        "Sesterce, a French GPU cloud provider, signed an agreement to supply Mistral AI with compute.",
    )
    event(
        database_url,
        "2025-05-01",
        ("Polarise", "Verne"),
        "Polarise signed a lease with Verne, which operates data centers in Iceland.",
    )
    rules = AlertConfig((Rule("deals", "new-cloud-deal", ("log",)),))
    assert ORGS.resolve("Sesterce") is None
    assert fire_alerts(database_url, rules, ORGS).fired == 1
    with session_scope(database_url) as session:
        from warehouse.alerts import alerts_json

        assert [a["event_id"] for a in alerts_json(session)] == [deal]


def test_a_gpu_cloud_described_in_another_event_makes_its_later_deal_a_cloud_deal(database_url: str) -> None:
    from flows.alerting.outbox import fire_alerts
    from flows.alerting.rules import AlertConfig, Rule
    from warehouse.alerts import alerts_json

    lease = event(
        database_url,
        "2025-03-01",
        ("Grantham Holdings", "Orvella"),
        "Grantham Holdings has leased 120 megawatts of its capacity to GPU cloud Orvella for ten years.",
    )
    later = event(
        database_url,
        "2025-06-01",
        ("Orvella", "Pentire Labs"),
        "AI lab Pentire Labs has agreed to buy $900 million of computing capacity from Orvella.",
    )
    event(
        database_url,
        "2025-06-02",
        ("Pentire Labs", "Wexcombe"),
        "Pentire Labs has agreed to buy $50 million of software from Wexcombe.",
    )
    assert ORGS.resolve("Orvella") is None and ORGS.resolve("Wexcombe") is None
    rules = AlertConfig((Rule("deals", "new-cloud-deal", ("log",)),))
    assert fire_alerts(database_url, rules, ORGS).fired == 2
    with session_scope(database_url) as session:
        assert {a["event_id"] for a in alerts_json(session)} == {lease, later}  # not the software deal
