"""Tests for extractors.quantities: every written form of money, power, chips, durations and percents."""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.quantities import (
    Chips,
    Duration,
    Money,
    Percent,
    Power,
    find_chips,
    find_durations,
    find_money,
    find_percents,
    find_power,
)

PAGES = Path(__file__).resolve().parents[2] / "cloudintel" / "corpus" / "pages"
FINDERS: list[Callable[[str], Sequence[Any]]] = [
    find_money,
    find_power,
    find_chips,
    find_durations,
    find_percents,
]


# --- money ------------------------------------------------------------------------------------

MONEY = [
    ("OpenAI signs a $38 billion deal", [(38e9, "USD", None, "$38 billion")]),
    ("a $38bn contract", [(38e9, "USD", None, "$38bn")]),
    ("a $38B contract", [(38e9, "USD", None, "$38B")]),
    ("Amazon adds US$38bn", [(38e9, "USD", None, "US$38bn")]),
    ("adding USD 6.5 billion of commitments", [(6.5e9, "USD", None, "USD 6.5 billion")]),
    ("worth 38 billion dollars", [(38e9, "USD", None, "38 billion dollars")]),
    ("worth 38 billion US dollars", [(38e9, "USD", None, "38 billion US dollars")]),
    ("five billion dollars", [(5e9, "USD", None, "five billion dollars")]),
    ("half a billion euros", [(5e8, "EUR", None, "half a billion euros")]),
    ("commitments of $1.4 trillion", [(1.4e12, "USD", None, "$1.4 trillion")]),
    ("a $500M round", [(5e8, "USD", None, "$500M")]),
    ("a $500 million round", [(5e8, "USD", None, "$500 million")]),
    ("raised $2.5bn.", [(2.5e9, "USD", None, "$2.5bn")]),
    ("paid $10,000,000 in fees", [(1e7, "USD", None, "$10,000,000")]),
    ("up to $100 billion", [(1e11, "USD", "up_to", "$100 billion")]),
    ("about $4 billion", [(4e9, "USD", "about", "$4 billion")]),
    ("roughly US$13bn", [(13e9, "USD", "about", "US$13bn")]),
    ("more than $30bn", [(30e9, "USD", "over", "$30bn")]),
    ("capex would exceed $30 billion", [(30e9, "USD", "over", "$30 billion")]),
    ("at least $1bn", [(1e9, "USD", "at_least", "$1bn")]),
    ("€5bn for chips", [(5e9, "EUR", None, "€5bn")]),
    ("EUR 5 billion for chips", [(5e9, "EUR", None, "EUR 5 billion")]),
    ("£2bn in the UK", [(2e9, "GBP", None, "£2bn")]),
    ("costs CHF 3.20 per hour", [(3.2, "CHF", None, "CHF 3.20")]),
    ("¥1 trillion plan", [(1e12, "JPY", None, "¥1 trillion")]),
    ("Rs 500 crore plan", [(5e9, "INR", None, "Rs 500 crore")]),
    ("₹500 crore plan", [(5e9, "INR", None, "₹500 crore")]),
    ("A$2bn data centre", [(2e9, "AUD", None, "A$2bn")]),
    ("C$1bn data centre", [(1e9, "CAD", None, "C$1bn")]),
    ("SAR 10 billion", [(1e10, "SAR", None, "SAR 10 billion")]),
    ("AED 2bn", [(2e9, "AED", None, "AED 2bn")]),
    ("$2.49 per GPU-hour", [(2.49, "USD", None, "$2.49")]),
    ("$0.075 per million input tokens", [(0.075, "USD", None, "$0.075")]),
    ("at 15 cents per million", [(0.15, "USD", None, "15 cents")]),
    (
        "capex of $64-72 billion",
        [(64e9, "USD", "at_least", "$64"), (72e9, "USD", "up_to", "72 billion")],
    ),
    (
        "$20 billion to $23 billion",
        [(20e9, "USD", None, "$20 billion"), (23e9, "USD", None, "$23 billion")],
    ),
    (
        "US$4bn, then $8 billion",
        [(4e9, "USD", None, "US$4bn"), (8e9, "USD", None, "$8 billion")],
    ),
]

