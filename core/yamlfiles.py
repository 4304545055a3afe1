"""YAML read as nodes, so that errors in user-edited files can name the file and the line; and the
"did you mean" hint every such error (and every unknown name on the command line) carries."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import yaml

from core.errors import ConfigError


def compose(text: str, filename: str, expected: str) -> yaml.Node:
    """The document's root node; bad or empty YAML is a `ConfigError` naming the file and line.
    `expected` says what the file should hold ("a list of sources")."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{filename}{line}: not valid YAML: {reason}") from exc
    if root is None:
        raise ConfigError(f"{filename}:1: the file is empty; expected {expected}")
    return root


def line(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def close_matches(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The choices closest to a mistyped `word`, best first, compared without regard to case
    ('opneai' and 'OPNEAI' both find 'OpenAI'); returned as spelt in `choices`."""
    spelt: dict[str, str] = {}
    for choice in sorted(choices):
        spelt.setdefault(choice.casefold(), choice)
    found = difflib.get_close_matches(word.casefold(), list(spelt), n=n, cutoff=cutoff)
    return [spelt[key] for key in found]


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """ "; did you mean 'x'?" for the closest choices, or "" when none is close (any case)."""
    hint = close_matches(word, choices, n)
    return f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
