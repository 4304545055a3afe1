"""Organization mentions: a curated list of AI and cloud-compute organizations and a fast matcher.

Pure (no network, no database). The list lives in ``extractors/data/organizations.yaml``; its header
explains the schema and the decisions on ambiguous names. ``OrganizationIndex.load()`` reads it (plus
an optional user file) and compiles every name into one case-insensitive regular expression shaped as a
character trie, so a scan is a single pass of the regex engine; case-sensitive names, context-gated
names and exclusion phrases are checked on the few candidate matches only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError, UsageError
from core.yamlfiles import close_matches, compose, did_you_mean, line

__all__ = [
    "CATEGORIES",
    "DEFAULT_PATH",
    "OrgMention",
    "Organization",
    "OrganizationIndex",
    "default_index",
]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "organizations.yaml"
CATEGORIES = (
    "hyperscale_cloud",
    "gpu_cloud",
    "ai_lab",
    "chip_maker",
    "investor",
    "data_center_operator",
    "other",
)
CLOUD_CATEGORIES = frozenset({"hyperscale_cloud", "gpu_cloud"})
FIELDS = (
    "name",
    "aliases",
    "case_sensitive_aliases",
    "categories",
    "cloud_provider",
    "context",
    "context_aliases",
    "exclude",
)
_WORD_RE = re.compile(r"\w")
_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Organization:
    """One organization: canonical name, its other names (both case kinds) and what it is."""

    name: str
    aliases: tuple[str, ...]
    categories: tuple[str, ...]
    cloud_provider: bool


@dataclass(frozen=True)
class OrgMention:
    """One mention of an organization: ``text[start:end] == surface``."""

    name: str
    start: int
    end: int
    surface: str


# --------------------------------------------------------------------------------------------------
# Loading and checking the YAML
# --------------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """An organization as read from a file, with what the matcher and error messages need."""

    org: Organization
    where: str  # "file:line" of the entry
    forms: list[tuple[str, bool, str]]  # (surface form, case-sensitive, "file:line"), name first
    context: tuple[str, ...] = ()
    context_forms: frozenset[str] = field(default_factory=frozenset)  # gated forms
    exclude: list[tuple[str, str]] = field(default_factory=list)  # (phrase, "file:line")


def _key(form: str) -> str:
    """The lookup key of a surface form: lowercase, whitespace runs as one space."""
    return " ".join(form.lower().split())


def _parse(text: str, filename: str) -> list[_Entry]:
    """Parse an organizations file; errors name ``filename`` and the line."""
    root = compose(text, filename, "an 'organizations:' list")
    items: yaml.Node = root
    if isinstance(root, yaml.MappingNode):
        found = [value for key, value in root.value if key.value == "organizations"]
        others = [key for key, _ in root.value if key.value != "organizations"]
        if others:
            raise ConfigError(
                f"{filename}:{line(others[0])}: unknown top-level key {others[0].value!r}; "
                "expected only 'organizations:'"
            )
        if not found:
            raise ConfigError(f"{filename}:{line(root)}: expected a top-level 'organizations:' list")
        items = found[0]
    if not isinstance(items, yaml.SequenceNode):
        raise ConfigError(f"{filename}:{line(items)}: 'organizations' must be a list of entries")
    entries = [_entry(node, filename) for node in items.value]
    if not entries:
        raise ConfigError(f"{filename}:{line(items)}: no organizations listed")
    return entries


def _strings(node: yaml.Node, field_name: str, at: str) -> list[tuple[str, str]]:
    """A list of non-empty strings with the "file:line" of each."""
    filename = at.rsplit(":", 1)[0]
    if not isinstance(node, yaml.SequenceNode):
        raise ConfigError(f"{at}: {field_name!r} must be a list, e.g. [A, B]")
    out: list[tuple[str, str]] = []
    for item in node.value:
        where = f"{filename}:{line(item)}"
        if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
            raise ConfigError(f"{where}: every item of {field_name!r} must be a non-empty string")
        out.append((" ".join(str(item.value).split()), where))
    return out


def _entry(node: yaml.Node, filename: str) -> _Entry:
    where = f"{filename}:{line(node)}"
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(
            f"{where}: each organization must be a mapping with name, categories, cloud_provider"
        )
    name: tuple[str, str] | None = None
    cloud: bool | None = None
    lists: dict[str, list[tuple[str, str]]] = {}
    field_at: dict[str, str] = {}
    for key, value in node.value:
        fname = str(key.value)
        at = field_at[fname] = f"{filename}:{line(key)}"
        if fname not in FIELDS:
            raise ConfigError(
                f"{at}: unknown field {fname!r}{did_you_mean(fname, FIELDS)} (fields: {', '.join(FIELDS)})"
            )
        if fname == "name":
            if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
                raise ConfigError(f"{at}: 'name' must be a non-empty string")
            name = (" ".join(str(value.value).split()), at)
        elif fname == "cloud_provider":
            if not isinstance(value, yaml.ScalarNode) or value.tag != _BOOL_TAG:
                raise ConfigError(f"{at}: 'cloud_provider' must be true or false")
            cloud = str(value.value).lower() in ("true", "yes", "on")
        else:
            lists[fname] = _strings(value, fname, at)
    if name is None:
        raise ConfigError(f"{where}: organization is missing 'name'")
    label = f"organization {name[0]!r}"
    if "categories" not in lists or not lists["categories"]:
        raise ConfigError(
            f"{where}: {label} is missing 'categories' (one or more of {', '.join(CATEGORIES)})"
        )
    categories: list[str] = []
    for category, at in lists["categories"]:
        if category not in CATEGORIES:
            raise ConfigError(
                f"{at}: unknown category {category!r}{did_you_mean(category, CATEGORIES)} "
                f"(categories: {', '.join(CATEGORIES)})"
            )
        if category not in categories:
            categories.append(category)
    if cloud is None:
        raise ConfigError(f"{where}: {label} is missing 'cloud_provider' (true or false)")
    if not cloud and CLOUD_CATEGORIES.intersection(categories):
        raise ConfigError(f"{where}: {label} is a hyperscale or GPU cloud, so 'cloud_provider' must be true")

    sensitive = lists.get("case_sensitive_aliases", [])
    sensitive_names = {form for form, _ in sensitive}
    forms: list[tuple[str, bool, str]] = []
    if name[0] not in sensitive_names:
        forms.append((name[0], False, name[1]))
    forms += [(form, False, at) for form, at in lists.get("aliases", [])]
    forms += [(form, True, at) for form, at in sensitive]
    seen: dict[str, tuple[str, bool, str]] = {}
    for form, case_sensitive, at in forms:
        if not _WORD_RE.search(form):
            raise ConfigError(f"{at}: {form!r} has no letter or digit, so it can never match")
        previous = seen.get(_key(form))
        # Two spellings of one name are fine only when both are case-sensitive ("Humain", "HUMAIN").
        if previous is not None and not (case_sensitive and previous[1] and form != previous[0]):
            raise ConfigError(f"{at}: {form!r} is listed twice for {label} (first on {previous[2]})")
        seen[_key(form)] = (form, case_sensitive, at)

    context = tuple(word for word, _ in lists.get("context", []))
    gated = lists.get("context_aliases")
    if gated is not None and not context:
        raise ConfigError(
            f"{field_at['context_aliases']}: {label} has 'context_aliases' but no 'context' words"
        )
    all_forms = {form for form, _, _ in forms}
    if gated is None:
        context_forms = frozenset(all_forms) if context else frozenset()
    else:
        for form, at in gated:
            if form not in all_forms:
                raise ConfigError(
                    f"{at}: context alias {form!r} is not a name or alias of {label} (write it exactly)"
                )
        context_forms = frozenset(form for form, _ in gated)
    aliases = tuple(form for form, _, _ in forms if form != name[0])
    org = Organization(name[0], aliases, tuple(categories), cloud)
    return _Entry(org, where, forms, context, context_forms, lists.get("exclude", []))


def _merge(base: list[_Entry], extra: list[_Entry]) -> list[_Entry]:
    """``extra`` entries replace base entries of the same name and are appended otherwise."""
    by_name = {entry.org.name: entry for entry in extra}
    merged = [by_name.pop(entry.org.name, entry) for entry in base]
    return merged + [entry for entry in extra if entry.org.name in by_name]


def _check_unique(entries: Sequence[_Entry]) -> None:
    """Names unique; no name, alias or exclusion phrase claimed by two organizations."""
    names: dict[str, str] = {}
    for entry in entries:
        if entry.org.name in names:
            raise ConfigError(
                f"{entry.where}: duplicate organization name {entry.org.name!r} (first on {names[entry.org.name]})"
            )
        names[entry.org.name] = entry.where
    owners: dict[str, tuple[str, str]] = {}
    for entry in entries:
        for form, _, at in entry.forms:
            other = owners.get(_key(form))
            if other is not None and other[0] != entry.org.name:
                raise ConfigError(
                    f"{at}: duplicate alias {form!r}: already a name of {other[0]!r} ({other[1]}); "
                    "an alias may belong to one organization only"
                )
            owners.setdefault(_key(form), (entry.org.name, at))
    for entry in entries:
        for phrase, at in entry.exclude:
            other = owners.get(_key(phrase))
            if other is not None:
                raise ConfigError(f"{at}: exclusion {phrase!r} is a name of {other[0]!r} ({other[1]})")


# --------------------------------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """What a lookup key means: an organization (index) or, with ``org == -1``, an exclusion."""

    org: int
    exact: frozenset[str] | None  # case-sensitive spellings; None: any case matches
    gated: bool  # needs one of the organization's context words in the document


def _trie_regex(keys: Iterable[str]) -> str:
    """A regex alternation of ``keys`` shaped as a trie (longest alternative first at each branch)."""
    root: dict[str, Any] = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [
            (r"\s+" if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _phrase_regex(words: Iterable[str]) -> re.Pattern[str]:
    """Any of `words`, whole words, any case; a space in a phrase also matches a hyphen ("data-centre")."""
    pattern = _trie_regex(sorted({_key(word) for word in words})).replace(r"\s+", r"[\s-]+")
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


class OrganizationIndex:
    """The organizations of one or more files, with name lookups and a mention finder.

    Build it with :meth:`load`; it is immutable and safe to share between threads.
    """

    def __init__(self, entries: Sequence[_Entry]) -> None:
        _check_unique(entries)
        self._orgs: tuple[Organization, ...] = tuple(entry.org for entry in entries)
        self._by_name = {org.name: org for org in self._orgs}
        self._context: list[re.Pattern[str] | None] = [
            _phrase_regex(entry.context) if entry.context else None for entry in entries
        ]
        targets: dict[str, _Target] = {}
        for i, entry in enumerate(entries):
            for form, case_sensitive, _ in entry.forms:
                key = _key(form)
                old = targets.get(key)  # only ever another case-sensitive spelling of the same name
                exact = (old.exact if old and old.exact else frozenset()) | {form} if case_sensitive else None
                gated = form in entry.context_forms or (old is not None and old.gated)
                targets[key] = _Target(i, exact, gated)
        self._resolve = {key: self._orgs[target.org] for key, target in targets.items()}
        for entry in entries:
            for phrase, _ in entry.exclude:
                targets.setdefault(_key(phrase), _Target(-1, None, False))
        self._targets = targets
        self._pattern = re.compile(rf"(?<!\w)(?:{_trie_regex(sorted(targets))})(?!\w)", re.IGNORECASE)

    @classmethod
    def load(cls, path: Path | None = None, *, extra: Path | None = None) -> OrganizationIndex:
        """Read ``path`` (default: the bundled list) and, if given, merge the user file ``extra``.

        An ``extra`` entry whose name is already listed replaces that entry; others are added. A
        malformed file raises :class:`~core.errors.ConfigError` naming the file, line and reason.
        """
        entries = _read(path or DEFAULT_PATH)
        if extra is not None:
            entries = _merge(entries, _read(extra))
        return cls(entries)

    @classmethod
    def from_yaml(cls, text: str, filename: str = "<string>") -> OrganizationIndex:
        """Build an index from the text of an organizations file (for tests and tools)."""
        return cls(_parse(text, filename))

    @property
    def names(self) -> tuple[str, ...]:
        """All canonical names, in file order."""
        return tuple(org.name for org in self._orgs)

    @property
    def organizations(self) -> tuple[Organization, ...]:
        """All organizations, in file order."""
        return self._orgs

    def __len__(self) -> int:
        return len(self._orgs)

    def get(self, name: str) -> Organization | None:
        """The organization with this exact canonical name, or None."""
        return self._by_name.get(name)

    def resolve(self, name_or_alias: str) -> Organization | None:
        """The organization a name or alias (any case, gated or not) refers to, or None ("aws" -> AWS)."""
        return self._resolve.get(_key(name_or_alias))

    def canonical(self, name_or_alias: str) -> str:
        """The canonical name a name or alias refers to; an unknown one is a `UsageError` with the
        closest names."""
        org = self.resolve(name_or_alias)
        if org is None:
            raise UsageError(f"unknown company {name_or_alias!r}{self._hint(name_or_alias)}")
        return org.name

    def _hint(self, name_or_alias: str) -> str:
        """ "; did you mean ...?" with up to three canonical names whose name or an alias is close to
        the typo, in any case ('opneai', 'OPNEAI' -> 'OpenAI'; 'amazn web servics' -> the AWS entry)."""
        spellings: dict[str, str] = {}  # any name or alias, folded -> its canonical name
        for org in self._orgs:
            for form in (org.name, *org.aliases):
                spellings.setdefault(_key(form), org.name)
        found = close_matches(_key(name_or_alias), spellings, n=6)
        names = list(dict.fromkeys(spellings[form] for form in found))[:3]
        if not names:
            return "; add it to an organizations file"
        return f"; did you mean {', '.join(repr(name) for name in names)}?"

    def is_cloud_provider(self, name: str) -> bool:
        """Whether the organization (canonical name, or else any alias) sells cloud or compute."""
        org = self._by_name.get(name) or self.resolve(name)
        return org is not None and org.cloud_provider

    def find(self, text: str, context: str | None = None) -> list[OrgMention]:
        """Every organization mention in ``text``: in order, non-overlapping, the longest name winning.

        Whole words only; case-sensitive names must match exactly; context-gated names count only when
        one of their organization's context words occurs anywhere in ``context`` (the document the text
        is from; default ``text`` itself); exclusion phrases ("Amazon rainforest") swallow the names
        inside them.
        """
        mentions: list[OrgMention] = []
        context_seen: dict[int, bool] = {}
        search = self._pattern.search
        pos = 0
        while (match := search(text, pos)) is not None:
            start, end = match.span()
            accepted = self._accept(text, start, end, context_seen, context)
            if accepted is None:
                # The longest candidate failed (case or context); try shorter names at the same start.
                for shorter in range(end - 1, start, -1):
                    if _WORD_RE.match(text, shorter) or text[shorter - 1].isspace():
                        continue
                    accepted = self._accept(text, start, shorter, context_seen, context)
                    if accepted is not None:
                        end = shorter
                        break
            if accepted is None:
                pos = start + 1
                continue
            if accepted >= 0:
                mentions.append(OrgMention(self._orgs[accepted].name, start, end, text[start:end]))
            pos = end
        return mentions

    def _accept(
        self, text: str, start: int, end: int, context_seen: dict[int, bool], document: str | None = None
    ) -> int | None:
        """The organization index ``text[start:end]`` names, -1 for an exclusion, None for no match."""
        surface = text[start:end]
        target = self._targets.get(_key(surface))
        if target is None:
            return None
        if target.exact is not None and " ".join(surface.split()) not in target.exact:
            return None
        if target.gated:
            seen = context_seen.get(target.org)
            if seen is None:
                context = self._context[target.org]
                seen = context_seen[target.org] = (
                    context is not None and context.search(document or text) is not None
                )
            if not seen:
                return None
        return target.org


def _read(path: Path) -> list[_Entry]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the organizations file ({exc})") from exc
    return _parse(text, str(path))


@cache
def default_index() -> OrganizationIndex:
    """The bundled index, built once per process."""
    return OrganizationIndex.load()
