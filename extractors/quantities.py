"""Quantities stated in news text: money, power, accelerator counts, contract lengths and percentages.

Pure functions over plain text. Each ``find_*`` returns what the text states, in text order, with
non-overlapping spans (``text[start:end]``). Conventions:

- A span covers the quantity itself (currency, number, scale, unit). A qualifier in front of it
  ("up to", "about", "more than", "at least") is not in the span; it is reported in ``qualifier``.
- A range ("$64-72 billion", "3-5 years", "five- to seven-year") gives two results: the low end
  with qualifier ``"at_least"`` and the high end with ``"up_to"`` (``None`` for both after "from").
- Vague sizes ("multibillion-dollar", "tens of billions", "several gigawatts", "multi-year") give
  no money, power or duration; vague accelerator counts ("tens of thousands of GPUs") give a
  :class:`Chips` with ``count=None``.
- Money keeps its currency (ISO code) and is never converted; "$" alone is US dollars.
- Values are finite; an amount too large for a float is dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class Money:
    """An amount of money in its own currency (ISO 4217 code)."""

    value: float
    currency: str
    qualifier: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Power:
    """Electrical power capacity, in megawatts."""

    mw: float
    qualifier: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chips:
    """A number of GPUs or other accelerators; ``count`` is None for vague counts."""

    count: int | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Duration:
    """A length of time (a contract term, a plan), in years."""

    years: float
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Percent:
    """A percentage, as written (45% -> 45.0; -7% -> -7.0)."""

    value: float
    qualifier: str | None
    start: int
    end: int
    text: str


# --- numbers ----------------------------------------------------------------------------------

_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORD_VALUES = {**_ONES, **_TEENS, **_TENS}


def _alt(words: Sequence[str]) -> str:
    """Regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SMALL = (
    rf"(?:(?:{_alt(list(_TENS))})(?:[-\s](?:{_alt(list(_ONES))}))?|{_alt(list(_TEENS))}|{_alt(list(_ONES))})"
)
_HUNDRED = rf"(?:an?|{_alt(list(_ONES))})\s+hundred(?:\s+(?:and\s+)?{_SMALL})?"
_WORDNUM = rf"\b(?i:{_HUNDRED}|{_SMALL})\b"  # one .. nine hundred and ninety-nine
_ARTICLE = r"\b(?i:half\s+an?|an?)\b"  # "a million", "half a gigawatt": only before a scale or unit
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A number starts a token: not inside a word, a model name (H100), a decimal, a price ($100) or 1,000.
_NUM_START = r"(?<![\w.$€£¥₹])(?<!\d,)"
_RANGE_SEP = r"(?:[-–]|-?[^\S\n]+to[^\S\n]+)"
_WS = r"(?=\s)(?>[^\S\n]*\n?[^\S\n]*)"  # white space with at most one line break
_SEP = rf"(?:{_WS}|-)"

_SCALES = {
    "k": 1e3, "thousand": 1e3, "lakh": 1e5, "lac": 1e5, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6,
    "crore": 1e7, "cr": 1e7, "b": 1e9, "bn": 1e9, "bln": 1e9, "billion": 1e9,
    "t": 1e12, "tn": 1e12, "trn": 1e12, "trillion": 1e12,
}  # fmt: skip


def _words_value(words: str) -> float:
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t != "and"]
    if tokens[0] == "half":
        return 0.5
    total = 0.0
    for token in tokens:
        if token in ("a", "an"):
            total = total or 1.0
        elif token == "hundred":
            total = (total or 1.0) * 100
        else:
            total += _WORD_VALUES[token]
    return total


def _number(raw: str, scale: str | None = None) -> float | None:
    """The value of a matched number (digits or words) times its scale word; None if not finite."""
    value = float(raw.replace(",", "")) if raw[0].isdigit() else _words_value(raw)
    if scale:
        value *= _SCALES[scale.lower()]
    return value if math.isfinite(value) else None