NO_MONEY = [
    "a multibillion-dollar, multi-year agreement",
    "hundreds of billions of dollars",
    "tens of billions of dollars",
    "billions",
    "a billion-dollar deal",
    "$38bnX",
    "$1e999",
    "38 billion",
    "4.5GW",
    "an H100 costs a lot",
]


@pytest.mark.parametrize(("text", "expected"), MONEY, ids=[case[0] for case in MONEY])
def test_money_forms(text: str, expected: list[tuple[float, str, str | None, str]]) -> None:
    found = [(m.value, m.currency, m.qualifier, m.text) for m in find_money(text)]
    assert found == expected


@pytest.mark.parametrize("text", NO_MONEY)
def test_vague_or_malformed_money_gives_nothing(text: str) -> None:
    assert find_money(text) == []


def test_us_dollar_prefix_is_one_amount_not_two() -> None:
    text = "Amazon agreed to put a further US$4bn into the company"
    found = find_money(text)
    assert [(m.text, m.start, m.end) for m in found] == [("US$4bn", text.index("US$"), text.index(" into"))]


def test_money_offsets_index_into_the_text() -> None:
    text = "OpenAI signs a $38 billion, seven-year deal"
    (money,) = find_money(text)
    assert text[money.start : money.end] == money.text == "$38 billion"


# --- power ------------------------------------------------------------------------------------

POWER = [
    ("add 4.5GW of capacity", [(4500.0, None, "4.5GW")]),
    ("add 4.5 GW of capacity", [(4500.0, None, "4.5 GW")]),
    ("1 gigawatt site", [(1000.0, None, "1 gigawatt")]),
    ("deploy 10 gigawatts", [(10000.0, None, "10 gigawatts")]),
    ("orders 300MW", [(300.0, None, "300MW")]),
    ("orders 300 megawatts", [(300.0, None, "300 megawatts")]),
    ("a 1.2-gigawatt campus", [(1200.0, None, "1.2-gigawatt")]),
    ("reach up to 5GW", [(5000.0, "up_to", "5GW")]),
    ("some 6GW of planned capacity", [(6000.0, "about", "6GW")]),
    ("roughly 1,000 MW", [(1000.0, "about", "1,000 MW")]),
    ("more than 5 GW", [(5000.0, "over", "5 GW")]),
    ("a gigawatt of capacity", [(1000.0, None, "a gigawatt")]),
    ("one gigawatt of capacity", [(1000.0, None, "one gigawatt")]),
    ("more than two gigawatts", [(2000.0, "over", "two gigawatts")]),
    ("half a gigawatt", [(500.0, None, "half a gigawatt")]),
    ("a 500 kW pilot", [(0.5, None, "500 kW")]),
    ("1-1.5GW", [(1000.0, "at_least", "1"), (1500.0, "up_to", "1.5GW")]),
]

NO_POWER = [
    "5 GWh of storage",
    "300 MWh battery",
    "2 gigawatt-hours",
    "several gigawatts",
    "a multi-gigawatt campus",
    "a gigawatt-scale campus",
    "a few hundred megawatts",
    "$5bn",
]


