"""The scorer: matching rule, precision/recall/F1, duplicates and fact accuracy."""

from __future__ import annotations

from typing import Any

from extractors.scoring import score

GOLD = [
    {
        "key": "a",
        "type": "partnership",
        "date": "2025-01-21",
        "parties": ["Microsoft", "OpenAI"],
        "amount_usd": None,
        "capacity_mw": None,
        "gpus": None,
        "duration_years": None,
        "status": "announced",
    },
    {
        "key": "b",
        "type": "capacity",
        "date": "2025-07-14",
        "parties": ["Meta"],
        "amount_usd": None,
        "capacity_mw": 6000,
        "gpus": None,
        "duration_years": None,
        "status": "announced",
    },
]


def predicted(**changes: Any) -> dict[str, Any]:
    event = {k: v for k, v in GOLD[0].items() if k != "key"} | {"id": "p"}
    return event | changes


def test_perfect_timeline() -> None:
    result = score([predicted(), {**GOLD[1], "id": "q"}], GOLD)
    assert (result.precision, result.recall, result.f1, result.fact_accuracy) == (1, 1, 1, 1)


def test_dates_beyond_three_days_or_other_type_do_not_match() -> None:
    assert score([predicted(date="2025-01-25")], GOLD).matched == 0
    assert score([predicted(date="2025-01-24")], GOLD).matched == 1
    assert score([predicted(type="pricing")], GOLD).matched == 0


def test_party_jaccard_half_matches() -> None:
    assert score([predicted(parties=["Microsoft", "OpenAI", "Oracle", "SoftBank"])], GOLD).matched == 1
    assert score([predicted(parties=["Microsoft", "OpenAI", "Oracle", "SoftBank", "MGX"])], GOLD).matched == 0


def test_a_second_prediction_of_one_gold_event_is_a_duplicate() -> None:
    result = score([predicted(), predicted(id="p2", date="2025-01-22")], GOLD)
    assert result.matched == 1 and result.duplicates == 1 and result.precision == 0.5
    assert result.recall == 0.5 and result.misses == ["b"]


def test_fact_accuracy_counts_each_field() -> None:
    result = score([predicted(amount_usd=1e9, status="reported")], GOLD)
    assert result.fact_accuracy == 3 / 5
    assert sorted(w.split(":")[0] for w in result.wrong_facts) == ["a.amount_usd", "a.status"]


def test_per_type_figures_alerts_and_distractor_events() -> None:
    gold = [GOLD[0] | {"cloud_deal": True}, GOLD[1] | {"cloud_deal": False}]
    found = predicted(id="deal", sources=[{"url": "http://x/pages/deal-story.html"}])
    extra = predicted(
        id="earnings",
        type="capacity",
        parties=["Oracle"],
        sources=[{"url": "http://x/pages/earnings.html"}],
    )
    alerts = [
        {"event_id": "deal", "rule": "new-cloud-deal"},
        {"event_id": "earnings", "rule": "new-cloud-deal"},
        {"event_id": "deal", "rule": "high-impact"},
    ]
    result = score([found, extra], gold, alerts, distractor_pages={"earnings"}).to_dict()
    assert result["by_type"]["partnership"] == {
        "gold": 1, "predicted": 1, "matched": 1, "precision": 1.0, "recall": 1.0
    }  # fmt: skip
    assert result["by_type"]["capacity"] == {
        "gold": 1, "predicted": 1, "matched": 0, "precision": 0.0, "recall": 0.0
    }  # fmt: skip
    assert result["cloud_deal_alerts"] == {
        "alerted": 2, "correct": 1, "cloud_deals": 1, "found": 1, "precision": 0.5, "recall": 1.0
    }  # fmt: skip
    assert result["events_from_distractors"] == ["earnings"]
    assert result["status_accuracy"] == 1.0
