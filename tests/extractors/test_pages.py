"""Tests for extractors.pages: the 27 corpus pages against hand-written expectations, plus synthetic HTML."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.pages import Article, extract_links, parse_article, parse_date

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "cloudintel" / "corpus" / "pages"
FIXTURE = ROOT / "tests" / "fixtures" / "corpus_pages.jsonl"
BASE = "http://127.0.0.1:8765"  # what the corpus server substitutes for {{BASE}}

EXPECTED = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_fixture_covers_every_corpus_page() -> None:
    assert sorted(row["page"] for row in EXPECTED) == sorted(path.stem for path in PAGES.glob("*.html"))


@pytest.fixture(scope="module")
def parsed() -> dict[str, Article]:
    out = {}
    for row in EXPECTED:
        html = (PAGES / f"{row['page']}.html").read_text(encoding="utf-8").replace("{{BASE}}", BASE)
        out[row["page"]] = parse_article(html, f"{BASE}/pages/{row['page']}.html")
    return out


@pytest.mark.parametrize("row", EXPECTED, ids=[row["page"] for row in EXPECTED])
def test_corpus_page(row: dict, parsed: dict[str, Article]) -> None:
    article = parsed[row["page"]]
    leaked = [chrome for chrome in row["chrome"] if chrome in article.text]
    assert leaked == [], f"chrome in text: {leaked}"
    missing = [body for body in row["body"] if body not in article.text]
    assert missing == [], f"body text lost: {missing}"
    assert article.published == datetime.fromisoformat(row["published"])
    assert article.published is not None and article.published.utcoffset() is not None
    assert article.published.tzinfo == UTC
    assert article.published_from in ("json-ld", "meta", "time")  # every corpus page has metadata
    assert article.title == row["title"]
    assert article.canonical_url == f"{BASE}/pages/{row['page']}.html"
    assert article.author


def test_corpus_page_bytes_with_placeholder() -> None:
    """As stored on disk: bytes, literal {{BASE}} (kept as part of the URL)."""
    article = parse_article(
        (PAGES / "xai-colossus-memphis.html").read_bytes(), "http://h/pages/xai-colossus-memphis.html"
    )
    assert article.canonical_url is not None
    assert article.canonical_url.endswith("/pages/xai-colossus-memphis.html")
    assert article.published == datetime(2024, 9, 3, 11, 20, tzinfo=UTC)
    assert article.text.startswith("Elon Musk's artificial intelligence company xAI")


# --- synthetic pages --------------------------------------------------------------------------------

PARA = "<p>Acme Cloud signed a multi-year agreement with Example Labs to supply GPU capacity, the companies said.</p>"


def page(head: str = "", body: str = PARA) -> str:
    return (
        f"<!doctype html><html><head>{head}</head><body><main><article>{body}</article></main></body></html>"
    )


def test_jsonld_graph_article_date() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "datePublished": "2020-01-01T00:00:00Z"},
            {
                "@type": ["NewsArticle"],
                "headline": "Acme signs deal",
                "datePublished": "2025-03-04T10:30:00+02:00",
                "author": [{"@type": "Person", "name": "Jo Writer"}],
            },
        ],
    }
    html = page(f'<script type="application/ld+json">{json.dumps(graph)}</script>')
    article = parse_article(html, "https://example.com/a")
    assert article.published == datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert article.published_from == "json-ld"
    assert article.title == "Acme signs deal"
    assert article.author == "Jo Writer"


def test_malformed_jsonld_is_skipped() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
        '<meta property="article:published_time" content="2025-05-06T07:08:09Z">'
    )
    article = parse_article(page(head), "https://example.com/a")
    assert article.published == datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert article.published_from == "meta"
    assert "Acme Cloud signed" in article.text


def test_jsonld_with_bad_date_falls_back() -> None:
    head = '<script type="application/ld+json">{"@type": "BlogPosting", "datePublished": "last Tuesday"}</script>'
    body = PARA + '<time datetime="2025-02-03T04:05:06-05:00">Feb 3</time>'
    article = parse_article(page(head, body), "https://example.com/a")
    assert article.published == datetime(2025, 2, 3, 9, 5, 6, tzinfo=UTC)
    assert article.published_from == "time"


def test_meta_fallback_parsely() -> None:
    article = parse_article(
        page('<meta name="parsely-pub-date" content="2024-09-03T11:20:00Z">'), "https://e.com/a"
    )
    assert article.published == datetime(2024, 9, 3, 11, 20, tzinfo=UTC)
    assert article.published_from == "meta"


def test_time_fallback_prefers_published_and_skips_rails_and_updates() -> None:
    html = f"""<html><body>
      <header class="site-header"><time datetime="2022-02-02">Today</time></header>
      <aside class="sidebar"><article class="teaser"><time datetime="2023-01-01">Jan 1</time></article></aside>
      <article>
        <span class="updated"><time datetime="2025-07-31T06:40:00+00:00">Updated</time></span>
        <time datetime="2025-07-30">30 July</time>
        <time class="entry-date published" datetime="2025-07-30T22:30:00+01:00">30 July</time>
        {PARA}
      </article></body></html>"""
    article = parse_article(html, "https://e.com/a")
    assert article.published == datetime(2025, 7, 30, 21, 30, tzinfo=UTC)
    assert article.published_from == "time"


def test_date_only_time_is_midnight_utc() -> None:
    article = parse_article(page(body=PARA + '<time datetime="2025-07-23">23 Jul</time>'), "https://e.com/a")
    assert article.published == datetime(2025, 7, 23, tzinfo=UTC)
    assert article.published_from == "time"


def test_no_date() -> None:
    article = parse_article(page(), "https://e.com/a")
    assert article.published is None
    assert article.published_from is None


def test_modified_only_dates_are_ignored() -> None:
    head = (
        '<meta property="article:modified_time" content="2025-01-02T00:00:00Z">'
        '<meta property="og:updated_time" content="2025-01-02T00:00:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "dateModified": "2025-01-02"}</script>'
    )
    body = PARA + '<time class="updated" datetime="2025-01-02T00:00:00Z">Jan 2</time>'
    article = parse_article(page(head, body), "https://e.com/a")
    assert article.published is None
    assert article.published_from is None


def test_byline_date_from_htmldate_when_no_metadata() -> None:
    body = '<p class="byline">By Jo Writer, published March 4, 2025</p>' + PARA
    article = parse_article(page(body=body), "https://e.com/news/acme-deal")
    assert article.published == datetime(2025, 3, 4, tzinfo=UTC)
    assert article.published_from == "htmldate"


def test_url_date_from_htmldate_when_no_metadata() -> None:
    article = parse_article(page(), "https://e.com/2025/03/04/acme-deal.html")
    assert article.published == datetime(2025, 3, 4, tzinfo=UTC)
    assert article.published_from == "htmldate"


def test_metadata_date_wins_over_byline_and_url() -> None:
    head = '<meta property="article:published_time" content="2025-05-06T07:08:09Z">'
    body = '<p class="byline">By Jo Writer, March 4, 2025</p>' + PARA
    article = parse_article(page(head, body), "https://e.com/2024/01/02/acme-deal.html")
    assert article.published == datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert article.published_from == "meta"


def test_updated_byline_is_not_a_publication_date() -> None:
    body = PARA + '<p class="last-updated">Updated January 2, 2025</p>'
    article = parse_article(page(body=body), "https://e.com/news/acme-deal")
    assert article.published is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-21T21:15:00.000Z", datetime(2025, 1, 21, 21, 15, tzinfo=UTC)),
        ("2025-06-11T05:00:00-04:00", datetime(2025, 6, 11, 9, 0, tzinfo=UTC)),
        ("2024-09-03T12:20:00+0100", datetime(2024, 9, 3, 11, 20, tzinfo=UTC)),
        ("2025-07-23", datetime(2025, 7, 23, tzinfo=UTC)),
        ("2025-07-23T10:00:00", datetime(2025, 7, 23, 10, tzinfo=UTC)),
        ("Tue, 03 Sep 2024 12:20:00 +0100", datetime(2024, 9, 3, 11, 20, tzinfo=UTC)),
        ("2025-13-45T99:99:99Z", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "line",
    [
        '<p>See also <a href="/x">Kubernetes 1.31 lands with deprecations</a></p>',
        '<p><strong>See also:</strong> <a href="/x">Kubernetes 1.31 lands with deprecations</a></p>',
        '<p>Read more: <a href="/x">Kubernetes 1.31 lands with deprecations</a></p>',
        '<p>Related: <a href="/x">Kubernetes 1.31 lands with deprecations</a></p>',
        '<p>More: <a href="/x">Kubernetes 1.31 lands with deprecations</a></p>',
        '<div class="callout"><div>See also: <a href="/x">Kubernetes 1.31 lands with deprecations</a></div></div>',
    ],
)
def test_see_also_line_removed(line: str) -> None:
    body = (
        PARA
        + line
        + "<p>Analysts said the contract would see also smaller clouds bid for work, see also below.</p>"
    )
    article = parse_article(page(body=body), "https://e.com/a")
    assert "Kubernetes" not in article.text
    assert "Acme Cloud signed" in article.text
    assert "would see also smaller clouds" in article.text  # "see also" mid-sentence is body text


def test_unseen_site_chrome_removed() -> None:
    """Chrome under class names that appear nowhere in the corpus."""
    html = f"""<!doctype html><html><body class="layout has-sidebar">
      <div class="c-consent-popup"><p>We care about your privacy and use cookies to measure audiences.</p></div>
      <div id="topNavigation"><ul><li><a href="/a">World</a></li><li><a href="/b">Business</a></li></ul></div>
      <div class="page-wrap">
        <div class="story__text">
          <h1>Acme signs deal</h1>
          {PARA}
          <div class="inline-promo-box"><p>Get unlimited access for $1 a week. Cancel anytime.</p></div>
          <p>The agreement covers capacity in three regions and runs for several years, Acme said.</p>
          <div class="js-social-share"><a href="/s">Facebook</a> <a href="/t">X</a></div>
          <section class="RelatedLinks"><h3>More on this</h3><ul>
            <li><a href="/r1">Rival cloud cuts GPU prices by half in surprise move</a></li></ul></section>
          <div class="newsletter-signup"><p>The Morning Wire, weekdays at 7am. Enter your email to join.</p></div>
          <div class="author-info"><p>Jo Writer has covered enterprise technology for a decade.</p></div>
        </div>
      </div>
      <div role="complementary"><p>Most popular: Rival cloud pricing war heats up across Europe this week.</p></div>
      <div id="site-footer"><p>Copyright 2025 Example Media Group. All rights reserved worldwide.</p></div>
    </body></html>"""
    text = parse_article(html, "https://e.com/a").text
    assert text == (
        "Acme Cloud signed a multi-year agreement with Example Labs to supply GPU capacity, the companies said."
        "\n\nThe agreement covers capacity in three regions and runs for several years, Acme said."
    )


def test_text_keeps_subheadings_and_list_items() -> None:
    body = (
        PARA
        + "<h2>What changes</h2><ul><li>Capacity: more GPUs in Europe.</li><li>Cost: lower prices.</li></ul>"
    )
    assert parse_article(page(body=body), "https://e.com/a").text.split("\n\n") == [
        "Acme Cloud signed a multi-year agreement with Example Labs to supply GPU capacity, the companies said.",
        "What changes",
        "Capacity: more GPUs in Europe.",
        "Cost: lower prices.",
    ]


def test_title_site_suffix_and_canonical() -> None:
    head = (
        "<title>Acme signs GPU deal with Example Labs - Example Times</title>"
        '<meta property="og:site_name" content="Example Times">'
        '<link rel="canonical" href="/news/acme-deal">'
    )
    article = parse_article(page(head), "https://example.com/news/acme-deal?utm=x")
    assert article.title == "Acme signs GPU deal with Example Labs"
    assert article.canonical_url == "https://example.com/news/acme-deal"


def test_site_name_from_meta_else_from_the_title_tags_suffix() -> None:
    declared = parse_article(
        page('<meta property="og:site_name" content="The Tessel Blog">'), "https://e.com/a"
    )
    assert declared.site == "The Tessel Blog"
    head = "<title>Our Accra region is open - Volta Cloud Blog</title>"
    body = (
        "<h1>Our Accra region is open</h1><p>Today we opened our third region, in Accra, with 1,500 GPUs.</p>"
    )
    assert parse_article(page(head, body), "https://e.com/b").site == "Volta Cloud Blog"
    assert parse_article(page("<title>Our Accra region is open</title>"), "https://e.com/c").site is None


def test_og_url_when_no_canonical() -> None:
    head = '<meta property="og:url" content="https://example.com/b">'
    assert parse_article(page(head), "https://example.com/b?x=1").canonical_url == "https://example.com/b"


def test_bytes_windows_1252_charset() -> None:
    html = page(
        '<meta charset="windows-1252">',
        "<p>Caf\xe9 Cloud\u2019s \u201cGPU\u201d deal \u2013 worth \u20ac5m \u2013 closed this week in M\xfcnchen.</p>",
    ).encode("cp1252")
    article = parse_article(html, "https://e.com/a")
    assert article.text == "Café Cloud’s “GPU” deal – worth €5m – closed this week in München."


def test_bytes_undeclared_charset_fallbacks() -> None:
    utf8 = page(body="<p>Zürich-based Alpstack trims prices for GPU instances by seven percent.</p>").encode()
    assert "Zürich-based" in parse_article(utf8, "https://e.com/a").text
    latin = page(body="<p>Zürich-based Alpstack trims prices for GPU instances by seven percent.</p>").encode(
        "cp1252"
    )
    assert "Zürich-based" in parse_article(latin, "https://e.com/a").text


@pytest.mark.parametrize(
    "data",
    [
        b"",
        "",
        random.Random(7).randbytes(20_000),
        b"\x00\x01\x02\x03" * 1000,
        "Just a plain sentence of text, not an HTML document at all.",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj",
        '<?xml version="1.0"?><rss><channel><item><title>x</title></item></channel></rss>',
    ],
    ids=["empty-bytes", "empty-str", "random-bytes", "control-bytes", "plain-text", "pdf", "rss"],
)
def test_bad_input_gives_empty_text(data: str | bytes) -> None:
    article = parse_article(data, "https://e.com/a")
    assert isinstance(article, Article)
    assert article.text == ""


def test_huge_page_is_capped_but_article_survives() -> None:
    bundle = "<script>" + "var x = 1;" * 400_000 + "</script>"  # ~4 MB of inline script
    article = parse_article(page(body=bundle + PARA), "https://e.com/a")
    assert "Acme Cloud signed" in article.text


def test_deeply_nested_markup_does_not_raise() -> None:
    html = "<div>" * 5000 + PARA + "</div>" * 5000
    assert "Acme Cloud signed" in parse_article(html, "https://e.com/a").text


# --- extract_links ----------------------------------------------------------------------------------

LISTING = """<html><body>
  <nav><a href="/about">About</a></nav>
  <ul class="newsroom">
    <li><a href="/press/2025/one.html#top">One</a></li>
    <li><a href="two.html">Two</a> <a href="/press/2025/one.html">One again</a></li>
    <li><a href="https://other.example.org/three">Three</a></li>
    <li><a href="mailto:press@example.com">Mail</a> <a href="javascript:void(0)">JS</a> <a>No href</a></li>
  </ul>
