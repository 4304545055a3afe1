"""YAML read as nodes, so that errors in user-edited files can name the file and the line."""

from __future__ import annotations

import yaml

from cloudintel.errors import ConfigError


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
