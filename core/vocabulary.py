"""The words of the annotation guide (../shared/spec/events.md), declared once: event types,
statuses, impact levels, themes, source kinds, relationship states, and the orders that rank them."""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal["partnership", "capacity", "pricing"]
Status = Literal["announced", "reported", "in_talks"]
Level = Literal["low", "medium", "high"]
Theme = Literal["capacity", "competition", "cost", "regulatory", "resilience"]
SourceKind = Literal["feed", "page", "newsroom"]
# the state of a company pair's relationship (spec §6)
RelationshipState = Literal[
    "in_talks", "active", "exclusive", "right_of_first_refusal", "non_exclusive", "ended"
]

EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
STATUSES: tuple[Status, ...] = get_args(Status)
LEVELS: tuple[Level, ...] = get_args(Level)  # lowest first
THEMES: tuple[Theme, ...] = get_args(Theme)  # alphabetical: the model's label order
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)
RELATIONSHIP_STATES: tuple[RelationshipState, ...] = get_args(RelationshipState)

# how sure a status is: several reports of one event keep the surest
STATUS_RANK: dict[str, int] = {"in_talks": 0, "reported": 1, "announced": 2}
# impact levels in order, for "at or above" filters and sorting
LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}
