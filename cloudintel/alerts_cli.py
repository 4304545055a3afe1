"""`cloudintel alerts ...`: the alerts fired, a channel test, a retry (calls flows/alerting/manual.py and
warehouse/alerts.py)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cloudintel import render
from cloudintel.shell import Format, FormatOption, read, settings

alerts_app = typer.Typer(help="Alerts fired on new events, their delivery, and channel tests.")


@alerts_app.callback(invoke_without_command=True)
def alerts(ctx: typer.Context, output: FormatOption = Format.table) -> None:
    """List the alerts fired so far, oldest first, with delivery status per channel."""
    if ctx.invoked_subcommand is not None:
        return
    from warehouse.alerts import alerts_json

    rows = read(alerts_json)
    typer.echo(json.dumps(rows, indent=2) if output is Format.json else render.alerts_table(rows))


@alerts_app.command("test")
def alerts_test(
    channel: Annotated[str, typer.Argument(help="A channel name from the alerts file, or log / jsonl.")],
) -> None:
    """Send a test message to one channel."""
    from flows.alerting.manual import send_test_message

    send_test_message(settings(), channel)
    typer.echo(f"test message delivered to {channel}", err=True)


@alerts_app.command("retry")
def alerts_retry() -> None:
    """Re-send every alert channel that has not been delivered yet."""
    from flows.alerting.manual import retry_deliveries

    counts = retry_deliveries(settings())
    typer.echo(f"{counts.delivered} deliveries succeeded, {counts.failed} failed", err=True)
    if counts.failed:
        raise typer.Exit(1)
