"""Relationship states per company pair (spec §6): a state machine over the pair's partnership events.

`in_talks` until a deal is announced or reported, then `active`; an event whose sentence speaks of
the relationship's terms moves it to `exclusive`, `right_of_first_refusal`, `non_exclusive` or
`ended` (extractors/relationship_terms.py reads them). Capacity and pricing events are a company's
own and move no relationship. Each step keeps the event that caused it, so every state is traceable
to a sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from core.vocabulary import RelationshipState
from extractors.relationship_terms import relationship_term
from warehouse.timeline import TimelineFilter, timeline

NONE = "none"  # before a pair's first event
OPEN = (None, "in_talks", "ended")  # states a new deal makes `active`


@dataclass(frozen=True)
class Step:
    """One partnership event of a pair and how it moved the relationship."""

    event: dict[str, Any]
    before: RelationshipState | None
    after: RelationshipState

    @property
    def transition(self) -> str:
        return f"{self.before or NONE} -> {self.after}"

    @property
    def changed(self) -> bool:
        """A transition of an existing relationship (not its first event, not a continuation)."""
        return self.before is not None and self.before != self.after


def texts(event: dict[str, Any]) -> list[str]:
    """The sentences an event is known by: its title and every source's evidence."""
    return [event.get("title") or "", *(s.get("evidence") or "" for s in event.get("sources", []))]


def next_state(before: RelationshipState | None, event: dict[str, Any]) -> RelationshipState:
    """The state a pair is in after `event`, from the state it was in."""
    if event["status"] == "in_talks":
        return "in_talks" if before in OPEN else before  # type: ignore[return-value]
    term = relationship_term(texts(event))
    if term is not None:
        return term
    return "active" if before in OPEN else before  # type: ignore[return-value]


def pair_histories(events: Iterable[dict[str, Any]], company: str) -> dict[str, list[Step]]:
    """Each counterparty of `company` with the steps of their relationship, oldest first; `events`
    in date order (the timeline's)."""
    histories: dict[str, list[Step]] = {}
    for event in events:
        if event["type"] != "partnership" or company not in event["parties"]:
            continue
        for other in event["parties"]:
            if other == company:
                continue
            steps = histories.setdefault(other, [])
            before = steps[-1].after if steps else None
            steps.append(Step(event, before, next_state(before, event)))
    return histories


def company_events(session: Session, company: str, as_of: str | None = None) -> list[dict[str, Any]]:
    """A company's partnership events up to `as_of` (inclusive), oldest first, with their sources."""
    where = TimelineFilter(companies=[company], types=["partnership"], until=as_of)
    return timeline(session, where)


def relationships_json(session: Session, company: str, as_of: str | None = None) -> list[dict[str, Any]]:
    """`cloudintel relationships COMPANY --format json` (spec §6): one row per counterparty with its
    state, since when, and each event's transition; counterparties in order of first contact."""
    rows = []
    for other, steps in pair_histories(company_events(session, company, as_of), company).items():
        setting = next((s for s in reversed(steps) if s.before != s.after), steps[0])
        rows.append(
            {
                "counterparty": other,
                "state": steps[-1].after,
                "since": setting.event["date"],
                "events": [
                    {
                        "id": s.event["id"],
                        "date": s.event["date"],
                        "type": s.event["type"],
                        "status": s.event["status"],
                        "title": s.event["title"],
                        "transition": s.transition,
                    }
                    for s in steps
                ],
            }
        )
    return sorted(rows, key=lambda row: (row["events"][0]["date"], row["counterparty"]))


def transitions_caused(session: Session, event: dict[str, Any]) -> list[str]:
    """The relationship transitions `event` caused ("Microsoft–OpenAI: exclusive -> non_exclusive"),
    each pair once; a pair's first event and continuations are not transitions."""
    if event["type"] != "partnership":
        return []
    caused = []
    parties = sorted(event["parties"])
    for i, company in enumerate(parties):
        histories = pair_histories(company_events(session, company, event["date"]), company)
        for other in parties[i + 1 :]:
            step = next((s for s in histories.get(other, []) if s.event["id"] == event["id"]), None)
            if step is not None and step.changed:
                caused.append(f"{company}\u2013{other}: {step.transition}")
    return caused
