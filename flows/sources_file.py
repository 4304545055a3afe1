"""Read and check `sources.yaml`: a list of `{name, kind, url}` (plus `selector` for newsrooms).

A malformed file is refused with a `ConfigError` naming the file, the line and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import soupsieve
import yaml

from core.errors import ConfigError
from core.vocabulary import SOURCE_KINDS, SourceKind
from core.yamlfiles import compose, did_you_mean, line
from extractors.urls import url_problem

FIELDS = {"name", "kind", "url", "selector"}
DEFAULT_NEWSROOM_SELECTOR = "article a[href], h2 a[href], h3 a[href]"
MAX_SELECTOR_CHARS = 1_000


@dataclass(frozen=True)
class SourceSpec:
    """One configured source."""

    name: str
    kind: SourceKind
    url: str
    selector: str | None = None


def load_sources(path: Path, base_url: str | None = None) -> list[SourceSpec]:
    """Read a sources file; `base_url` replaces the corpus placeholder `{{BASE}}` in URLs."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the sources file ({exc}); pass --sources PATH") from exc
    return parse_sources(text, str(path), base_url)


def parse_sources(text: str, filename: str, base_url: str | None = None) -> list[SourceSpec]:
    """Parse the text of a sources file; errors name `filename` and the line."""
    root = compose(text, filename, "a list of sources")
    items = _source_list(root, filename)
    specs = [_source(node, filename, base_url) for node in items.value]
    seen: dict[str, int] = {}
    for node, spec in zip(items.value, specs, strict=True):
        if spec.name in seen:
            raise ConfigError(
                f"{filename}:{line(node)}: duplicate source name {spec.name!r} "
                f"(first on line {seen[spec.name]}); names must be unique"
            )
        seen[spec.name] = line(node)
    if not specs:
        raise ConfigError(f"{filename}:{line(items)}: no sources listed")
    return specs


def _source_list(root: yaml.Node, filename: str) -> yaml.SequenceNode:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "sources":
                if not isinstance(value, yaml.SequenceNode):
                    raise ConfigError(f"{filename}:{line(value)}: 'sources' must be a list")
                return value
        raise ConfigError(f"{filename}:{line(root)}: expected a top-level 'sources:' list")
    if isinstance(root, yaml.SequenceNode):
        return root
    raise ConfigError(f"{filename}:{line(root)}: expected a list of sources")


def _source(node: yaml.Node, filename: str, base_url: str | None) -> SourceSpec:
    where = f"{filename}:{line(node)}"
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{where}: each source must be a mapping with name, kind and url")
    values: dict[str, str] = {}
    for key, value in node.value:
        field = str(key.value)
        at = f"{filename}:{line(key)}"
        if field not in FIELDS:
            raise ConfigError(
                f"{at}: unknown field {field!r}{did_you_mean(field, FIELDS)} (fields: {', '.join(sorted(FIELDS))})"
            )
        if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            raise ConfigError(f"{at}: {field!r} must be a non-empty string")
        values[field] = str(value.value).strip()
    for required in ("name", "kind", "url"):
        if required not in values:
            raise ConfigError(f"{where}: source is missing {required!r}")
    kind = values["kind"]
    if kind not in SOURCE_KINDS:
        raise ConfigError(
            f"{where}: kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}{did_you_mean(kind, SOURCE_KINDS)}"
        )
    url = values["url"].replace("{{BASE}}", base_url) if base_url else values["url"]
    problem = url_problem(url)
    if problem is not None:
        raise ConfigError(f"{where}: url {url[:200]!r} cannot be fetched: the URL {problem}")
    selector = values.get("selector")
    if selector is not None:
        _check_selector(selector, where)
    if kind == "newsroom" and selector is None:
        selector = DEFAULT_NEWSROOM_SELECTOR
    return SourceSpec(name=values["name"], kind=cast(SourceKind, kind), url=url, selector=selector)


def _check_selector(selector: str, where: str) -> None:
    """Refuse a CSS selector soupsieve cannot compile, now rather than mid-run."""
    if len(selector) > MAX_SELECTOR_CHARS:
        raise ConfigError(f"{where}: selector longer than {MAX_SELECTOR_CHARS} characters")
    try:
        soupsieve.compile(selector)
    except (soupsieve.SelectorSyntaxError, ValueError, TypeError, NotImplementedError) as exc:
        reason = " ".join(str(exc).split("\n")[0].split())
        raise ConfigError(f"{where}: selector {selector!r} is not valid CSS ({reason})") from None