def _is_article(raw: str) -> bool:
    return raw.split()[0].lower() in ("a", "an", "half")


def _is_plain_year(raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1800 <= int(raw) <= 2199


# --- qualifiers -------------------------------------------------------------------------------

_QUALIFIER_PHRASES = {
    "up_to": [
        "up to", "as much as", "as many as", "as high as", "a maximum of", "maximum of", "at most",
        "no more than", "not more than", "less than", "fewer than", "under", "below", "capped at",
    ],
    "about": [
        "about", "around", "roughly", "approximately", "approx.", "approx", "some", "nearly", "almost",
        "close to", "circa", "an estimated", "estimated", "just under", "just shy of",
    ],
    "over": [
        "over", "more than", "above", "in excess of", "upwards of", "upward of", "north of",
        "greater than", "exceed", "exceeds", "exceeded", "exceeding", "surpassing", "topping", "just over",
        "well over", "well above",
    ],
    "at_least": ["at least", "no less than", "not less than", "no fewer than", "a minimum of", "minimum of"],
}  # fmt: skip
_QUALIFIER_SYMBOLS = {"up_to": "≤", "about": "~≈", "over": ">", "at_least": "≥"}


def _qualifier_group(label: str) -> str:
    phrases = "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p in sorted(_QUALIFIER_PHRASES[label], key=len, reverse=True)
    )
    return rf"(?P<{label}>(?<!\w)(?i:{phrases})(?!\w)|[{_QUALIFIER_SYMBOLS[label]}])"


_QUALIFIER = re.compile(
    "(?:" + "|".join(map(_qualifier_group, _QUALIFIER_PHRASES)) + r")[^\S\n]*\n?[^\S\n]*\Z"
)
_FROM = re.compile(r"(?<!\w)(?i:from)\s+\Z")


def _qualifier(text: str, start: int) -> str | None:
    """The qualifier written just before ``start`` ("up to", "about", ...), if any."""
    m = _QUALIFIER.search(text, max(0, start - 40), start)
    return m.lastgroup if m else None


def _range_qualifiers(text: str, start: int) -> tuple[str | None, str | None]:
    return (None, None) if _FROM.search(text, max(0, start - 10), start) else ("at_least", "up_to")


# --- scanning ---------------------------------------------------------------------------------


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_T = TypeVar("_T", bound=_Spanned)
_Rule = tuple[re.Pattern[str], Callable[[str, re.Match[str]], list[_T]]]


def _scan(text: str, rules: Sequence[_Rule[_T]]) -> list[_T]:
    """Run every rule; of overlapping results keep the one that starts first, then the longest."""
    found: list[list[_T]] = []
    for pattern, build in rules:
        for m in pattern.finditer(text):
            items = build(text, m)
            if items:
                found.append(items)
    found.sort(key=lambda items: (items[0].start, -items[-1].end))
    out: list[_T] = []
    last = 0
    for items in found:
        if items[0].start >= last:
            out.extend(items)
            last = items[-1].end
    return out


# --- money ------------------------------------------------------------------------------------

_CURRENCY_PREFIXES = {
    "US$": "USD", "U.S.$": "USD", "USD": "USD", "$": "USD",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP", "CHF": "CHF", "SFr.": "CHF",
    "¥": "JPY", "JPY": "JPY", "CN¥": "CNY", "RMB": "CNY", "CNY": "CNY",
    "₹": "INR", "Rs": "INR", "Rs.": "INR", "INR": "INR",
    "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "C$": "CAD", "CA$": "CAD", "CAD": "CAD",
    "HK$": "HKD", "HKD": "HKD", "S$": "SGD", "SGD": "SGD", "NZ$": "NZD", "NZD": "NZD",
    "NT$": "TWD", "TWD": "TWD", "R$": "BRL", "BRL": "BRL", "₩": "KRW", "KRW": "KRW",
    "SAR": "SAR", "AED": "AED", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "ZAR": "ZAR", "MXN": "MXN",
}  # fmt: skip
_CURRENCY_CODES = sorted({code for code in _CURRENCY_PREFIXES.values()})
_CURRENCY_WORDS = {
    "us dollars": "USD", "u.s. dollars": "USD", "dollars": "USD", "australian dollars": "AUD",
    "canadian dollars": "CAD", "hong kong dollars": "HKD", "singapore dollars": "SGD",
    "new zealand dollars": "NZD", "euros": "EUR", "pounds sterling": "GBP", "sterling": "GBP",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "swiss francs": "CHF",
    "riyals": "SAR", "dirhams": "AED",
}  # fmt: skip