@pytest.mark.parametrize(("text", "expected"), POWER, ids=[case[0] for case in POWER])
def test_power_forms(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    assert [(p.mw, p.qualifier, p.text) for p in find_power(text)] == expected


@pytest.mark.parametrize("text", NO_POWER)
def test_energy_and_vague_power_give_nothing(text: str) -> None:
    assert find_power(text) == []


# --- chips ------------------------------------------------------------------------------------

CHIPS = [
    ("100,000 H100s", 100_000, "100,000 H100s"),
    ("with 100,000 Nvidia H100 GPUs, Musk said", 100_000, "100,000 Nvidia H100 GPUs"),
    ("one million TPUs", 1_000_000, "one million TPUs"),
    ("up to one million Google TPUs", 1_000_000, "one million Google TPUs"),
    ("1 million chips", 1_000_000, "1 million chips"),
    ("At 100k GPUs, Colossus", 100_000, "100k GPUs"),
    ("a 100k-GPU cluster", 100_000, "100k-GPU"),
    ("grow to 200,000 GPUs", 200_000, "200,000 GPUs"),
    ("linking 72 Blackwell Ultra GPUs", 72, "72 Blackwell Ultra GPUs"),
    ("two million chips", 2_000_000, "two million chips"),
    ("half a million GPUs", 500_000, "half a million GPUs"),
    ("a million accelerators", 1_000_000, "a million accelerators"),
    ("400,000 Trainium2 chips", 400_000, "400,000 Trainium2 chips"),
    ("5,000 MI300X accelerators", 5_000, "5,000 MI300X accelerators"),
    ("16,000 MI355X", 16_000, "16,000 MI355X"),
    ("36 GB200 superchips", 36, "36 GB200 superchips"),
    ("10,000 XPUs", 10_000, "10,000 XPUs"),
    ("1.2m GPUs", 1_200_000, "1.2m GPUs"),
    ("tens of thousands of Nvidia GPUs", None, "tens of thousands of Nvidia GPUs"),
    ("hundreds of thousands of GPUs", None, "hundreds of thousands of GPUs"),
    ("thousands of accelerators", None, "thousands of accelerators"),
    ("several thousand GPUs", None, "several thousand GPUs"),
    ("12,000 of its K3 accelerators", 12_000, "12,000 of its K3 accelerators"),
]

NO_CHIPS = [
    "and 36 Grace CPUs",
    "1,000 GPU-hours",
    "1 million GPU hours",
    "$2.49 per GPU-hour",
    "8 GPU servers",
    "16 H100 instances",
    "1,000 GB200 NVL72 racks",
    "$30,000 chips",
    "a GPU cloud",
    "3 November 2025\n\n\nGPU cloud provider Lambda",
    "in 2024 Nvidia GPUs were scarce",
    "3nm chips",
    "GB300 NVL72 rack systems",
]


@pytest.mark.parametrize(("text", "count", "span"), CHIPS, ids=[case[0] for case in CHIPS])
def test_chip_counts(text: str, count: int | None, span: str) -> None:
    assert [(c.count, c.text) for c in find_chips(text)] == [(count, span)]


@pytest.mark.parametrize("text", NO_CHIPS)
def test_not_chip_counts(text: str) -> None:
    assert find_chips(text) == []


# --- durations --------------------------------------------------------------------------------

DURATIONS = [
    ("a seven-year deal", [(7.0, "seven-year")]),
    ("a 7-year deal", [(7.0, "7-year")]),
    ("over five years", [(5.0, "five years")]),
    ("over the next four years", [(4.0, "four years")]),
    ("for 10 years", [(10.0, "10 years")]),
    ("a five-year deal", [(5.0, "five-year")]),
    ("an 18-month contract", [(1.5, "18-month")]),
    ("six months", [(0.5, "six months")]),
    ("a twenty-five-year lease", [(25.0, "twenty-five-year")]),
    ("two decades", [(20.0, "two decades")]),
    ("five- to seven-year terms", [(5.0, "five"), (7.0, "seven-year")]),
    ("3-5 years", [(3.0, "3"), (5.0, "5 years")]),
]

NO_DURATIONS = [
    "a multi-year agreement",
    "through 2030",
    "a 30-year-old engineer",
    "five years ago",
    "$5bn a year",
    "fiscal 2025 year-end",
    "grew 24% year-over-year",
    "ended the contract three years early",
    "two years after the merger",
    "a year into the lease",
]


@pytest.mark.parametrize(("text", "expected"), DURATIONS, ids=[case[0] for case in DURATIONS])
def test_durations(text: str, expected: list[tuple[float, str]]) -> None:
    assert [(d.years, d.text) for d in find_durations(text)] == expected


@pytest.mark.parametrize("text", NO_DURATIONS)
def test_not_durations(text: str) -> None:
    assert find_durations(text) == []


# --- percents ---------------------------------------------------------------------------------

PERCENTS = [
    ("cut by 45%", [(45.0, None, "45%")]),
    ("cut by 45 per cent", [(45.0, None, "45 per cent")]),
    ("cut by 45 percent", [(45.0, None, "45 percent")]),
    ("up to 45%", [(45.0, "up_to", "45%")]),
    ("by about 78% for input", [(78.0, "about", "78%")]),
    ("prices -7%", [(-7.0, None, "-7%")]),
    ("prices 7 %", [(7.0, None, "7 %")]),
    ("forty percent", [(40.0, None, "forty percent")]),
    ("10-15%", [(10.0, "at_least", "10"), (15.0, "up_to", "15%")]),
    ("78% and 71%", [(78.0, None, "78%"), (71.0, None, "71%")]),
]


@pytest.mark.parametrize(("text", "expected"), PERCENTS, ids=[case[0] for case in PERCENTS])
def test_percents(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    assert [(p.value, p.qualifier, p.text) for p in find_percents(text)] == expected


def test_percentage_points_are_not_percents() -> None:
    assert find_percents("margins rose 3 percentage points") == []


# --- properties -------------------------------------------------------------------------------


@st.composite
def numerals(draw: st.DrawFn, max_whole: int = 999_999) -> tuple[str, float]:
    """A decimal numeral as written ("1,234.5" or "1234.5") and its value."""
    whole = draw(st.integers(0, max_whole))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=3).map(lambda f: "." + f)))
    written = (f"{whole:,}" if draw(st.booleans()) else str(whole)) + frac
    return written, float(f"{whole}{frac}")


