"""Who does what in an event: the role of each party, read from the structure of its sentence.

A partnership's parties are `customer` (buys compute), `provider` (sells it), `investor` (puts money
in) or `partner` (neither is clear); a capacity event's party is its `builder`, a pricing event's its
`provider`. The verb decides first ("Nebius will supply Microsoft": the subject supplies, the object
buys; "OpenAI will buy capacity from Oracle": the reverse), then a possessive ("Google's TPUs"), then
what the parties are: one compute seller and buyers that are not (a cloud and a lab). Patterns are
linear and see at most `MAX_CHARS` characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from extractors.relationship_terms import is_investment

MAX_CHARS = 2_000
# categories of organizations that sell compute, or the chips and sites it runs on
SELLERS = frozenset({"hyperscale_cloud", "gpu_cloud", "data_center_operator", "chip_maker"})

_SUPPLY = re.compile(
    r"\b(?:suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|deliver(?:s|ed|ing)?|sell(?:s|ing)?|sold|"
    r"host(?:s|ed|ing)?|power(?:s|ed|ing)?|serv(?:e|es|ed|ing)|offer(?:s|ed|ing)?|give(?:s|n)?|gave|"
    r"rent(?:s|ed|ing)? out|leas(?:e|es|ed|ing) (?:out|to)|build(?:s|ing)? (?:\w+ ){0,3}?for|built (?:\w+ ){0,3}?for)\b",
    re.I,
)
_BUY = re.compile(
    r"\b(?:buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|rent(?:s|ed|ing)?|leas(?:e|es|ed|ing)|us(?:e|es|ed|ing)|"
    r"tap(?:s|ped|ping)?|procur(?:e|es|ed|ing)|spend(?:s|ing)?|spent|commit(?:s|ted|ting)? to|run(?:s|ning)? on|"
    r"access(?:es|ed|ing)?|secur(?:e|es|ed|ing)|sourc(?:e|es|ed|ing)|migrat(?:e|es|ed|ing) to|mov(?:e|es|ed|ing) to|"
    r"(?:chose|choose|chooses|chosen|pick(?:s|ed)?|select(?:s|ed)?)|customer of|client of)\b",
    re.I,
)
_INVEST = re.compile(r"\b(?:invest(?:s|ed|ing)?|(?:led|backed) by|funding from|stake in)\b", re.I)
_POSSESSED = re.compile(
    r"(?:'s|’s)\s+(?:\w+\s+){0,2}?(?:cloud|clouds|chips?|[gt]pus?|accelerators?|infrastructure|capacity|"
    r"data ?cent(?:er|re)s?|servers?|platform|compute|supercomputers?|clusters?|facilit(?:y|ies))\b",
    re.I,
)


class Mention(Protocol):
    """A party's mention in the sentence (extractors.entities.OrgMention or org_recognizer.FoundOrg)."""

    @property
    def name(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def party_roles(
    kind: str,
    parties: Sequence[str],
    mentions: Sequence[Mention],
    text: str,
    categories: Mapping[str, str | None],
) -> tuple[tuple[str, str], ...]:
    """(party, role) for each of `parties`, in their order. `mentions` locate them in `text`;
    `categories` says what each is (a category of extractors/entities.py, or None when unknown)."""
    if kind != "partnership":
        return tuple((p, "provider" if kind == "pricing" else "builder") for p in parties)
    text = text[:MAX_CHARS]
    spots = [m for m in mentions if m.name in parties and m.end <= len(text)]
    roles = _invested(spots, text, categories) or _by_verb(spots, text) or _by_kind(parties, categories)
    return tuple((p, roles.get(p, "partner")) for p in parties)


def _invested(spots: Sequence[Mention], text: str, categories: Mapping[str, str | None]) -> dict[str, str]:
    """An equity investment: the party before the verb invests ("Microsoft invests $5B in Anthropic",
    "Anthropic, backed by Google": the party after "backed by")."""
    if not is_investment([text]):
        return {}
    verb = _INVEST.search(text)
    if verb is None:
        investors = [m.name for m in spots if categories.get(m.name) == "investor"]
        return {investors[0]: "investor"} if len(set(investors)) == 1 else {}
    passive = verb.group(0).lower().endswith("by") or verb.group(0).lower() == "funding from"
    investor = _after(spots, verb.end()) if passive else _before(spots, verb.start())
    return {investor: "investor"} if investor else {}


def _by_verb(spots: Sequence[Mention], text: str) -> dict[str, str]:
    """Supplier and buyer from the first supply or buy verb with a party on each side, then from a
    party's possessed compute ("expand its use of Google's TPUs")."""
    verbs = sorted(
        [(m.start(), m.end(), "supply") for m in _SUPPLY.finditer(text)]
        + [(m.start(), m.end(), "buy") for m in _BUY.finditer(text)]
    )
    for start, end, verb in verbs:
        subject, obj = _before(spots, start), _after(spots, end)
        if subject and obj and subject != obj:
            seller, buyer = (subject, obj) if verb == "supply" else (obj, subject)
            return {seller: "provider", buyer: "customer"}
    owners = {m.name for m in spots if _POSSESSED.match(text, m.end)}
    if len(owners) == 1 and len({m.name for m in spots}) >= 2:
        (owner,) = owners
        return {m.name: "provider" if m.name == owner else "customer" for m in spots}
    return {}


def _by_kind(parties: Sequence[str], categories: Mapping[str, str | None]) -> dict[str, str]:
    """One party that sells compute, the others buyers of it that do not (a cloud and a lab)."""
    sellers = [p for p in parties if categories.get(p) in SELLERS]
    buyers = [p for p in parties if categories.get(p) not in SELLERS | {"investor"}]
    if len(sellers) != 1 or not buyers:
        return {}
    return {sellers[0]: "provider", **{p: "customer" for p in buyers}}


def _before(spots: Sequence[Mention], position: int) -> str | None:
    """The party mentioned last before `position`."""
    earlier = [m for m in spots if m.end <= position]
    return max(earlier, key=lambda m: m.end).name if earlier else None


def _after(spots: Sequence[Mention], position: int) -> str | None:
    """The party mentioned first after `position`."""
    later = [m for m in spots if m.start >= position]
    return min(later, key=lambda m: m.start).name if later else None
