"""`cloudintel orgs [--unknown]`: the organizations the timeline names, or those the list lacks."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cloudintel.render import plain
from cloudintel.shell import echo_json, settings

OrgsFormat = StrEnum("OrgsFormat", ["table", "json", "yaml"])


def orgs(
    unknown: Annotated[
        bool, typer.Option("--unknown", help="Only the names the organization list lacks.")
    ] = False,
    output: Annotated[
        OrgsFormat,
        typer.Option("--format", help="table, json, or yaml: entries to paste into an organizations file."),
    ] = OrgsFormat.table,
) -> None:
    """Organizations the timeline names, with how many events and an example sentence; --unknown: those
    the organization list lacks, with the category and cloud flag inferred from how the text describes
    them (--format yaml gives entries to review and paste into your CLOUDINTEL_ORGANIZATIONS file)."""
    from flows.organizations import as_organizations_yaml, seen_organizations

    rows = seen_organizations(settings(), unknown)
    if output is OrgsFormat.json:
        echo_json(rows)
    elif output is OrgsFormat.yaml:
        typer.echo(as_organizations_yaml(rows), nl=False)
    elif not rows:
        typer.echo("every party of the timeline is on the organization list" if unknown else "no events yet")
    else:
        for row in rows:
            kind = row["category"] or "?"
            typer.echo(
                f"{plain(row['name']):<32} {row['events']:>4} events  {kind:<20} {plain(row['example'])[:100]}"
            )