MONEY_FORMATS = [("$%sbn", 1e9), ("US$%s billion", 1e9), ("%s billion dollars", 1e9), ("$%s million", 1e6)]


@given(numerals(), st.sampled_from(MONEY_FORMATS))
def test_money_reads_back_any_rendered_amount(numeral: tuple[str, float], fmt: tuple[str, float]) -> None:
    written, value = numeral
    rendered = fmt[0] % written
    (money,) = find_money(rendered)
    assert math.isclose(money.value, value * fmt[1], rel_tol=1e-9)
    assert money.currency == "USD"
    assert money.text == rendered


POWER_FORMATS = [("%sGW", 1e3), ("%s GW", 1e3), ("%s gigawatts", 1e3), ("%sMW", 1.0), ("%s megawatts", 1.0)]


@given(numerals(), st.sampled_from(POWER_FORMATS))
def test_power_reads_back_any_rendered_capacity(numeral: tuple[str, float], fmt: tuple[str, float]) -> None:
    written, value = numeral
    (power,) = find_power(fmt[0] % written)
    assert math.isclose(power.mw, value * fmt[1], rel_tol=1e-9)


CHIP_FORMATS = ["{:,} GPUs", "{:,} Nvidia H100 GPUs", "{:,} H100s", "{:,} accelerators", "{} TPUs"]


@given(st.integers(1, 10**9), st.sampled_from(CHIP_FORMATS))
def test_chips_read_back_any_rendered_count(count: int, fmt: str) -> None:
    (chips,) = find_chips(fmt.format(count))
    assert chips.count == count


TOKENS = [
    "$", "US$", "€", "Rs", "₹", "A$", "-", "–", ",", ".", "%", " ", "\n", "to", "up to", "about", "from",
    "1", "38", "4.5", "1,000", "100k", "9" * 400, "1e999", "bn", "billion", "million", "crore", "k",
    "GW", "MW", "GWh", "gigawatt", "a", "half", "one", "twenty", "hundred", "hundreds of", "thousands",
    "GPUs", "H100s", "Nvidia", "chips", "-hours", "year", "years", "-year", "month", "old", "ago",
    "per cent", "dollars", "euros", "USD", "CHF", "NVL72", "racks",
]  # fmt: skip
texts = st.one_of(st.text(), st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3))).map("".join))


def _value(item: object) -> float | None:
    if isinstance(item, Money | Percent):
        return item.value
    if isinstance(item, Power):
        return item.mw
    if isinstance(item, Duration):
        return item.years
    assert isinstance(item, Chips)
    return None if item.count is None else float(item.count)


def assert_well_formed(text: str) -> None:
    """Every finder returns ordered, in-bounds spans of `text` with finite values (or none)."""
    for finder in FINDERS:
        last_end = 0
        for item in finder(text):
            assert last_end <= item.start < item.end <= len(text)
            assert text[item.start : item.end] == item.text
            value = _value(item)
            assert value is None or math.isfinite(value)
            last_end = item.end


