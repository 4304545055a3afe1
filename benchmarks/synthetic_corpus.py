"""Generate a synthetic news corpus for scale benchmarks: feeds, article pages and `sources.yaml`.

    python benchmarks/synthetic_corpus.py --articles 10000 --feeds 200 [--out /tmp/...] [--seed 7]

Writes `feeds/feed-NNNN.xml` (RSS 2.0 and Atom, alternating), `pages/feed-NNNN/<slug>.html` and
`sources.yaml` (kind: feed, URLs with `{{BASE}}`), so `cloudintel.corpus_server.serve_corpus(folder)`
(or `python cloudintel/corpus/serve.py --dir folder`) serves it with ETag/304.

What the pages look like:
- 20–150 KB each (triangular, mode 45 KB), with site chrome in one of four layout families
  (WordPress-like, React/Arc-like, Ghost-like, a div-only CMS): cookie banner, top bar, mega menu,
  breadcrumbs, share bar, inline "See also" / "Read more" lines, figure, newsletter box, tags,
  related-article rails, "most read" lists, comments, footer link columns, ad slots, inline CSS and
  JavaScript (analytics config, a JSON state blob), JSON-LD and Open Graph metadata.
- Article kinds: partnership, capacity and pricing deals (templates over the real organization names
  of `extractors/data/organizations.yaml`, with $ amounts, GW/MW and GPU counts, durations, percent
  changes, stated weekdays; some "in talks"/"reported"), and distractors: earnings, opinion,
  launches, appointments, market analysis.
- Duplicates: `--dup-share` of feed items are duplicates, half listed in a second feed under the same
  URL, half syndicated copies (the same article text and headline under another site's URL).

`--articles` counts distinct article URLs (pages), syndicated copies included; the feeds list
`articles` + cross-listed items. Deterministic by `--seed`: every article is generated from
`Random(f"{seed}:{index}")`, so the output does not depend on the number of worker processes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ORGS_YAML = ROOT / "extractors" / "data" / "organizations.yaml"
START = datetime(2023, 1, 2, tzinfo=UTC)
SPAN_DAYS = 1035  # up to late October 2025
KIND_WEIGHTS = {
    "partnership": 30,
    "capacity": 14,
    "pricing": 8,
    "earnings": 12,
    "opinion": 10,
    "launch": 14,
    "people": 6,
    "analysis": 6,
}
LAYOUTS = ("wordpress", "arc", "ghost", "cms")

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------


def _organizations() -> dict[str, list[str]]:
    """Canonical organization names by role, read from the bundled organizations.yaml."""
    import yaml

    data = yaml.safe_load(ORGS_YAML.read_text(encoding="utf-8"))
    roles: dict[str, list[str]] = {"cloud": [], "lab": [], "chip": [], "investor": [], "dc": [], "any": []}
    for entry in data["organizations"]:
        name, cats = entry["name"], set(entry.get("categories", []))
        roles["any"].append(name)
        if entry.get("cloud_provider"):
            roles["cloud"].append(name)
        if "ai_lab" in cats:
            roles["lab"].append(name)
        if "chip_maker" in cats:
            roles["chip"].append(name)
        if "investor" in cats:
            roles["investor"].append(name)
        if "data_center_operator" in cats:
            roles["dc"].append(name)
    return roles


ORGS = _organizations()
GPUS = ("H100", "H200", "B200", "GB200", "GB300", "MI300X", "MI325X", "MI355X", "L40S", "B300")
GPU_VENDOR = {"MI300X": "AMD", "MI325X": "AMD", "MI355X": "AMD"}
PLACES = (
    "Abilene, Texas",
    "Memphis, Tennessee",
    "Narvik, Norway",
    "Loudoun County, Virginia",
    "Phoenix, Arizona",
    "Columbus, Ohio",
    "Dublin, Ireland",
    "Frankfurt, Germany",
    "Johor, Malaysia",
    "Osaka, Japan",
    "Mumbai, India",
    "Querétaro, Mexico",
    "Stargate, Wyoming",
    "Cheyenne, Wyoming",
    "Mount Pleasant, Wisconsin",
    "New Albany, Ohio",
    "Richland Parish, Louisiana",
    "Kuusamo, Finland",
    "Sines, Portugal",
    "Abu Dhabi",
    "Riyadh, Saudi Arabia",
    "Quebec, Canada",
    "Milan, Italy",
    "Lyon, France",
    "Madrid, Spain",
    "Reno, Nevada",
    "Atlanta, Georgia",
    "Des Moines, Iowa",
    "Santiago, Chile",
    "São Paulo, Brazil",
)
FIRST = (
    "Olivia",
    "Hannah",
    "Priya",
    "Kjersti",
    "Tomás",
    "Wei",
    "Amara",
    "Lukas",
    "Sofia",
    "Daniel",
    "Aiko",
    "Mateo",
    "Chloé",
    "Rahul",
    "Fatima",
    "Jonas",
    "Grace",
    "Ibrahim",
    "Elena",
    "Noah",
    "Yara",
    "Sven",
)
LAST = (
    "Brennan",
    "Okafor",
    "Ramanathan",
    "Vang",
    "García",
    "Zhang",
    "Mensah",
    "Keller",
    "Rossi",
    "Cohen",
    "Tanaka",
    "Silva",
    "Dubois",
    "Mehta",
    "Haddad",
    "Lindqvist",
    "Walsh",
    "Adeyemi",
    "Petrova",
    "Kim",
)
ROLES = (
    "chief executive",
    "chief financial officer",
    "head of infrastructure",
    "vice president of cloud",
    "chief technology officer",
    "general manager for AI",
    "head of partnerships",
)
MODELS = ("Atlas", "Nimbus", "Orion", "Helix", "Vega", "Quill", "Nova", "Sable", "Lumen", "Kite")
USES = (
    "coding",
    "customer service",
    "drug discovery",
    "video generation",
    "search",
    "translation",
    "financial analysis",
    "robotics",
)
SECTIONS = (
    "News",
    "Cloud",
    "AI",
    "Data centres",
    "Chips",
    "Power",
    "Deals",
    "Pricing",
    "Policy",
    "Opinion",
    "Podcasts",
    "Events",
    "Jobs",
    "Research",
    "Sustainability",
    "Markets",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
ORDINALS = ("second", "third", "fourth", "fifth", "largest", "first")
WORDS = [
    "capacity",
    "demand",
    "pricing",
    "margins",
    "utilisation",
    "power",
    "grid",
    "cooling",
    "liquid",
    "racks",
    "interconnect",
    "fabric",
    "inference",
    "training",
    "tokens",
    "latency",
    "workloads",
    "tenants",
    "colocation",
    "leases",
    "substations",
    "turbines",
    "megawatts",
    "supply",
    "chain",
    "memory",
    "bandwidth",
    "networking",
    "optics",
    "storage",
    "regions",
    "zones",
    "compliance",
    "sovereignty",
    "budgets",
    "capex",
    "depreciation",
    "financing",
    "bonds",
    "equity",
    "valuation",
    "customers",
    "contracts",
    "backlog",
    "pipeline",
    "throughput",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _money(rng: random.Random) -> tuple[str, str]:
    """(headline form, body form) of a deal amount."""
    if rng.random() < 0.75:
        value = rng.choice((1, 1.5, 2, 2.5, 3, 4, 5, 6.5, 8, 10, 12, 14, 17.4, 20, 22, 30, 40, 100))
        text = f"{value:g}"
        return f"${text}bn", rng.choice((f"${text} billion", f"US${text}bn", f"USD {text} billion"))
    value = rng.choice((50, 120, 250, 300, 400, 500, 750, 900))
    return f"${value}m", rng.choice((f"${value} million", f"${value}m"))


def _power(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.6:
        value = rng.choice((0.5, 1, 1.2, 1.5, 2, 3, 4.5, 5, 10))
        return f"{value:g}GW", rng.choice((f"{value:g} GW", f"{value:g} gigawatts", f"{value:g}GW"))
    value = rng.choice((40, 60, 100, 150, 200, 300, 400, 600, 800))
    return f"{value}MW", rng.choice((f"{value} MW", f"{value} megawatts", f"{value}MW"))


def _gpus(rng: random.Random) -> str:
    return f"{rng.choice((8, 10, 16, 20, 25, 32, 50, 64, 100, 150, 200)) * 1000:,}"


def _filler(rng: random.Random, orgs: list[str], n: int) -> str:
    """n sentences of plausible industry prose with figures and names."""
    out = []
    for _ in range(n):
        a, b = rng.choice(orgs), rng.choice(ORGS["any"])
        w = rng.sample(WORDS, 4)
        form = rng.randrange(12)
        if form == 0:
            out.append(
                f"“We are seeing {w[0]} grow faster than {w[1]},” said {_person(rng)}, "
                f"{rng.choice(ROLES)} at {a}."
            )
        elif form == 1:
            out.append(
                f"Analysts at {rng.choice(('Jefferies', 'Bernstein', 'Morgan Stanley', 'TD Cowen', 'UBS'))} "
                f"estimate that {w[0]} across the sector rose {rng.randint(5, 80)}% last year."
            )
        elif form == 2:
            out.append(f"{a} did not disclose the {w[0]} terms or the {w[1]} involved.")
        elif form == 3:
            out.append(
                f"The company has been adding {w[0]} and {w[1]} in {rng.choice(PLACES)} "
                f"to serve {w[2]} for customers such as {b}."
            )
        elif form == 4:
            out.append(
                f"Shares of {a} were {rng.choice(('up', 'down'))} {rng.randint(1, 9)}.{rng.randint(0, 9)}% "
                f"in early trading."
            )
        elif form == 5:
            out.append(
                f"Industry executives say {w[0]} and {w[1]} remain the main constraints on how fast "
                f"{w[2]} can be brought online."
            )
        elif form == 6:
            out.append(f"A spokesperson for {b} declined to comment on {w[0]}.")
        elif form == 7:
            out.append(
                f"The {w[0]} market could reach ${rng.randint(50, 900)} billion by "
                f"{rng.randint(2027, 2032)}, according to {rng.choice(('IDC', 'Gartner', 'Dell’Oro', 'Synergy Research'))}."
            )
        elif form == 8:
            out.append(
                f"{a} has said it expects {w[0]} to exceed {w[1]} for at least "
                f"{rng.choice(('two', 'three', 'several'))} more quarters."
            )
        elif form == 9:
            out.append(
                f"Regulators in {rng.choice(('Brussels', 'Washington', 'London', 'Tokyo'))} have asked "
                f"questions about {w[0]} and {w[1]} in the sector."
            )
        elif form == 10:
            out.append(
                f"That compares with {rng.randint(2, 40)},{rng.randint(100, 999)} {w[0]} a year earlier, "
                f"when {w[1]} was less of a concern."
            )
        else:
            out.append(
                f"Some customers have moved {w[0]} to {b} to cut {w[1]}, while others are "
                f"negotiating longer {w[2]} with their current suppliers."
            )
    return " ".join(out)


# --------------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------------


@dataclass
class Story:
    """The editorial content of one article (shared by syndicated copies)."""

    kind: str
    title: str
    summary: str
    author: str
    published: datetime
    paragraphs: list[str]  # inner HTML blocks, in order: ("p"|"h2"|"h3"|"quote"|"seealso", html)
    orgs: list[str] = field(default_factory=list)


def _deal(rng: random.Random, kind: str) -> tuple[str, str, list[str], list[str]]:
    """(title, lede sentence, second lede sentence, organizations) of a deal or distractor."""
    day = rng.choice(WEEKDAYS)
    gpu = rng.choice(GPUS)
    vendor = GPU_VENDOR.get(gpu, "Nvidia")
    if kind == "partnership":
        a = rng.choice(ORGS["cloud"])
        b = rng.choice([o for o in ORGS["lab"] + ORGS["cloud"] + ORGS["chip"] if o != a])
        head_money, money = _money(rng)
        head_power, power = _power(rng)
        years = rng.choice((2, 3, 4, 5, 6))
        form = rng.randrange(5)
        if form == 0:
            title = f"{a} signs {head_money} GPU cloud deal with {b}"
            lede = (
                f"{a} has signed a {years}-year agreement worth up to {money} to provide {b} with "
                f"{_gpus(rng)} {vendor} {gpu} GPUs, the companies announced on {day}."
            )
        elif form == 1:
            title = f"{b} to buy {head_money} of compute from {a}"
            lede = (
                f"{b} agreed to buy {money} of cloud computing capacity from {a} over {years} years, "
                f"{a} said on {day}."
            )
        elif form == 2:
            title = f"{a} and {b} strike {head_power} data centre partnership"
            lede = (
                f"{a} and {b} have struck a partnership to deploy {power} of data center capacity "
                f"for AI training, the companies said on {day}."
            )
        elif form == 3:
            title = f"{a} in talks with {b} over {head_money} compute deal"
            lede = (
                f"{a} is in advanced talks with {b} over a {money} deal to supply cloud capacity, "
                f"according to people familiar with the matter, who spoke on {day}."
            )
        else:
            title = f"{a} expands {b} contract by up to {head_money}"
            lede = (
                f"{a} has expanded its compute contract with {b}, adding up to {money} of new "
                f"commitments, the GPU cloud provider announced on {day}."
            )
        second = (
            f"The agreement covers {rng.choice(('training', 'inference', 'training and inference'))} "
            f"workloads and runs through {rng.randint(2027, 2031)}, {a} said."
        )
        return title, lede, [second], [a, b]
    if kind == "capacity":
        a = rng.choice(ORGS["cloud"] + ORGS["dc"] + ORGS["lab"][:12])
        place = rng.choice(PLACES)
        head_power, power = _power(rng)
        if rng.random() < 0.6:
            title = f"{a} to build {head_power} AI campus in {place.split(',')[0]}"
            lede = (
                f"{a} said on {day} it will build a {power} data center campus in {place}, its "
                f"{rng.choice(ORDINALS)} site in the region."
            )
        else:
            gpus = _gpus(rng)
            title = f"{a} brings {gpus}-GPU cluster online in {place.split(',')[0]}"
            lede = f"{a} announced on {day} that a new cluster of {gpus} {gpu} GPUs in {place} is now online."
        second = f"Construction is expected to finish in {rng.randint(2026, 2029)}, the company said."
        return title, lede, [second], [a]
    if kind == "pricing":
        a = rng.choice(ORGS["cloud"])
        pct = rng.choice((5, 8, 10, 12, 15, 20, 25, 30, 33, 40, 45, 50))
        if rng.random() < 0.75:
            title = f"{a} cuts {gpu} cloud prices by {pct}%"
            lede = f"{a} has cut prices for its {gpu} instances by {pct}%, the company said on {day}."
        else:
            title = f"{a} raises GPU rental rates {pct}%"
            lede = (
                f"{a} said on {day} it will raise rates for on-demand {gpu} capacity by {pct}% "
                f"from the start of next month."
            )
        second = "Reserved capacity contracts are not affected, according to the company's pricing page."
        return title, lede, [second], [a]
    a = rng.choice(ORGS["any"])
    if kind == "earnings":
        pct = rng.randint(4, 60)
        quarter = rng.choice(("first", "second", "third", "fourth"))
        title = f"{a} reports {quarter}-quarter results as cloud revenue grows {pct}%"
        lede = f"{a} reported {quarter}-quarter results on {day}, with revenue up {pct}% from a year earlier."
        return title, lede, [_filler(rng, [a], 1)], [a]
    if kind == "opinion":
        topic = rng.choice(
            (
                "The compute bubble is not what you think",
                "Why GPU prices will keep falling",
                "Sovereign clouds are a political project",
                "Power, not chips, is the bottleneck",
            )
        )
        title = f"Opinion: {topic}"
        lede = (
            f"Every week brings another headline about {rng.choice(WORDS)}, and every week "
            f"{a} and its rivals promise more."
        )
        return title, lede, [_filler(rng, [a], 1)], [a]
    if kind == "launch":
        model = f"{rng.choice(MODELS)} {rng.randint(2, 5)}"
        use = rng.choice(USES)
        title = f"{a} launches {model} model for {use}"
        lede = f"{a} on {day} released {model}, a new model aimed at {use} that it says is cheaper to run."
        return title, lede, [_filler(rng, [a], 1)], [a]
    if kind == "people":
        person, role = _person(rng), rng.choice(ROLES)
        title = f"{a} appoints {person} as {role}"
        lede = f"{a} has appointed {person} as {role}, the company said on {day}."
        return title, lede, [_filler(rng, [a], 1)], [a]
    title = f"What the {rng.choice(WORDS)} squeeze means for {a}"
    lede = f"The scramble for {rng.choice(WORDS)} has reshaped the market in which {a} competes."
    return title, lede, [_filler(rng, [a], 1)], [a]


def story(seed: int, index: int) -> Story:
    """The editorial content of article `index`."""
    rng = random.Random(f"{seed}:{index}")
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    title, lede, second, orgs = _deal(rng, kind)
    published = START + timedelta(days=rng.randrange(SPAN_DAYS), minutes=rng.randrange(24 * 60))
    pool = orgs + rng.sample(ORGS["any"], 3)
    blocks: list[tuple[str, str]] = [("p", escape(lede + " " + " ".join(second), quote=False))]
    blocks.append(("p", escape(_filler(rng, pool, rng.randint(2, 4)), quote=False)))
    for number in range(rng.randint(4, 12)):
        roll = rng.random()
        if roll < 0.12:
            blocks.append(
                (
                    rng.choice(("h2", "h3")),
                    escape(f"{rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}", quote=False),
                )
            )
        elif roll < 0.2:
            blocks.append(("seealso", escape(_deal(rng, rng.choice(list(KIND_WEIGHTS)))[0], quote=False)))
        elif roll < 0.25:
            blocks.append(("quote", escape(_filler(rng, pool, 1), quote=False)))
        blocks.append(("p", escape(_filler(rng, pool, rng.randint(3, 6)), quote=False)))
        if number == 1 and rng.random() < 0.6:
            blocks.append(
                (
                    "figure",
                    escape(f"{rng.choice(pool)} {rng.choice(WORDS)} in {rng.choice(PLACES)}", quote=False),
                )
            )
    summary = second[0] if kind in ("partnership", "capacity", "pricing") else lede
    return Story(kind, title, summary, _person(rng), published, [b for b in blocks], orgs)


# --------------------------------------------------------------------------------------------------
# Corpus layout: which page is where, which are copies, which items are cross-listed
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    seed: int
    articles: int
    feeds: int
    dup_share: float

    def feed_of(self, index: int) -> int:
        return index % self.feeds

    def copy_of(self, index: int) -> int | None:
        """The original a syndicated copy reproduces, or None for an original."""
        rng = random.Random(f"{self.seed}:{index}:dup")
        if index < self.feeds or rng.random() >= self.dup_share / 2:
            return None
        original = index - 1 - rng.randrange(min(index, 400))
        while (source := self.copy_of(original)) is not None:
            original = source
        if self.feed_of(original) == self.feed_of(index):
            return None  # a copy lives on another site
        return original

    def cross_listed(self, index: int) -> int | None:
        """A second feed that lists the same URL, or None."""
        rng = random.Random(f"{self.seed}:{index}:cross")
        if self.feeds < 2 or rng.random() >= self.dup_share / 2:
            return None
        return (self.feed_of(index) + 1 + rng.randrange(self.feeds - 1)) % self.feeds

    def slug(self, index: int, title: str) -> str:
        words = "".join(c if c.isalnum() else "-" for c in title.lower()).split("-")
        return "-".join(w for w in words if w)[:70] + f"-{index}"


def feed_slug(number: int) -> str:
    return f"feed-{number:04d}"


# --------------------------------------------------------------------------------------------------
# Site chrome
# --------------------------------------------------------------------------------------------------


def site_name(number: int) -> str:
    rng = random.Random(f"site:{number}")
    first = rng.choice(("Compute", "Cloud", "Data", "Silicon", "Grid", "Rack", "Frontier", "Infra", "Fabric"))
    second = rng.choice(("Ledger", "Wire", "Pulse", "Brief", "Dispatch", "Insider", "Monitor", "Weekly"))
    return f"{first} {second} {number}"


def _css(rng: random.Random, size: int) -> str:
    rules = []
    total = 0
    while total < size:
        sel = f".{rng.choice(WORDS)}-{rng.choice(WORDS)}{rng.choice(('', ' a', ' li', ':hover', ' > div'))}"
        rule = (
            f"{sel}{{margin:{rng.randint(0, 32)}px {rng.randint(0, 32)}px;color:#{rng.randrange(16**6):06x};"
            f"font-size:{rng.randint(11, 28)}px;line-height:{rng.randint(12, 19) / 10}}}\n"
        )
        rules.append(rule)
        total += len(rule)
    return "".join(rules)


def _js_blob(rng: random.Random, size: int) -> str:
    """A JSON state blob like the ones React/Next sites inline."""
    items = []
    total = 0
    while total < size:
        item = json.dumps(
            {
                "id": rng.randrange(10**9),
                "slug": f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{rng.randrange(10**5)}",
                "headline": _deal(rng, rng.choice(list(KIND_WEIGHTS)))[0],
                "section": rng.choice(SECTIONS),
                "tracking": {"zone": rng.choice(WORDS), "pos": rng.randrange(40), "ab": rng.random() < 0.5},
            },
            ensure_ascii=False,
        )
        items.append(item)
        total += len(item) + 1
    return "[" + ",".join(items) + "]"


class Chrome:
    """Pre-rendered chrome pieces of one site (built once per site per worker)."""

    def __init__(self, number: int) -> None:
        rng = random.Random(f"chrome:{number}")
        self.number = number
        self.name = site_name(number)
        self.layout = LAYOUTS[number % len(LAYOUTS)]
        self.css = _css(rng, 30_000)
        self.js = _js_blob(rng, 90_000).replace("</", "<\\/")
        sections = rng.sample(SECTIONS, 10)
        self.menu = "".join(
            f'<li class="menu-item menu-item-{i}"><a href="/{s.lower().replace(" ", "-")}">{escape(s)}</a>'
            + '<ul class="sub-menu">'
            + "".join(
                f'<li><a href="/{s.lower().replace(" ", "-")}/{w}">{w.capitalize()}</a></li>'
                for w in rng.sample(WORDS, 6)
            )
            + "</ul></li>"
            for i, s in enumerate(sections)
        )
        self.footer_cols = "".join(
            f'<div class="footer-col"><h4>{escape(s)}</h4><ul>'
            + "".join(f'<li><a href="/{w}">{w.capitalize()}</a></li>' for w in rng.sample(WORDS, 8))
            + "</ul></div>"
            for s in rng.sample(SECTIONS, 5)
        )
        self.headlines = [_deal(rng, rng.choice(list(KIND_WEIGHTS)))[0] for _ in range(120)]
        self.comment_texts = [_filler(rng, ORGS["any"], rng.randint(1, 3)) for _ in range(60)]


def _related(rng: random.Random, chrome: Chrome, count: int, cls: str) -> str:
    picks = [rng.choice(chrome.headlines) for _ in range(count)]
    return "".join(
        f'<li class="{cls}-item"><a class="{cls}-link" href="/news/{rng.randint(2023, 2025)}/{rng.randint(1, 12):02d}/'
        f'{rng.randrange(10**6)}"><img src="/img/{rng.randrange(10**6)}.jpg" alt="" loading="lazy" width="320" '
        f'height="180"><span class="kicker">{rng.choice(SECTIONS)}</span><h3 class="{cls}-title">{escape(h)}</h3>'
        f'<span class="{cls}-meta">{rng.randint(2, 9)} min read</span></a></li>'
        for h in picks
    )


def _comments(rng: random.Random, chrome: Chrome, count: int) -> str:
    return "".join(
        f'<div class="comment" id="comment-{rng.randrange(10**7)}"><div class="comment-author">'
        f'<img class="avatar" src="/avatars/{rng.randrange(999)}.png" alt="">{escape(_person(rng))}</div>'
        f'<time class="comment-date" datetime="2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}">'
        f'{rng.randint(1, 28)} days ago</time><div class="comment-body"><p>{escape(rng.choice(chrome.comment_texts))}</p>'
        f'</div><div class="comment-actions"><button>Reply</button> <button>Like ({rng.randint(0, 99)})</button>'
        f'<a href="#report">Report</a></div></div>'
        for _ in range(count)
    )


def _body(st: Story, rng: random.Random) -> str:
    """The article's text blocks (identical for every copy of a story)."""
    parts = []
    for kind, html in st.paragraphs:
        if kind == "p":
            parts.append(f"<p>{html}</p>")
        elif kind in ("h2", "h3"):
            parts.append(f"<{kind}>{html}</{kind}>")
        elif kind == "quote":
            parts.append(f"<blockquote><p>{html}</p></blockquote>")
        elif kind == "seealso":
            parts.append(
                f'<p class="related-inline"><strong>See also:</strong> <a href="/news/{zlib.crc32(html.encode()) % 10**6}">'
                f"{html}</a></p>"
            )
        elif kind == "figure":
            parts.append(
                f'<figure class="wp-block-image"><img src="/uploads/{zlib.crc32(html.encode()) % 10**6}.jpg" alt="{html}">'
                f"<figcaption>{html} (Photo: company handout)</figcaption></figure>"
            )
    return "\n".join(parts)


