"""What an event's sentence says about the terms of a relationship: exclusivity, a right of first
refusal, its end, or an equity investment rather than a purchase.

These are contractual terms with a small, fixed vocabulary (exclusive, right of first refusal,
terminate), so a bounded rule set reads them; it is checked on the labelled ledger corpus
(tests/fixtures/relationships) and on sentences in tests/extractors/test_relationship_terms.py.
Every pattern is linear and sees at most `MAX_CHARS` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.vocabulary import RelationshipState

MAX_CHARS = 2_000  # an evidence sentence and a title; longer text is cut, never scanned whole

_FIRST_REFUSAL = re.compile(r"\bright of first refusal\b|\bROFR\b", re.I)
_LOSES = re.compile(
    r"\b(?:no longer|not|without|never|gives? up|gave up|giving up|drops?|dropped|dropping|removes?|removed|"
    r"removing|ends?|ended|ending|scraps?|scrapped|waives?|waived|relinquish\w*|loses?|lost|losing|"
    r"eliminat\w*|replac\w*|expire[sd]?)\b",
    re.I,
)
_KEEPS = re.compile(
    r"\b(?:retains?|retained|keeps?|kept|holds?|held|has|have|had|gets?|got|gains?|gained|grants?|granted|with)\b",
    re.I,
)
_NEGATED = re.compile(r"(?:\bno longer|\bnot|\bnever|n't)\s+(?:\w+\s+)?$", re.I)
_EXCLUSIVE = re.compile(  # of a relationship: not "an exclusive interview"
    r"\bexclusivity\b|\bexclusively\s+(?:on|with|through|from|to)\b|\bexclusive\s+(?:[\w-]+\s+){0,2}?"
    r"(?:provider|partner|supplier|cloud|deal|agreement|arrangement|contract|relationship|rights?|access|licen[cs]e)s?\b",
    re.I,
)
_NON_EXCLUSIVE = re.compile(r"\bnon-?exclusive\b", re.I)
_ENDED = re.compile(
    r"\b(?:terminat(?:e|es|ed|ing)|cancel(?:s|led|ed|ling|ing)?|(?:pulls?|pulled|walks?|walked) (?:out|away)|"
    r"(?:ends?|ended|ending|scraps?|scrapped|exits?|exited) (?:its |their |the |a )?"
    r"(?:\w+[- ]){0,3}?(?:partnership|deal|agreement|contract|relationship|alliance))\b",
    re.I,
)
_INVESTMENT = re.compile(r"\b(?:invest(?:s|ed|ing|ment)?|stake|equity|funding round)\b", re.I)
_PURCHASE = re.compile(
    r"\b(?:commit(?:s|ted|ting|ment)?|purchas\w*|buy(?:s|ing)?|bought|spend\w*|contract\w*|lease\w*|rent\w*)\b",
    re.I,
)


def relationship_term(texts: Iterable[str]) -> RelationshipState | None:
    """The relationship state the sentences set, if they speak of its terms: `ended`,
    `non_exclusive`, `right_of_first_refusal` or `exclusive`; None for a deal that leaves them alone."""
    text = _bounded(texts)
    if _ENDED.search(text) and not _EXCLUSIVE.search(text) and not _FIRST_REFUSAL.search(text):
        return "ended"
    refusal = _FIRST_REFUSAL.search(text)
    if refusal:
        before = text[max(0, refusal.start() - 80) : refusal.start()]
        return "non_exclusive" if _closest_is_loss(before) else "right_of_first_refusal"
    if _NON_EXCLUSIVE.search(text):
        return "non_exclusive"
    exclusive = _EXCLUSIVE.search(text)
    if exclusive:
        around = text[max(0, exclusive.start() - 60) : exclusive.end() + 40]
        return "non_exclusive" if _LOSES.search(around) else "exclusive"
    return None


def is_investment(texts: Iterable[str]) -> bool:
    """Whether the sentences report an equity investment and no purchase commitment: its money is
    not compute bought or sold."""
    text = _bounded(texts)
    return bool(_INVESTMENT.search(text)) and not _PURCHASE.search(text)


def _closest_is_loss(before: str) -> bool:
    """Whether the cue nearest the term, looking back, takes it away ("gives up a right...") rather
    than keeps it ("no longer exclusive, but retains a right...")."""
    losses = [m.end() for m in _LOSES.finditer(before)]
    keeps = [
        m for m in _KEEPS.finditer(before) if not _NEGATED.search(before[max(0, m.start() - 30) : m.start()])
    ]
    return bool(losses) and (not keeps or losses[-1] > keeps[-1].end())


def _bounded(texts: Iterable[str]) -> str:
    return " ".join(t for t in texts if t)[:MAX_CHARS]
