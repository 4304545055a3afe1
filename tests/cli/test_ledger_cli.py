"""`cloudintel exposure` and `cloudintel relationships`: the §6 JSON contract through the real command."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import cloudintel
from tests.warehouse.test_ledger import event


def test_exposure_and_relationships_print_the_contract(tmp_path: Path, database_url: str) -> None:
    rofr = event(
        database_url,
        "2025-01-21",
        ("Microsoft", "OpenAI"),
        "Microsoft is no longer OpenAI's exclusive cloud provider but keeps a right of first refusal.",
    )
    azure = event(
        database_url,
        "2025-10-28",
        ("Microsoft", "OpenAI"),
        "OpenAI commits to purchase an incremental $250 billion of Azure services.",
        250e9,
    )
    aws = event(
        database_url,
        "2025-11-03",
        ("Amazon Web Services", "OpenAI"),
        "OpenAI signed a $38 billion deal with AWS.",
        38e9,
    )

    def run(*args: str) -> object:
        result = cloudintel(*args, "--format", "json", home=tmp_path, CLOUDINTEL_DATABASE_URL=database_url)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    ledger = run("exposure", "openai", "--as-of", "2025-12-31")
    assert ledger == {
        "company": "OpenAI",
        "as_of": "2025-12-31",
        "counterparties": [
            {
                "name": "Microsoft",
                "cloud": True,
                "amount_usd": 250000000000,
                "capacity_mw": None,
                "gpus": None,
                "events": [rofr, azure],
                "state": "right_of_first_refusal",
            },
            {
                "name": "Amazon Web Services",
                "cloud": True,
                "amount_usd": 38000000000,
                "capacity_mw": None,
                "gpus": None,
                "events": [aws],
                "state": "active",
            },
        ],
        "hhi": round((250 / 288) ** 2 + (38 / 288) ** 2, 4),
        "top_share": round(250 / 288, 4),
    }
    assert run("exposure", "aws", "--as-of", "2025-06-30")["counterparties"] == []

    rows = run("relationships", "OpenAI")
    assert [list(r) for r in rows] == [["counterparty", "state", "since", "events"]] * 2
    microsoft = rows[0]
    assert (microsoft["counterparty"], microsoft["state"], microsoft["since"]) == (
        "Microsoft",
        "right_of_first_refusal",
        "2025-01-21",
    )
    assert [list(e) for e in microsoft["events"]] == [
        ["id", "date", "type", "status", "title", "transition"]
    ] * 2
    assert [e["transition"] for e in microsoft["events"]] == [
        "none -> right_of_first_refusal",
        "right_of_first_refusal -> right_of_first_refusal",
    ]
    table = cloudintel("relationships", "openai", home=tmp_path, CLOUDINTEL_DATABASE_URL=database_url).stdout
    assert "OpenAI \u2194 Microsoft: right_of_first_refusal since 2025-01-21" in table
    bad = cloudintel(
        "exposure", "openai", "--as-of", "yesterday", home=tmp_path, CLOUDINTEL_DATABASE_URL=database_url
    )
    assert bad.returncode == 2 and "--as-of" in bad.stderr