</body></html>"""


def test_extract_links_container_selector_relative_urls() -> None:
    assert extract_links(LISTING, "https://example.com/press/2025/index.html", "ul.newsroom") == [
        "https://example.com/press/2025/one.html",
        "https://example.com/press/2025/two.html",
        "https://other.example.org/three",
    ]


def test_extract_links_anchor_selector_and_base_href() -> None:
    html = '<html><head><base href="https://cdn.example.com/news/"></head><body>' + LISTING + "</body></html>"
    # "/press/2025/one.html#top" does not end in .html, so the later plain link gives "one" its place
    assert extract_links(html.encode(), "https://example.com/", "li > a[href$='.html']") == [
        "https://cdn.example.com/news/two.html",
        "https://cdn.example.com/press/2025/one.html",
    ]


def test_extract_links_bad_input_and_bad_selector() -> None:
    assert extract_links(b"\x00\xff" * 100, "https://e.com/", "a") == []
    with pytest.raises(ValueError):
        extract_links(LISTING, "https://e.com/", "ul[[")


# --- property test ----------------------------------------------------------------------------------

_TAGS = ["p", "div", "article", "script", "time", "a", "meta", "li", "aside", "h1", "title", "br"]
_html_like = st.lists(
    st.one_of(
        st.sampled_from([f"<{t}>" for t in _TAGS] + [f"</{t}>" for t in _TAGS]),
        st.sampled_from(
            ['<time datetime="2025-02-30">', '<meta property="article:published_time" content="x">']
        ),
        st.sampled_from(
            ['<script type="application/ld+json">{"@graph": [', "<!--", "<![CDATA[", "&amp;", "&#0;"]
        ),
        st.text(max_size=40),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(), st.binary(), _html_like, _html_like.map(lambda s: s.encode("utf-8", "surrogatepass"))
    )
)
def test_parse_article_never_raises(data: str | bytes) -> None:
    article = parse_article(data, "https://example.com/a")
    assert isinstance(article.text, str)
    assert article.published is None or article.published.tzinfo == UTC


def test_short_article_before_a_longer_rail_of_teasers() -> None:
    """A two-paragraph story after its <h1>, then a longer rail of opinion teasers: the text is the story
    (trafilatura's readability fallback took the rail), without the byline/date row above it."""
    columns = [
        "WHY is it that ideas and philosophies that are patently absurd capture people's imagination so fast?",
        "THE good thing about flat-pack furniture is that it is cheap. The bad thing is the whole assembly.",
        "IT was said that the former leader moved to the left after losing office, but he never changed.",
        "IT is nice to think this country is a player on the world stage but, really, we are not at all.",
        "THE trouble with long weekends is that they always end on a Monday, and Mondays are the worst.",
        "EVERY winter the same argument about daylight saving returns, and every winter nobody changes a thing.",
        "SCHOOL holidays are a test of patience for parents who work, and a test of budgets for everyone else.",
        "THE city's trams are older than most of their passengers, and it shows on every single cold morning.",
    ]
    teasers = "".join(
        f"""<div class="story-block"><h4 class="heading"><a href="/opinion/{i}">Column {i}</a></h4>
        <p class="standfirst">WRITER {i} {line}</p></div>"""
        for i, line in enumerate(columns)
    )
    html = f"""<!doctype html><html><head><title>Acme signs solar deal for data centre | The Daily</title></head>
    <body><div id="page"><div id="story"><div class="story-header">
        <h1 class="heading">Acme signs solar deal for data centre</h1>
        <ul><li>by: <cite>Jo Writer</cite></li><li>From: The Daily</li><li>November 27, 2024</li></ul></div>
      <div class="story-body"><p><strong>Acme has signed a 10-year power purchase agreement with Sunco for 150
        megawatts of solar capacity to supply its data centre near Santiago, the companies said.</strong></p>
        <p>The project is due online in 2026. Terms were not disclosed.</p></div></div>
      <div class="group"><h2 class="heading">Other columns</h2><div class="group-content">{teasers}</div></div>
    </div></body></html>"""
    text = parse_article(html, "https://e.com/a").text
    assert text == (
        "Acme has signed a 10-year power purchase agreement with Sunco for 150 megawatts of solar capacity to"
        " supply its data centre near Santiago, the companies said."
        "\n\nThe project is due online in 2026. Terms were not disclosed."
    )
