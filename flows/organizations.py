"""The organizations the timeline names (`cloudintel orgs`), and those the organization list lacks
(`--unknown`): each with its number of events, an example sentence, and its category and cloud flag
— the list's, or inferred from how that sentence describes it — ready to review and paste into a
user's organizations file."""

from __future__ import annotations

from typing import Any

from flows.analysis import recognizer
from flows.settings import Settings
from warehouse.engine import session_scope
from warehouse.parties import seen_parties


def seen_organizations(settings: Settings, unknown: bool) -> list[dict[str, Any]]:
    """The parties of the timeline the list knows (or, `unknown`, does not know), most events first."""
    orgs = settings.organization_index()
    with session_scope(settings.warehouse_url, create=False) as session:
        parties = [p for p in seen_parties(session) if (orgs.resolve(p.name) is None) is unknown]
    if not unknown:
        return [
            {
                "name": p.name,
                "events": p.events,
                "category": next(iter(org.categories), None) if (org := orgs.resolve(p.name)) else None,
                "cloud_provider": orgs.is_cloud_provider(p.name),
                "example": p.example,
            }
            for p in parties
        ]
    described = recognizer(orgs).find_many([p.example for p in parties])
    rows = []
    for party, found in zip(parties, described, strict=True):
        match = next((f for f in found if f.name == party.name), None)
        category = match.category if match else None
        rows.append(
            {
                "name": party.name,
                "events": party.events,
                "category": category,
                "cloud_provider": bool(match and match.cloud_provider),
                "example": party.example,
            }
        )
    return rows


def as_organizations_yaml(rows: list[dict[str, Any]]) -> str:
    """The rows as entries of an organizations file (extractors/data/organizations.yaml's schema)."""
    lines = ["organizations:"]
    for row in rows:
        lines.append(f"  - name: {_quoted(row['name'])}  # {row['events']} events")
        lines.append(f"    categories: [{row['category'] or 'other'}]")
        lines.append(f"    cloud_provider: {'true' if row['cloud_provider'] else 'false'}")
    return "\n".join(lines) + "\n"


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
