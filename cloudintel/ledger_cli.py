"""`cloudintel exposure` and `cloudintel relationships` (spec §6): the compute-exposure ledger and the
state of each relationship, read from the warehouse (no Prefect)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from cloudintel.render import plain
from cloudintel.shell import Format, FormatOption, day, echo_json, read, settings

CompanyArgument = Annotated[str, typer.Argument(help="A company (any alias).")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="The ledger as of this day (YYYY-MM-DD or 30d...); default today."),
]


def exposure(company: CompanyArgument, as_of: AsOfOption = None, output: FormatOption = Format.table) -> None:
    """COMPANY's committed compute by counterparty (dollars, MW, GPUs) and its concentration (HHI,
    largest share), from announced and reported partnerships; see docs/exposure.md for what counts."""
    from warehouse.exposure import exposure_json

    orgs = settings().organization_index()
    name = orgs.canonical(company)
    when = day(as_of, "--as-of") or datetime.now(UTC).date().isoformat()
    found = read(lambda session: exposure_json(session, name, when, orgs))
    if output is Format.json:
        echo_json(found)
    else:
        typer.echo(exposure_text(found))


def relationships(
    company: CompanyArgument, as_of: AsOfOption = None, output: FormatOption = Format.table
) -> None:
    """The state of each relationship of COMPANY (in_talks, active, exclusive, right_of_first_refusal,
    non_exclusive, ended), since when, and how each event moved it."""
    from warehouse.relationship_states import relationships_json

    name = settings().organization_index().canonical(company)
    when = day(as_of, "--as-of")
    found = read(lambda session: relationships_json(session, name, when))
    if output is Format.json:
        echo_json(found)
    else:
        typer.echo(relationships_text(name, found))


def exposure_text(ledger: dict[str, Any]) -> str:
    rows = ledger["counterparties"]
    if not rows:
        return f"no committed compute of {ledger['company']} as of {ledger['as_of']}"
    lines = [
        f"{ledger['company']} as of {ledger['as_of']}: HHI {_share(ledger['hhi'])}, top share {_share(ledger['top_share'])}"
    ]
    lines += [
        f"  {plain(r['name']):<28} {_usd(r['amount_usd']):>10} {_unit(r['capacity_mw'], 'MW'):>9} "
        f"{_unit(r['gpus'], 'GPUs'):>12}  {r['state']:<22} {len(r['events'])} events"
        for r in rows
    ]
    return "\n".join(lines)


def relationships_text(company: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return f"no partnerships of {company} yet"
    lines = []
    for row in rows:
        lines.append(f"{company} \u2194 {plain(row['counterparty'])}: {row['state']} since {row['since']}")
        lines += [f"  {e['date']}  {e['transition']:<44} {plain(e['title'])}" for e in row["events"]]
    return "\n".join(lines)


def _usd(value: float | None) -> str:
    return "-" if value is None else f"${value / 1e9:,.1f}B"


def _unit(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:,.0f} {unit}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
