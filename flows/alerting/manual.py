"""What an analyst asks of the alerts by hand: a test message to one channel, a retry of every
delivery still outstanding."""

from __future__ import annotations

import os

from core.errors import ConfigError, TerminalError
from flows.alerting.channels import deliver
from flows.alerting.outbox import AlertCounts, deliver_pending
from flows.alerting.rules import BUILT_IN_CHANNELS, load_alert_config
from flows.alerting.secrets import channel_environment
from flows.settings import Settings

TEST_TITLE = "[cloudintel] test message"
TEST_BODY = "If you can read this, cloudintel alerts reach this channel."


def send_test_message(settings: Settings, channel: str) -> None:
    """Send a test message to `channel` (a name from the alerts file, or log / jsonl); raises with the
    channel's error when it fails."""
    config = load_alert_config(settings.alerts_file, settings.organization_index())
    if channel not in config.channels and channel not in BUILT_IN_CHANNELS:
        raise ConfigError(
            f"no channel {channel!r} in {settings.alerts_file}; channels: "
            f"{', '.join([*BUILT_IN_CHANNELS, *config.channels])}"
        )
    result = deliver(
        channel,
        config.channels.get(channel),
        TEST_TITLE,
        TEST_BODY,
        {"test": True, "title": TEST_TITLE},
        settings.alerts_log,
        channel_environment(config.channels.values(), os.environ),
    )
    if not result.ok:
        raise TerminalError(result.error or "delivery failed")


def retry_deliveries(settings: Settings) -> AlertCounts:
    """Re-send every alert channel not delivered yet."""
    config = load_alert_config(settings.alerts_file, settings.organization_index())
    environ = channel_environment(config.channels.values(), os.environ)
    return deliver_pending(settings.warehouse_url, config, settings.alerts_log, environ)
