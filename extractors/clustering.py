"""Merge mentions of the same real-world event from different articles into one event.

Two mentions are the same event when they have the same type, their party sets overlap
(Jaccard ≥ 0.5), their dates are at most `WINDOW_DAYS` apart, their headline sums do not
conflict unless both are of the same day or the next (a later expansion of the same parties' deal
states a different sum, or comes months later; stories of one day pick different sums of one deal),
and both or neither report talks (talks, then the deal they led to, are two events: guide §1).
An event's id is fixed by its first mention, so re-running never renumbers or splits it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from core.vocabulary import STATUS_RANK
from extractors.events import Candidate

_T = TypeVar("_T")
WINDOW_DAYS = 14
ID_LENGTH = 64  # warehouse.schema.Event.id
SAME_FIGURE = 0.15  # two sums within 15% of each other are the same headline figure


@dataclass(frozen=True)
class EventFacts:
    """An event as its mentions, taken together, describe it."""

    type: str
    parties: tuple[str, ...]
    status: str
    date: date
    amount_usd: float | None
    capacity_mw: float | None
    gpus: int | None
    duration_years: float | None
    price_change_pct: float | None
    roles: tuple[tuple[str, str], ...] = ()  # (party, role): see extractors/roles.py


def jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    """Overlap of two party sets."""
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 0.0


def same_event(candidate: Candidate, event: EventFacts) -> bool:
    """Whether a mention describes an event already known."""
    return (
        candidate.type == event.type
        and jaccard(candidate.parties, event.parties) >= 0.5
        and abs((candidate.date - event.date).days) <= WINDOW_DAYS
        and not (
            _conflict(candidate.amount_usd, event.amount_usd) and abs((candidate.date - event.date).days) > 1
        )
        and (candidate.status == "in_talks") == (event.status == "in_talks")
    )


def best_match(candidate: Candidate, events: Sequence[tuple[str, EventFacts]]) -> str | None:
    """The id of the known event this mention belongs to: most shared parties, then nearest date."""
    matches = [(event_id, facts) for event_id, facts in events if same_event(candidate, facts)]
    if not matches:
        return None
    return max(
        matches,
        key=lambda m: (
            jaccard(candidate.parties, m[1].parties),
            -abs((candidate.date - m[1].date).days),
            m[0],
        ),
    )[0]


def merge(mentions: Sequence[Candidate]) -> EventFacts:
    """An event's facts from its mentions, given oldest source first: the first mention fixes type and
    parties, the earliest date wins, the most confirmed status wins, each figure comes from the
    earliest source that states it, the roles from the earliest of its parties that tells more than
    "partner"."""
    first = mentions[0]
    told = [m.roles for m in mentions if m.parties == first.parties and _tells(m.roles)]
    return EventFacts(
        type=first.type,
        parties=first.parties,
        status=max((m.status for m in mentions), key=STATUS_RANK.__getitem__),
        date=min(m.date for m in mentions),
        amount_usd=_first(m.amount_usd for m in mentions),
        capacity_mw=_first(m.capacity_mw for m in mentions),
        gpus=_first(m.gpus for m in mentions),
        duration_years=_first(m.duration_years for m in mentions),
        price_change_pct=_first(m.price_change_pct for m in mentions),
        roles=told[0] if told else first.roles,
    )


def _tells(roles: tuple[tuple[str, str], ...]) -> bool:
    return any(role != "partner" for _, role in roles)


def event_id(candidate: Candidate) -> str:
    """A stable, readable id: date, type, parties, and a hash of the sentence that first stated it
    (content only, so the same corpus gives the same ids wherever it is served from)."""
    prefix = f"{candidate.date.isoformat()}-{candidate.type}-"
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in candidate.parties)
    slug = slug[: ID_LENGTH - len(prefix) - 7].rstrip("-")  # the id column holds 64 characters
    digest = hashlib.sha256(f"{candidate.type}|{candidate.parties}|{candidate.evidence}".encode())
    return f"{prefix}{slug}-{digest.hexdigest()[:6]}"


def _conflict(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) > SAME_FIGURE * max(a, b)


def _first(values: Iterable[_T | None]) -> _T | None:
    return next((v for v in values if v is not None), None)