def _currency_prefix(name: str) -> str:
    alternatives = _alt(list(_CURRENCY_PREFIXES)).replace(r"US\$", r"US\s?\$")
    return rf"(?<![A-Za-z])(?P<{name}>{alternatives})"


def _money_scale(n: int = 1) -> str:
    return (
        rf"(?:(?P<sa{n}>[kKmMbBT])|\s?(?P<sb{n}>(?i:bn|bln|mn|mln|tn|trn|cr))"
        rf"|[\s-]?(?P<sw{n}>(?i:trillion|billion|million|thousand|crore|lakh|lac)))"
    )


def _scale_of(m: re.Match[str], n: int = 1) -> str | None:
    return m[f"sa{n}"] or m[f"sb{n}"] or m[f"sw{n}"]


_MONEY_END = r"(?!\w|[.,]\d)"
_MONEY_PREFIXED = re.compile(rf"{_currency_prefix('cur')}\s?(?P<num>{_DIGITS}){_money_scale()}?{_MONEY_END}")
_MONEY_RANGE = re.compile(
    rf"{_currency_prefix('cur')}\s?(?P<num>{_DIGITS}){_RANGE_SEP}(?:{_currency_prefix('cur2')}\s?)?"
    rf"(?P<num2>{_DIGITS}){_money_scale()}?{_MONEY_END}"
)
_CURRENCY_WORD_STEMS = _alt([w.removesuffix("s") for w in _CURRENCY_WORDS]).replace(r"\ ", r"\s+")
_MONEY_SUFFIXED = re.compile(
    rf"{_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}|{_ARTICLE}){_money_scale()}?(?P<sep>{_WS}|-)"
    rf"(?:(?P<word>(?i:{_CURRENCY_WORD_STEMS})s?)(?!\w)"
    rf"|(?P<code>{_alt(_CURRENCY_CODES)})(?![A-Za-z]))"
)
_MONEY_CENTS = re.compile(rf"{_NUM_START}(?P<num>{_DIGITS})\s?(?:(?i:cents?)(?!\w)|¢)")


def _prefix_currency(raw: str) -> str:
    return _CURRENCY_PREFIXES[re.sub(r"\s", "", raw)]


def _money_prefixed(text: str, m: re.Match[str]) -> list[Money]:
    value = _number(m["num"], _scale_of(m))
    if value is None:
        return []
    return [Money(value, _prefix_currency(m["cur"]), _qualifier(text, m.start()), m.start(), m.end(), m[0])]


def _money_range(text: str, m: re.Match[str]) -> list[Money]:
    currency = _prefix_currency(m["cur"])
    if m["cur2"] and _prefix_currency(m["cur2"]) != currency:
        return []
    scale = _scale_of(m)
    low, high = _number(m["num"], scale), _number(m["num2"], scale)
    if low is None or high is None or low > high:
        return []
    q_low, q_high = _range_qualifiers(text, m.start())
    s2 = m.start("cur2") if m["cur2"] else m.start("num2")
    return [
        Money(low, currency, q_low, m.start(), m.end("num"), text[m.start() : m.end("num")]),
        Money(high, currency, q_high, s2, m.end(), text[s2 : m.end()]),
    ]


