"""Content fingerprints that recognise a syndicated copy of an article under another URL."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Text reduced to lower-case words: punctuation, quotes and spacing differences vanish."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: equal for copies that differ only in markup or punctuation."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()
