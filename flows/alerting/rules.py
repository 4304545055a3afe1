"""Alert rules and channels, read from a YAML file users edit (flows/alerting/alerts.yaml is the default).

    channels:                      # name: Apprise URL; ${VAR} is read from the environment at send time
      team-slack: ${CLOUDINTEL_SLACK_URL}
      morning-mail:                # or a mapping: the URL, and digest: true for one message per run
        url: mailtos://user:${SMTP_PASSWORD}@smtp.example.com?to=analysts@example.com
        digest: true
    rules:
      - name: new-cloud-deal       # unique; alerts are kept once per (event, rule)
        kind: new-cloud-deal       # new-cloud-deal | high-impact | watchlist | price-cut
        channels: [log, jsonl, team-slack]
      - {name: big-moves, kind: high-impact, min_level: high, upgrades: true, channels: [log]}
      - {name: my-companies, kind: watchlist, companies: [OpenAI, aws], channels: [jsonl]}
      - {name: price-cuts, kind: price-cut, min_cut_pct: 20, channels: [log]}
      - {name: backfill, kind: high-impact, max_age_days: 0, channels: [jsonl]}
      - {name: states, kind: relationship-change, channels: [log]}
      - {name: concentration, kind: exposure-shift, min_shift_points: 10, channels: [log]}

`log` and `jsonl` are built in. A channel with `digest: true` gets one message per run listing every
alert still to deliver to it (each event once, with its rules) instead of a message per alert. A rule
with `upgrades: true` alerts once more when an event's impact is later raised above the level it was
alerted at. A rule fires only for events dated within
`max_age_days` before the run (default: CLOUDINTEL_ALERTS_MAX_AGE_DAYS, 14; 0 = no limit).
`relationship-change` fires once per event that moves a relationship from one state to another
(exclusivity ended, talks became a deal, a relationship ended: spec §6); `exposure-shift` once per
event that moves a party's largest counterparty share of committed dollars by `min_shift_points`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import yaml

from core.errors import ConfigError
from core.vocabulary import LEVEL_RANK
from core.yamlfiles import compose, did_you_mean, line
from extractors.entities import OrganizationIndex

KINDS = ("new-cloud-deal", "high-impact", "watchlist", "price-cut", "relationship-change", "exposure-shift")
LEDGER_KINDS = ("relationship-change", "exposure-shift")  # need the pair's history, read only for them
BUILT_IN_CHANNELS = ("log", "jsonl")
CHANNEL_FIELDS = ("url", "digest")
TRUE, FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
RULE_FIELDS = {
    "name",
    "kind",
    "channels",
    "min_level",
    "upgrades",
    "companies",
    "min_cut_pct",
    "max_age_days",
    "min_shift_points",
}


@dataclass(frozen=True)
class Rule:
    """One alert rule."""

    name: str
    kind: str
    channels: tuple[str, ...]
    min_level: str = "high"
    upgrades: bool = False
    companies: tuple[str, ...] = ()
    min_cut_pct: float = 10.0
    max_age_days: int = 0  # 0: any event date
    min_shift_points: float = 10.0


@dataclass(frozen=True)
class AlertConfig:
    """Rules, the Apprise URL (template) of each named channel, and the channels that get a digest."""

    rules: tuple[Rule, ...]
    channels: dict[str, str] = field(default_factory=dict)
    digests: frozenset[str] = frozenset()  # one message per run listing the alerts, not one per alert


@dataclass(frozen=True)
class AlertEvent:
    """What rules look at in an event."""

    id: str
    type: str
    parties: tuple[str, ...]
    level: str | None
    price_change_pct: float | None
    date: str = ""  # YYYY-MM-DD
    transitions: tuple[str, ...] = ()  # relationship transitions it caused ("A–B: exclusive -> ...")
    shifts: tuple[float, ...] = ()  # points each party's top counterparty share moved
    clouds: tuple[str, ...] = ()  # parties the list lacks that its sentences describe as clouds


def load_alert_config(path: Path, orgs: OrganizationIndex, max_age_days: int = 0) -> AlertConfig:
    """Read and check an alerts file; errors name the file, the line and the reason. `max_age_days`
    is the age limit of rules that set none."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the alerts file ({exc}); set CLOUDINTEL_ALERTS") from exc
    root = compose(text, str(path), "'rules:' and optional 'channels:'")
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{path}:{line(root)}: expected a mapping with 'rules:' and optional 'channels:'")
    sections = {key.value: value for key, value in root.value}
    channels, digests = _channels(sections.get("channels"), str(path))
    rules_node = sections.get("rules")
    if not isinstance(rules_node, yaml.SequenceNode):
        raise ConfigError(f"{path}:{line(root)}: 'rules' must be a list")
    rules = tuple(_rule(node, str(path), channels, orgs, max_age_days) for node in rules_node.value)
    names = [r.name for r in rules]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise ConfigError(f"{path}: two rules are named {duplicate!r}; names must be unique")
    return AlertConfig(rules, channels, frozenset(digests))


def too_old(rule: Rule, event: AlertEvent, today: date) -> bool:
    """Whether `event` is dated before `rule`'s age limit (stored and shown, never alerted)."""
    return rule.max_age_days > 0 and event.date < (today - timedelta(days=rule.max_age_days)).isoformat()