def render_page(st: Story, chrome: Chrome, url_path: str, rng: random.Random, target: int) -> str:
    """One article page of about `target` characters in the site's layout."""
    base = "{{BASE}}"
    url = f"{base}/{url_path}"
    iso = st.published.isoformat().replace("+00:00", "Z")
    title_e = escape(st.title)
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": st.title,
            "datePublished": iso,
            "author": {"@type": "Person", "name": st.author},
            "publisher": {"@type": "Organization", "name": chrome.name},
            "mainEntityOfPage": url,
        },
        ensure_ascii=False,
    ).replace("</", "<\\/")
    head = (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title_e} - {escape(chrome.name)}</title>\n"
        f'<meta name="description" content="{escape(st.summary)}">\n'
        f'<link rel="canonical" href="{url}">\n'
        f'<meta property="og:type" content="article">\n<meta property="og:title" content="{title_e}">\n'
        f'<meta property="og:url" content="{url}">\n<meta property="og:site_name" content="{escape(chrome.name)}">\n'
        f'<meta property="article:published_time" content="{iso}">\n'
        f'<meta name="twitter:card" content="summary_large_image">\n'
        f'<link rel="stylesheet" href="/assets/site.{rng.randrange(16**8):08x}.css">\n'
        f'<script type="application/ld+json">{jsonld}</script>\n'
        f"<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{'section':'{rng.choice(SECTIONS)}',"
        f"'author':'{escape(st.author)}','wordCount':{rng.randint(400, 1800)}}});</script>\n"
    )
    consent = (
        '<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookie consent"><h2>We value '
        "your privacy</h2><p>We and our 212 partners store and access information on your device, such as "
        "cookies, and process personal data for personalised advertising, audience measurement and content "
        "development. You can change your choices at any time in Privacy settings.</p><button>Accept all"
        "</button> <button>Reject all</button> <button>Manage options</button></div>\n"
    )
    topbar = (
        '<div class="top-bar"><a href="/events">Events</a> | <a href="/podcasts">Podcasts</a> | '
        '<a href="/newsletters">Newsletters</a> | <a href="/subscribe">Subscribe</a> | '
        '<a href="/login">Sign in</a></div>\n'
    )
    header = (
        f'<header class="site-header"><a class="logo" href="/">{escape(chrome.name)}</a>'
        f'<nav class="main-navigation" aria-label="Main"><ul class="menu">{chrome.menu}</ul></nav>'
        f'<form class="search-form" action="/search"><input name="q" placeholder="Search"></form></header>\n'
    )
    crumbs = (
        f'<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> › '
        f'<a href="/{rng.choice(SECTIONS).lower()}">{rng.choice(SECTIONS)}</a></nav>\n'
    )
    share = (
        '<div class="share-bar"><span>Share</span> <a href="/share/x">X</a> <a href="/share/li">LinkedIn</a> '
        '<a href="/share/mail">Email</a> <button class="copy-link">Copy link</button></div>'
    )
    newsletter = (
        f'<div class="newsletter-signup"><h3>The {escape(chrome.name)} briefing</h3><p>Deals, capacity and '
        'pricing in your inbox every weekday morning.</p><form><input type="email" placeholder="you@work">'
        "<button>Sign up</button></form></div>"
    )
    tags = (
        '<div class="tags">Tags: '
        + ", ".join(
            f'<a rel="tag" href="/tag/{o.lower().replace(" ", "-")}">{escape(o)}</a>' for o in st.orgs
        )
        + "</div>"
    )
    byline = (
        f'<div class="byline">By <a class="author" rel="author" href="/author/{st.author.split()[-1].lower()}">'
        f'{escape(st.author)}</a> · <time class="published" datetime="{iso}">'
        f"{st.published.strftime('%d %B %Y')}</time> · {rng.randint(3, 9)} min read</div>"
    )
    body = _body(st, rng)
    readmore = (
        f'<p class="read-more">Read more: <a href="/news/{rng.randrange(10**6)}">'
        f"{escape(rng.choice(chrome.headlines))}</a></p>"
    )
    layout = chrome.layout
    if layout == "wordpress":
        article = (
            f'<article class="post type-post status-publish"><header class="entry-header"><h1 class="entry-title">'
            f'{title_e}</h1>{byline}</header>{share}<div class="entry-content">\n{body}\n{readmore}\n'
            f'{newsletter}</div><footer class="entry-footer">{tags}</footer></article>'
        )
        main_open, main_close = (
            '<div id="content" class="site-content"><main id="main" class="site-main">',
            "</main>",
        )
        rail_open = '<aside id="secondary" class="widget-area"><section class="widget widget_most_read"><h2>Most read</h2><ol>'
        rail_close = "</ol></section></aside></div>"
    elif layout == "arc":
        article = (
            f'<article data-testid="article"><div class="ArticleHeader-container"><h1 data-testid="headline">'
            f'{title_e}</h1>{byline}</div>{share}<div class="ArticleBody-articleBody" data-testid="article-body">\n'
            f"{body}\n{readmore}</div>{newsletter}{tags}</article>"
        )
        main_open, main_close = (
            '<main id="main-content" class="PageBuilder-container"><div class="PageBuilder-col-9">',
            "</div>",
        )
        rail_open = (
            '<div class="PageBuilder-col-3" role="complementary"><section class="RecircModule-container">'
            "<h2>More from the newsroom</h2><ul>"
        )
        rail_close = "</ul></section></div></main>"
    elif layout == "ghost":
        article = (
            f'<article class="post-full"><header class="post-full-header"><h1 class="post-full-title">{title_e}'
            f'</h1>{byline}</header><section class="post-full-content"><div class="gh-content">\n{body}\n'
            f"{readmore}</div></section>{tags}{share}</article>{newsletter}"
        )
        main_open, main_close = '<main class="site-main outer"><div class="inner">', "</div>"
        rail_open = '<section class="read-next"><h3>Read next</h3><ul class="read-next-feed">'
        rail_close = "</ul></section></main>"
    else:
        article = (
            f'<div class="story"><h1 class="story-headline">{title_e}</h1>{byline}{share}'
            f'<div class="story-body" itemprop="articleBody">\n{body}\n{readmore}</div>{tags}</div>'
        )
        main_open, main_close = '<div id="page"><div class="column-main">', "</div>"
        rail_open = '<div class="sidebar"><div class="popular"><h2>Popular</h2><ul>'
        rail_close = "</ul></div></div></div>"
    footer = (
        f'<footer class="site-footer"><div class="footer-columns">{chrome.footer_cols}</div>'
        f'<nav class="footer-navigation"><a href="/about">About</a> · <a href="/advertise">Advertise</a> · '
        f'<a href="/privacy">Privacy</a> · <a href="/cookies">Cookies</a> · <a href="/terms">Terms</a></nav>'
        f'<div class="site-info">© {escape(chrome.name)} Ltd {st.published.year}. All rights reserved.</div>'
        f"</footer>\n"
    )
    core_len = (
        len(head) + len(consent) + len(topbar) + len(header) + len(crumbs) + len(article) + len(footer) + 2000
    )
    spare = max(0, target - core_len)
    dom_share = rng.uniform(0.35, 0.6)
    dom_budget = int(spare * dom_share)
    rail_items = max(5, min(60, dom_budget // 2 // 520))
    rail = _related(rng, chrome, rail_items, "rail")
    ad = f'<div class="ad-slot" data-ad-unit="/{rng.randrange(10**8)}/article/mid" style="min-height:250px"></div>'
    left = dom_budget - len(rail)
    comments = ""
    more = ""
    if left > 0:
        count = max(0, left // 2 // 620)
        comments = (
            f'<section id="comments" class="comments-area"><h2 class="comments-title">{count} comments</h2>'
            f"{_comments(rng, chrome, count)}</section>"
            if count
            else ""
        )
        left -= len(comments)
    if left > 0:
        more = (
            f'<section class="more-stories" aria-label="More stories"><h2>More stories</h2><ul>'
            f"{_related(rng, chrome, max(1, left // 520), 'more')}</ul></section>"
        )
    script_budget = max(2000, target - core_len - len(rail) - len(comments) - len(more))
    css_len = min(len(chrome.css), script_budget // 4)
    css_start = rng.randrange(max(1, len(chrome.css) - css_len))
    head += f"<style>{chrome.css[css_start : css_start + css_len]}</style>\n</head>\n"
    js_len = script_budget - css_len
    blob = chrome.js * (1 + js_len // len(chrome.js))
    js_start = rng.randrange(max(1, len(chrome.js)))
    js = (
        f'<script id="__STATE__">window.__STATE__={{"page":"article","related":'
        f'{blob[js_start : js_start + js_len]}"}};</script>\n'
    )
    return (
        f'{head}<body class="article-page layout-{layout}">\n{consent}{topbar}{header}{crumbs}{main_open}\n{article}\n'
        f"{ad}\n{comments}\n{main_close}\n{rail_open}{rail}{rail_close}\n{more}\n{footer}"
        f'<script src="/assets/vendor.{rng.randrange(16**8):08x}.js" defer></script>\n{js}</body>\n</html>\n'
    )


# --------------------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    index: int
    path: str
    title: str
    summary: str
    author: str
    published: datetime


def rss(number: int, items: list[Item]) -> str:
    name = escape(site_name(number))
    entries = "".join(
        f"    <item>\n      <title>{escape(it.title)}</title>\n      <link>{{{{BASE}}}}/{it.path}</link>\n"
        f'      <guid isPermaLink="false">{feed_slug(number)}-{it.index}</guid>\n'
        f"      <pubDate>{format_datetime(it.published)}</pubDate>\n"
        f"      <dc:creator>{escape(it.author)}</dc:creator>\n"
        f"      <description>{escape(it.summary)}</description>\n    </item>\n"
        for it in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n  <channel>\n'
        f"    <title>{name}</title>\n    <link>{{{{BASE}}}}/</link>\n"
        f'    <atom:link href="{{{{BASE}}}}/feeds/{feed_slug(number)}.xml" rel="self" type="application/rss+xml"/>\n'
        f"    <description>News from {name}</description>\n{entries}  </channel>\n</rss>\n"
    )


def atom(number: int, items: list[Item]) -> str:
    name = escape(site_name(number))
    updated = max((it.published for it in items), default=START).isoformat()
    entries = "".join(
        f'  <entry>\n    <title type="text">{escape(it.title)}</title>\n'
        f'    <link rel="alternate" type="text/html" href="{{{{BASE}}}}/{it.path}"/>\n'
        f"    <id>urn:{feed_slug(number)}:{it.index}</id>\n"
        f"    <published>{it.published.isoformat()}</published>\n    <updated>{it.published.isoformat()}</updated>\n"
        f"    <author><name>{escape(it.author)}</name></author>\n"
        f'    <summary type="text">{escape(it.summary)}</summary>\n  </entry>\n'
        for it in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{name}</title>\n"
        f'  <link rel="self" type="application/atom+xml" href="{{{{BASE}}}}/feeds/{feed_slug(number)}.xml"/>\n'
        f'  <link rel="alternate" type="text/html" href="{{{{BASE}}}}/"/>\n'
        f"  <id>urn:{feed_slug(number)}</id>\n  <updated>{updated}</updated>\n{entries}</feed>\n"
    )


# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------


def _chunk(plan: Plan, out: Path, start: int, stop: int) -> tuple[list[Item], dict[str, int]]:
    chromes: dict[int, Chrome] = {}
    items: list[Item] = []
    stats = {"bytes": 0, "copies": 0}
    for index in range(start, stop):
        original = plan.copy_of(index)
        st = story(plan.seed, index if original is None else original)
        number = plan.feed_of(index)
        chrome = chromes.get(number) or chromes.setdefault(number, Chrome(number))
        path = f"pages/{feed_slug(number)}/{plan.slug(index, st.title)}.html"
        rng = random.Random(f"{plan.seed}:{index}:page")
        target = int(rng.triangular(20_000, 150_000, 45_000))
        html = render_page(st, chrome, path, rng, target)
        data = html.encode("utf-8")
        (out / path).write_bytes(data)
        stats["bytes"] += len(data)
        stats["copies"] += original is not None
        published = st.published + (
            timedelta(hours=rng.randint(2, 30)) if original is not None else timedelta()
        )
        items.append(Item(index, path, st.title, st.summary, st.author, published))
    return items, stats


def generate(
    out: Path, articles: int, feeds: int, seed: int = 7, dup_share: float = 0.1, workers: int | None = None
) -> dict[str, object]:
    """Write the corpus into `out` (replacing it); returns counts."""
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    plan = Plan(seed, articles, feeds, dup_share)
    (out / "feeds").mkdir(parents=True)
    for number in range(feeds):
        (out / "pages" / feed_slug(number)).mkdir(parents=True)
    workers = workers or os.cpu_count() or 1
    size = max(50, math.ceil(articles / (workers * 8)))
    ranges = [(i, min(i + size, articles)) for i in range(0, articles, size)]
    items: list[Item] = []
    total_bytes = copies = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk_items, stats in pool.map(
            _chunk, *zip(*[(plan, out, a, b) for a, b in ranges], strict=True)
        ):
            items += chunk_items
            total_bytes += stats["bytes"]
            copies += stats["copies"]
    per_feed: list[list[Item]] = [[] for _ in range(feeds)]
    cross = 0
    for it in items:
        per_feed[plan.feed_of(it.index)].append(it)
        other = plan.cross_listed(it.index)
        if other is not None:
            per_feed[other].append(it)
            cross += 1
    sources = [
        "# Synthetic corpus (benchmarks/synthetic_corpus.py). {{BASE}} is the server's base URL.",
        "sources:",
    ]
    for number, feed_items in enumerate(per_feed):
        feed_items.sort(key=lambda it: it.published, reverse=True)
        text = (rss if number % 2 == 0 else atom)(number, feed_items)
        (out / "feeds" / f"{feed_slug(number)}.xml").write_text(text, encoding="utf-8")
        sources += [
            f"  - name: {feed_slug(number)}",
            "    kind: feed",
            f'    url: "{{{{BASE}}}}/feeds/{feed_slug(number)}.xml"',
        ]
    (out / "sources.yaml").write_text("\n".join(sources) + "\n", encoding="utf-8")
    manifest = {
        "seed": seed,
        "articles": articles,
        "feeds": feeds,
        "dup_share": dup_share,
        "feed_items": articles + cross,
        "syndicated_copies": copies,
        "cross_listed": cross,
        "page_bytes": total_bytes,
        "mean_page_kb": round(total_bytes / max(1, articles) / 1024, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (out / "urls.txt").write_text("\n".join(sorted(it.path for it in items)) + "\n", encoding="utf-8")
    return manifest


def default_folder(articles: int, feeds: int, seed: int, dup_share: float) -> Path:
    return (
        Path(os.environ.get("TMPDIR", "/tmp")) / f"cloudintel-synth-{articles}x{feeds}-s{seed}-d{dup_share:g}"
    )


def ensure_corpus(
    articles: int, feeds: int, seed: int = 7, dup_share: float = 0.1, out: Path | None = None
) -> tuple[Path, dict[str, object]]:
    """The corpus folder for these parameters, generated unless a complete one is already there."""
    out = out or default_folder(articles, feeds, seed, dup_share)
    manifest = out / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if (data.get("articles"), data.get("feeds"), data.get("seed"), data.get("dup_share")) == (
            articles,
            feeds,
            seed,
            dup_share,
        ):
            return out, data
    return out, generate(out, articles, feeds, seed, dup_share)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="distinct article pages (default 10000)")
    parser.add_argument("--feeds", type=int, default=200, help="feeds, one site each (default 200)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--dup-share",
        type=float,
        default=0.1,
        help="share of feed items that are duplicates (half cross-listed, half syndicated)",
    )
    parser.add_argument("--out", type=Path, help="folder (default /tmp/cloudintel-synth-...)")
    parser.add_argument("--workers", type=int, help="generator processes (default: cores)")
    args = parser.parse_args(argv)
    out = args.out or default_folder(args.articles, args.feeds, args.seed, args.dup_share)
    manifest = generate(out, args.articles, args.feeds, args.seed, args.dup_share, args.workers)
    print(out)
    print(json.dumps(manifest, indent=2))
    return 0


def iter_urls(folder: Path, base_url: str) -> Iterator[str]:
    """Every article URL of a generated corpus, served at `base_url`."""
    for line in (folder / "urls.txt").read_text(encoding="utf-8").splitlines():
        if line:
            yield f"{base_url}/{line}"


if __name__ == "__main__":
    sys.exit(main())