def _money_suffixed(text: str, m: re.Match[str]) -> list[Money]:
    scale = _scale_of(m)
    if _is_article(m["num"]) and (not scale or m["sep"] == "-"):
        return []  # "a dollar", and "a billion-dollar deal" is a size class, not an amount
    value = _number(m["num"], scale)
    if value is None:
        return []
    if m["code"]:
        currency = m["code"]
    else:
        word = re.sub(r"\s+", " ", m["word"].lower())
        currency = _CURRENCY_WORDS.get(word) or _CURRENCY_WORDS.get(word + "s") or "USD"
    return [Money(value, currency, _qualifier(text, m.start()), m.start(), m.end(), m[0])]


def _money_cents(text: str, m: re.Match[str]) -> list[Money]:
    value = _number(m["num"])
    if value is None:
        return []
    return [Money(value / 100, "USD", _qualifier(text, m.start()), m.start(), m.end(), m[0])]


_MONEY_RULES: list[_Rule[Money]] = [
    (_MONEY_RANGE, _money_range),
    (_MONEY_PREFIXED, _money_prefixed),
    (_MONEY_SUFFIXED, _money_suffixed),
    (_MONEY_CENTS, _money_cents),
]


def find_money(text: str) -> list[Money]:
    """Amounts of money: "$38bn", "US$4 billion", "USD 6.5 billion", "€5bn", "Rs 500 crore", "$2.49"."""
    return _scan(text, _MONEY_RULES)


# --- power ------------------------------------------------------------------------------------

_POWER_UNIT = r"(?P<unit>GW|MW|kW|KW|TW|(?i:giga|mega|kilo|tera)watts?)"
_POWER_END = r"(?!\w)(?!(?:-|\s)?(?i:hours?|hrs?)\b)"  # GWh, gigawatt-hours: energy, not power
_POWER = re.compile(
    rf"{_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}|{_ARTICLE})(?:\s?|-){_POWER_UNIT}{_POWER_END}"
)
_POWER_RANGE = re.compile(
    rf"{_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}){_RANGE_SEP}(?P<num2>{_DIGITS}|{_WORDNUM})(?:\s?|-){_POWER_UNIT}{_POWER_END}"
)
_SIZE_CLASS = re.compile(r"-(?i:scale|class|size|sized|level|plus)\b")
_MW_PER = {"g": 1e3, "m": 1.0, "k": 1e-3, "t": 1e6}


def _mw(raw: str, unit: str) -> float | None:
    value = _number(raw)
    if value is None:
        return None
    value *= _MW_PER[unit[0].lower()]
    return value if math.isfinite(value) else None


def _power(text: str, m: re.Match[str]) -> list[Power]:
    if _is_article(m["num"]) and _SIZE_CLASS.match(text, m.end()):
        return []  # "a gigawatt-scale campus"
    mw = _mw(m["num"], m["unit"])
    if mw is None:
        return []
    return [Power(mw, _qualifier(text, m.start()), m.start(), m.end(), m[0])]


def _power_range(text: str, m: re.Match[str]) -> list[Power]:
    low, high = _mw(m["num"], m["unit"]), _mw(m["num2"], m["unit"])
    if low is None or high is None or low > high:
        return []
    q_low, q_high = _range_qualifiers(text, m.start())
    return [
        Power(low, q_low, m.start(), m.end("num"), m["num"]),
        Power(high, q_high, m.start("num2"), m.end(), text[m.start("num2") : m.end()]),
    ]


_POWER_RULES: list[_Rule[Power]] = [(_POWER_RANGE, _power_range), (_POWER, _power)]


def find_power(text: str) -> list[Power]:
    """Power capacity in megawatts: "4.5GW", "300 megawatts", "1.2-gigawatt", "a gigawatt" (not GWh)."""
    return _scan(text, _POWER_RULES)


# --- chips ------------------------------------------------------------------------------------