def matches(rule: Rule, event: AlertEvent, orgs: OrganizationIndex) -> bool:
    """Whether `event` is one `rule` alerts on."""
    if rule.kind == "new-cloud-deal":
        return event.type == "partnership" and (
            bool(event.clouds) or any(orgs.is_cloud_provider(p) for p in event.parties)
        )
    if rule.kind == "high-impact":
        return event.level is not None and LEVEL_RANK[event.level] >= LEVEL_RANK[rule.min_level]
    if rule.kind == "watchlist":
        return bool(set(rule.companies) & set(event.parties))
    if rule.kind == "relationship-change":
        return bool(event.transitions)
    if rule.kind == "exposure-shift":
        return any(abs(shift) >= rule.min_shift_points for shift in event.shifts)
    return event.type == "pricing" and (event.price_change_pct or 0) <= -rule.min_cut_pct


def _channels(node: yaml.Node | None, filename: str) -> tuple[dict[str, str], set[str]]:
    """Each channel's URL template, and the channels that asked for a digest."""
    if node is None:
        return {}, set()
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{filename}:{line(node)}: 'channels' must map names to Apprise URLs")
    channels: dict[str, str] = {}
    digests: set[str] = set()
    for key, value in node.value:
        name = str(key.value)
        url: yaml.Node | None = value
        if isinstance(value, yaml.MappingNode) and name not in BUILT_IN_CHANNELS:
            fields = {str(k.value): v for k, v in value.value}
            unknown = sorted(set(fields) - set(CHANNEL_FIELDS))
            if unknown:
                raise ConfigError(
                    f"{filename}:{line(value)}: channel {name!r}: unknown field {unknown[0]!r}"
                    f"{did_you_mean(unknown[0], CHANNEL_FIELDS)} (fields: {', '.join(CHANNEL_FIELDS)})"
                )
            url = fields.get("url")
            if "digest" in fields and _flag(fields["digest"], filename, f"channel {name!r}: digest"):
                digests.add(name)
        if name in BUILT_IN_CHANNELS or not isinstance(url, yaml.ScalarNode) or not str(url.value).strip():
            raise ConfigError(
                f"{filename}:{line(key)}: channel {name!r} needs an Apprise URL (log and jsonl are built in)"
            )
        channels[name] = str(url.value).strip()
    return channels, digests


def _flag(node: yaml.Node, filename: str, what: str) -> bool:
    value = str(node.value).lower() if isinstance(node, yaml.ScalarNode) else ""
    if value not in TRUE + FALSE:
        raise ConfigError(f"{filename}:{line(node)}: {what} must be true or false")
    return value in TRUE


def _rule(
    node: yaml.Node, filename: str, channels: dict[str, str], orgs: OrganizationIndex, max_age_days: int
) -> Rule:
    where = f"{filename}:{line(node)}"
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{where}: each rule must be a mapping with name, kind and channels")
    raw = {str(k.value): v for k, v in node.value}
    unknown = sorted(set(raw) - RULE_FIELDS)
    if unknown:
        raise ConfigError(
            f"{filename}:{line(node)}: unknown field {unknown[0]!r}{did_you_mean(unknown[0], RULE_FIELDS)}"
        )
    for required in ("name", "kind", "channels"):
        if required not in raw:
            raise ConfigError(f"{where}: rule is missing {required!r}")
    kind = str(raw["kind"].value)
    if kind not in KINDS:
        raise ConfigError(
            f"{filename}:{line(raw['kind'])}: kind {kind!r} is not one of {', '.join(KINDS)}"
            f"{did_you_mean(kind, KINDS)}"
        )
    names = _strings(raw["channels"], filename, "channels")
    for name in names:
        if name not in BUILT_IN_CHANNELS and name not in channels:
            raise ConfigError(
                f"{filename}:{line(raw['channels'])}: channel {name!r} is not defined under 'channels:'"
            )
    rule = Rule(name=str(raw["name"].value), kind=kind, channels=tuple(names), max_age_days=max_age_days)
    if "min_level" in raw:
        level = str(raw["min_level"].value)
        if level not in LEVEL_RANK:
            raise ConfigError(f"{filename}:{line(raw['min_level'])}: min_level must be low, medium or high")
        rule = replace(rule, min_level=level)
    if "upgrades" in raw:
        rule = replace(rule, upgrades=str(raw["upgrades"].value).lower() in ("true", "yes", "1"))
    for number in ("min_cut_pct", "min_shift_points"):
        if number in raw:
            try:
                rule = replace(rule, **{number: float(raw[number].value)})
            except ValueError as exc:
                raise ConfigError(f"{filename}:{line(raw[number])}: {number} must be a number") from exc
    if "max_age_days" in raw:
        value = str(raw["max_age_days"].value)
        if not value.isdigit():
            raise ConfigError(
                f"{filename}:{line(raw['max_age_days'])}: max_age_days must be a whole number of days (0 = no limit)"
            )
        rule = replace(rule, max_age_days=int(value))
    if "companies" in raw:
        resolved = []
        for company in _strings(raw["companies"], filename, "companies"):
            org = orgs.resolve(company)
            if org is None:
                raise ConfigError(f"{filename}:{line(raw['companies'])}: unknown company {company!r}")
            resolved.append(org.name)
        rule = replace(rule, companies=tuple(resolved))
    return rule


def _strings(node: yaml.Node, filename: str, name: str) -> list[str]:
    if not isinstance(node, yaml.SequenceNode) or not all(isinstance(n, yaml.ScalarNode) for n in node.value):
        raise ConfigError(f"{filename}:{line(node)}: {name!r} must be a list of names")
    return [str(n.value) for n in node.value]
