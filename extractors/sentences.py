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


_ITEM_RE = re.compile(r"(?P<number>\d{1,2})[.)]\s+(?P<body>\S.*)", re.DOTALL)
MAX_ITEMS = 12


def numbered_items(text: str) -> list[tuple[str, str]]:
    """The items of a numbered digest ("1. Nordlys goes to Bergen. The Norwegian GPU cloud ..."), each
    as (its first sentence, the rest), when the text opens with item 1 and numbers at least two in
    order; else none (a numbered list later in a news story is not a digest)."""
    items: list[tuple[str, str]] = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        match = _ITEM_RE.fullmatch(paragraph)
        if match is None:
            if not items and len(paragraph) >= MIN_PARAGRAPH_CHARS:
                return []  # the text opens with a paragraph of its own: a story, not a digest
            continue
        if int(match["number"]) != len(items) + 1:
            break
        sentences = split_sentences(match["body"])
        items.append((sentences[0], " ".join(sentences[1:])) if sentences else ("", ""))
        if len(items) == MAX_ITEMS:
            break
    return items if len(items) >= 2 else []