_CHIP_NOUN = (
    r"(?i:[GTXN]PUs?|(?:super)?chips?|accelerators?|graphics\s+(?:processing\s+units?|processors?|cards?)"
    r"|tensor\s+processing\s+units?)"
)
# A model name can itself be the noun: "100,000 H100s", "400,000 Trainium2".
_CHIP_MODEL = (
    r"(?:(?!NVL)[A-Z]{1,3}\d{2,4}[A-Z]{0,3}|Trainium\d?|Inferentia\d?|Gaudi\s?\d|Blackwells|Hoppers)(?:s|'s)?"
)
_CHIP_MODIFIER = (
    r"(?:[A-Z][A-Za-z0-9.+'’]*(?:-[A-Za-z0-9]+)?|[a-z]{1,3}\d+[a-z]*"
    r"|(?i:AI|custom|additional|more|new|advanced|most|high-end|top-end|latest|next-generation|next-gen"
    r"|cutting-edge|leading-edge|in-house|dedicated|data-?cent(?:er|re)|flagship|specialised|specialized"
    r"|inference|training|low-power))"
)
_CHIP_SCALE = r"(?:(?P<sa>[kKmM])|\s?(?P<sb>(?i:mn|mln))|[\s-]?(?P<sw>(?i:thousand|million|billion)))"
_CHIP_TAIL = (
    rf"(?:(?P<mods>(?:{_SEP}{_CHIP_MODIFIER}){{0,3}})(?P<nsep>{_SEP})(?P<noun>{_CHIP_NOUN})|{_SEP}(?P<model>{_CHIP_MODEL}))"
    r"(?!\w)(?!(?:-|\s)?(?i:hours?|hrs?)\b)"  # GPU-hours are time, not chips
)
# "one million of Google's TPU chips": a scaled count may take "of" before its modifiers; any count "of
# its" ("24,000 of its V2 accelerators").
_CHIPS = re.compile(
    rf"(?<![A-Za-z]-){_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}|{_ARTICLE})(?:{_CHIP_SCALE}(?:\s+of(?=\s+[A-Z]))?)?"
    rf"(?:\s+of\s+(?:its|their|our))?{_CHIP_TAIL}"
)
_CHIPS_VAGUE = re.compile(
    r"\b(?i:(?:tens|hundreds|dozens)\s+of\s+(?:thousands|millions)|(?:several|a\s+few|few|many)\s+"
    r"(?:hundred\s+)?(?:thousand|million|hundred|dozen)|thousands|millions|hundreds|dozens)(?:\s+of)?"
    rf"(?:{_SEP}{_CHIP_MODIFIER}){{0,3}}{_SEP}(?P<noun>{_CHIP_NOUN})(?!\w)(?!(?:-|\s)?(?i:hours?|hrs?)\b)"
)
# "8 GPU servers", "16 H100 instances", "1,000 GB200 NVL72 racks": the count is of machines.
_MACHINES = re.compile(
    r"\s+(?:NVL\d+\s+)?(?i:racks?|pods?|superpods?|servers?|nodes?|instances?|systems?|machines?|boxes|VMs?)\b"
)


def _chips(text: str, m: re.Match[str]) -> list[Chips]:
    scale = m["sa"] or m["sb"] or m["sw"]
    if _is_article(m["num"]) and not scale:
        return []  # "a GPU"
    singular_noun = m["noun"] is not None and not m["noun"].lower().endswith("s") and m["nsep"] != "-"
    if _is_plain_year(m["num"]) and not scale and (m["mods"] or m["model"] or singular_noun or "\n" in m[0]):
        return []  # "in 2024 Nvidia GPUs ...", "3 November 2025 / GPU cloud provider ..."
    if (m["model"] or singular_noun) and _MACHINES.match(text, m.end()):
        return []
    value = _number(m["num"], scale)
    if value is None:
        return []
    return [Chips(round(value), m.start(), m.end(), m[0])]


def _chips_vague(text: str, m: re.Match[str]) -> list[Chips]:
    return [Chips(None, m.start(), m.end(), m[0])]


_CHIP_RULES: list[_Rule[Chips]] = [(_CHIPS, _chips), (_CHIPS_VAGUE, _chips_vague)]


