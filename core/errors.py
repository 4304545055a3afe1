"""Errors of cloudintel: the whole tree, in one place.

CloudintelError                 base: every expected failure, with a message that says what to do
├── TransientError              may succeed if tried again (timeouts, 5xx, resets): retried
│   └── TransientFetchError
└── TerminalError               will fail the same way again (bad config, 404, refused URL): not retried
    ├── ConfigError             a config file or setting is missing or malformed (names file and line)
    ├── UsageError              a command was given a value it cannot use (an unknown company, a bad date)
    ├── FetchError              a URL could not be fetched for good (status, size cap, content type)
    ├── BlockedURLError         a URL is refused by the outbound guard or robots.txt
    ├── WarehouseError          the warehouse cannot be opened or written
    │   ├── RunInProgress       another run holds the warehouse
    │   └── NotFound            no such event (or other row) in the warehouse
    └── ModelUnavailable        the impact model is missing, corrupt or incompatible (the rules are used)

The command line turns every `CloudintelError` into one line on stderr (cloudintel/shell.py,
`Shell.invoke`): exit code 2 for a `UsageError` (with a pointer to the command's help), 1 for the rest.
"""

from __future__ import annotations


class CloudintelError(Exception):
    """Base of every expected cloudintel failure."""


class TransientError(CloudintelError):
    """A failure that may go away on retry."""


class TerminalError(CloudintelError):
    """A failure that will repeat until someone fixes its cause."""


class TransientFetchError(TransientError):
    """A fetch that failed for a reason that may pass (timeout, reset, 5xx, 429)."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class ConfigError(TerminalError):
    """A configuration file is missing or malformed."""


class FetchError(TerminalError):
    """A URL that cannot be fetched (4xx, non-HTML, over the size cap, redirect loop)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BlockedURLError(TerminalError):
    """A URL refused before any connection: bad scheme, forbidden address, or robots.txt."""


class WarehouseError(TerminalError):
    """The warehouse cannot be opened or written."""


class UsageError(TerminalError):
    """A value given on the command line or to the API that cannot be used."""


class RunInProgress(WarehouseError):
    """Another run holds the warehouse."""


class NotFound(WarehouseError):
    """No such event (or other row) in the warehouse."""


class ModelUnavailable(TerminalError):
    """The impact model cannot be used; the rule baseline is used instead."""
