"""Split article text into paragraphs and sentences, and find an article's lede."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = (
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
    "Sr",
    "Jr",
    "St",
    "Inc",
    "Corp",
    "Co",
    "Ltd",
    "Plc",
    "LLC",
    "No",
    "vs",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "U.S",
    "U.K",
    "e.g",
    "i.e",
    "approx",
    "est",
    "Gov",
    "Sen",
    "Rep",
    "Gen",
    "Lt",
    "Col",
    "Fig",
)
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")|\b[A-Z])\.$"
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
MIN_PARAGRAPH_CHARS = 60


@dataclass(frozen=True)
class Sentence:
    """A sentence and where it stands: paragraph number and position in the text (0-based)."""

    text: str
    paragraph: int
    index: int


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; abbreviations ("U.S.", "Inc.") and initials do not end one."""
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        if _ABBREVIATION_END.search(candidate):
            continue
        end = match.end()
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def sentences(text: str) -> list[Sentence]:
    """Every sentence of a text whose paragraphs are separated by blank lines."""
    out: list[Sentence] = []
    for number, paragraph in enumerate(p for p in text.split("\n\n") if p.strip()):
        for piece in split_sentences(paragraph):
            out.append(Sentence(piece, number, len(out)))
    return out


def lede(text: str, paragraphs: int = 2, limit: int = 6) -> list[Sentence]:
    """The opening of an article: its first `paragraphs` real paragraphs (headings skipped), at most
    `limit` sentences. News puts an article's subject there."""
    out: list[Sentence] = []
    seen = 0
    for paragraph in (p for p in text.split("\n\n") if p.strip()):
        if len(paragraph) < MIN_PARAGRAPH_CHARS:
            continue
        for piece in split_sentences(paragraph):
            out.append(Sentence(piece, seen, len(out)))  # numbered among real paragraphs
        seen += 1
        if seen >= paragraphs:
            break
    return out[:limit]