def find_chips(text: str) -> list[Chips]:
    """GPU / accelerator counts: "100,000 Nvidia H100 GPUs", "100k GPUs", "one million TPUs", "72 H100s"."""
    return _scan(text, _CHIP_RULES)


# --- durations --------------------------------------------------------------------------------

_TIME_UNIT = r"(?P<unit>(?i:years?|yrs?|months?|decades?))(?!\w)"
_DURATION = re.compile(rf"{_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}){_SEP}{_TIME_UNIT}")
_DURATION_RANGE = re.compile(
    rf"{_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}){_RANGE_SEP}(?P<num2>{_DIGITS}|{_WORDNUM}){_SEP}{_TIME_UNIT}"
)
# An age or an offset, not a length: "a 30-year-old", "five years ago", "two years early", "a year into"
_AGE = re.compile(
    r"(?:-|\s+)(?i:olds?|ago|early|earlier|ahead|late|later|behind|before|after(?! which)|into)\b"
)
_YEARS_PER = {"y": 1.0, "m": 1 / 12, "d": 10.0}


def _years(raw: str, unit: str) -> float | None:
    if _is_plain_year(raw):
        return None  # "fiscal 2025 year-end"
    value = _number(raw)
    return None if value is None else value * _YEARS_PER[unit[0].lower()]


def _duration(text: str, m: re.Match[str]) -> list[Duration]:
    years = _years(m["num"], m["unit"])
    if years is None or _AGE.match(text, m.end()):
        return []
    return [Duration(years, m.start(), m.end(), m[0])]


def _duration_range(text: str, m: re.Match[str]) -> list[Duration]:
    low, high = _years(m["num"], m["unit"]), _years(m["num2"], m["unit"])
    if low is None or high is None or low > high or _AGE.match(text, m.end()):
        return []
    return [
        Duration(low, m.start(), m.end("num"), m["num"]),
        Duration(high, m.start("num2"), m.end(), text[m.start("num2") : m.end()]),
    ]


_DURATION_RULES: list[_Rule[Duration]] = [(_DURATION_RANGE, _duration_range), (_DURATION, _duration)]


def find_durations(text: str) -> list[Duration]:
    """Lengths of time in years: "seven-year", "over five years", "18-month" (1.5); not "multi-year"."""
    return _scan(text, _DURATION_RULES)


# --- percents ---------------------------------------------------------------------------------

_PERCENT_SIGN = r"\s?(?:%|(?i:per\s?cent|percent|pct)(?!\w))"
_PERCENT = re.compile(
    rf"(?:(?<![\w.,%)])(?P<sign>[-−+]))?{_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}){_PERCENT_SIGN}"
)
_PERCENT_RANGE = re.compile(
    rf"{_NUM_START}(?P<num>{_DIGITS}|{_WORDNUM}){_RANGE_SEP}(?P<num2>{_DIGITS}|{_WORDNUM}){_PERCENT_SIGN}"
)


def _percent(text: str, m: re.Match[str]) -> list[Percent]:
    value = _number(m["num"])
    if value is None:
        return []
    if m["sign"] in ("-", "−"):
        value = -value
    return [Percent(value, _qualifier(text, m.start()), m.start(), m.end(), m[0])]


def _percent_range(text: str, m: re.Match[str]) -> list[Percent]:
    low, high = _number(m["num"]), _number(m["num2"])
    if low is None or high is None or low > high:
        return []
    q_low, q_high = _range_qualifiers(text, m.start())
    return [
        Percent(low, q_low, m.start(), m.end("num"), m["num"]),
        Percent(high, q_high, m.start("num2"), m.end(), text[m.start("num2") : m.end()]),
    ]


_PERCENT_RULES: list[_Rule[Percent]] = [(_PERCENT_RANGE, _percent_range), (_PERCENT, _percent)]


def find_percents(text: str) -> list[Percent]:
    """Percentages: "45%", "45 per cent", "up to 45%", "-7%"; not "percentage points"."""
    return _scan(text, _PERCENT_RULES)