@settings(max_examples=300)
@given(texts)
def test_finders_never_raise_and_return_ordered_in_bounds_spans(text: str) -> None:
    assert_well_formed(text)


RESERVED_WORDS = (
    "a an half and to from of per cent cents percent pct us one two three four five six seven eight nine ten "
    "eleven twelve twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands "
    "million millions billion billions trillion crore lakh lac k m b t bn bln mn mln tn trn cr dollar dollars "
    "euro euros sterling yen yuan renminbi rupee rupees riyal riyals dirham dirhams gigawatt gigawatts megawatt "
    "megawatts kilowatt kilowatts terawatt terawatts hour hours hr hrs year years yr yrs month months decade "
    "decades old olds ago gpu gpus tpu tpus xpu xpus npu npus chip chips superchip superchips accelerator "
    "accelerators rack racks pod pods server servers node nodes instance instances system systems machine "
    "machines boxes vm vms few several many tens dozens"
)
RESERVED = set(RESERVED_WORDS.split())  # words that could change what a finder reads next to a number
filler = st.lists(
    st.text(string.ascii_lowercase, min_size=1, max_size=8).filter(lambda w: w not in RESERVED), max_size=6
).map(" ".join)

EMBEDDABLE: list[tuple[Callable[[str], Sequence[Any]], str, float]] = [
    (find_money, "$%sbn", 1e9),
    (find_money, "US$%s billion", 1e9),
    (find_money, "%s billion dollars", 1e9),
    (find_power, "%s GW", 1e3),
    (find_power, "%sMW", 1.0),
    (find_percents, "%s%%", 1.0),
    (find_percents, "%s per cent", 1.0),
]


@given(filler, numerals(), st.sampled_from(EMBEDDABLE), filler)
def test_finders_ignore_surrounding_words(
    before: str,
    numeral: tuple[str, float],
    case: tuple[Callable[[str], Sequence[Any]], str, float],
    after: str,
) -> None:
    finder, fmt, scale = case
    rendered = fmt % numeral[0]
    text = f"{before} {rendered} {after}"
    (item,) = finder(text)
    assert (item.start, item.text) == (len(before) + 1, rendered)
    value = _value(item)
    assert value is not None and math.isclose(value, numeral[1] * scale, rel_tol=1e-9)


@given(filler, st.integers(1, 10**7), filler)
def test_chip_count_ignores_surrounding_words(before: str, count: int, after: str) -> None:
    rendered = f"{count:,} Nvidia H100 GPUs"
    (chips,) = find_chips(f"{before} {rendered}. {after}")
    assert (chips.start, chips.text, chips.count) == (len(before) + 1, rendered, count)


@given(filler, st.integers(1, 99), st.sampled_from(["%s-year", "%s years", "%s-month"]), filler)
def test_duration_ignores_surrounding_words(before: str, n: int, fmt: str, after: str) -> None:
    rendered = fmt % n
    (duration,) = find_durations(f"{before} {rendered} {after}")
    assert duration.text == rendered
    assert math.isclose(duration.years, n / 12 if "month" in fmt else n)


# --- robustness (their speed: benchmarks/parser_speed.py) -----------------------------------------

LONG_RUNS = "9" * 100_000 + " " * 100_000 + "1 a " * 20_000 + "H100 " * 10_000  # backtracking bait


@pytest.mark.parametrize(
    "text",
    [
        "$" + "9" * 5000,
        "9" * 5000 + " GW",
        "9" * 5000 + " GPUs",
        "9" * 5000 + "%",
        "$1e999",
        "1" + "0" * 400 + " years",
        LONG_RUNS,
    ],
)
def test_absurd_numbers_and_long_runs_give_well_formed_results(text: str) -> None:
    assert_well_formed(text)


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_finders_are_well_formed_on_corpus_pages(page: Path) -> None:
    assert_well_formed(BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").get_text())


def test_a_number_in_a_model_name_is_no_chip_count() -> None:
    found = find_chips("it will deliver its AX-2 accelerator cards and 4,096 H200 GPUs")
    assert [c.count for c in found] == [4096]
