"""Article-page extraction: headline, main text, canonical URL, publication date and author.

Pure functions (no network, no database). The page is parsed once with lxml; headline, canonical URL,
author and date come from its metadata (JSON-LD, ``<meta>``, ``<time>``), with htmldate as the date
fallback for pages whose date is only in a byline or the URL. The main text is trafilatura's
(``favor_precision``), on the same tree, after dropping containers whose class/id/role mark them as
in-body chrome (subscribe cards, calls to action, promos, related-links boxes), then blocks that start
"See also"/"Read more" or a call to action. When that text does not open with the title's words (a
short story in heavy chrome, where trafilatura's readability fallback takes a longer rail of teasers)
and trafilatura's own extraction without the fallback does, the latter is kept (checked only when
the text's first 3,000 characters name fewer than half of the title's words).
The choice was measured on 130 real pages and the 27 sample-corpus pages: see
``docs/main-text-extraction.md`` and ``benchmarks/main_text_real_pages.py``. Every rule keys on
general signals (semantic tags, ARIA roles, class/id tokens, link density, "See also"-style prefixes),
never on one site's markup.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from itertools import pairwise
from typing import Any
from urllib.parse import urldefrag, urljoin

import htmldate
import lxml.html
import trafilatura
from bs4 import BeautifulSoup, Tag
from lxml import etree

from extractors.urls import url_problem

__all__ = ["Article", "extract_links", "parse_article", "parse_date"]


@dataclass(frozen=True)
class Article:
    """What :func:`parse_article` extracts from one article page."""

    title: str | None  # the article headline, without a " - Site Name" suffix
    text: str  # main text only: paragraphs, list items and subheadings joined by "\n\n"
    canonical_url: str | None  # <link rel=canonical> or og:url, resolved against the page URL
    published: datetime | None  # tz-aware, in UTC
    published_from: str | None  # "json-ld", "meta", "time" or "htmldate": which signal gave the date
    author: str | None
    site: str | None = None  # og:site_name, application-name or JSON-LD publisher: "Baobab Cloud Blog"


EMPTY_TEXT = ""
MAX_HTML_CHARS = 3_000_000  # longer documents are truncated (after scripts/styles are stripped)
_SNIFF_BYTES = 4096

# --------------------------------------------------------------------------------------------------
# Decoding and input sanity
# --------------------------------------------------------------------------------------------------

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
# Per the WHATWG encoding standard these labels mean windows-1252.
_WIN1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LOOKS_HTML_RE = re.compile(
    r"<\s*(?:!doctype|html|head|body|meta|title|article|main|section|div|p|span|a|h[1-6]|ul|ol|li|table)\b",
    re.I,
)
_XML_DECL_RE = re.compile(r"^(?:[\s\ufeff]*<\?xml[^>]*>)+", re.I)
_FEED_ROOT_RE = re.compile(r"[\s\ufeff]*<(?:rss|feed|rdf:rdf)[\s>]", re.I)
# Non-JSON-LD scripts and styles carry no text; strip them before the size cap so huge inline
# bundles do not push the article out of the kept prefix.
# A <script> or <style> start tag: its attributes stop at the next "<" too, so a failed match costs at
# most the distance to the next candidate and the scan stays linear (see _strip_scripts).
_SCRIPT_STYLE_OPEN_RE = re.compile(r"<(script|style)\b([^<>]{0,4000})>", re.I)


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in _WIN1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode(data: bytes) -> str:
    """Decode HTML bytes: BOM, then a declared charset, then UTF-8, then windows-1252."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    head = data[:_SNIFF_BYTES]
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    declared = _codec(match.group(1).decode("ascii", "ignore")) if match else None
    if declared and not declared.startswith("utf-16"):  # a UTF-16 label in ASCII-compatible bytes is wrong
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _looks_binary(text: str) -> bool:
    """True when the sample is dominated by control or replacement characters."""
    sample = text[:65536]
    if not sample:
        return True
    bad = len(_CONTROL_RE.findall(sample)) + sample.count("\ufffd")
    return bad > 8 and bad / len(sample) > 0.05


def _prepare(html: str | bytes) -> str | None:
    """Return cleaned HTML ready for parsing, or None when the input is not HTML."""
    if isinstance(html, bytes | bytearray):
        text = _decode(bytes(html[: MAX_HTML_CHARS * 4]))
    elif isinstance(html, str):
        text = html[: MAX_HTML_CHARS * 4]
    else:
        return None
    if _looks_binary(text):
        return None
    text = _CONTROL_RE.sub(" ", text)
    if not _LOOKS_HTML_RE.search(text[:200_000]):
        return None
    text = _strip_scripts(text)
    # An XML declaration means nothing once decoded (and makes bs4 warn about XML parsed as HTML).
    text = _XML_DECL_RE.sub("", text, count=1)
    if _FEED_ROOT_RE.match(text):  # an RSS/Atom/RDF feed is not an article page
        return None
    return text[:MAX_HTML_CHARS]


def _strip_scripts(text: str) -> str:
    """Drop <script> (but JSON-LD) and <style> elements, as a browser reads them: the body runs to the
    first matching end tag, or to the end of the document. Linear: each search starts where the last
    stopped (a backtracking pattern took 15 s on 128 KB of unclosed tags)."""
    lower = text.lower()
    kept: list[str] = []
    position = 0
    while match := _SCRIPT_STYLE_OPEN_RE.search(text, position):
        tag = match.group(1).lower()
        close = lower.find(f"</{tag}", match.end())
        end = len(text) if close < 0 else (lower.find(">", close) + 1 or len(text))
        kept.append(text[position : match.start()])
        if tag == "script" and "ld+json" in match.group(2).lower():
            kept.append(text[match.start() : end])
        else:
            kept.append(" ")
        position = end
    kept.append(text[position:])
    return "".join(kept)


def _soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "lxml")  # extract_links only: CSS selectors as soupsieve reads them


def _tree(text: str) -> Any:
    """The page as an lxml document (comments and processing instructions dropped).

    libxml2 drops whatever lies deeper than 256 levels; such a page is parsed again with its nesting
    capped at ``_MAX_DEPTH`` (deeper elements give their text to the element at the cap), as a browser's
    reader view would still show that text."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
    tree = lxml.html.document_fromstring(text, parser=parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        capped = etree.HTMLParser(target=_DepthCap(_MAX_DEPTH), remove_comments=True, remove_pis=True)
        tree = etree.fromstring(text, capped)
    return tree


_MAX_DEPTH = 128


class _DepthCap:
    """An lxml parser target building an HTML tree no deeper than ``limit`` elements."""

    def __init__(self, limit: int) -> None:
        self.builder = etree.TreeBuilder(parser=lxml.html.HTMLParser())  # lxml.html element classes
        self.depth = 0
        self.limit = limit

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth <= self.limit:
            self.builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        if self.depth <= self.limit:
            self.builder.end(tag)
        self.depth -= 1

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> Any:
        return self.builder.close()


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _attr(el: Any, name: str) -> str:
    value = el.get(name) if isinstance(el.tag, str) else None
    return value or ""


def _text(el: Any) -> str:
    return _norm(" ".join(el.itertext()))


def _ancestors(el: Any) -> Iterator[Any]:
    return el.iterancestors()


def _http_url(base: str, href: str) -> str | None:
    href = href.strip()
    if not href:
        return None
    try:
        resolved = urljoin(base, href)
    except ValueError:
        return None
    return resolved if url_problem(resolved) is None else None


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------

_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_MIN_YEAR, _MAX_YEAR = 1970, 2100


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO-8601 or RFC 2822 date into an aware UTC datetime; None when it is not a date.

    A date-only value becomes midnight UTC; a date-time without an offset is taken as UTC.
    """
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None
    result: datetime | None = None
    match = _ISO_RE.match(value)
    try:
        if match:
            year, month, day, hour, minute, second, frac, offset = match.groups()
            micro = int((frac or "0")[:6].ljust(6, "0"))
            tz = UTC
            if offset and offset not in ("Z", "z"):
                sign = -1 if offset[0] == "-" else 1
                digits = offset[1:].replace(":", "")
                hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
                if hours > 18 or minutes > 59:
                    return None
                tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
            result = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro, tz
            )
        elif re.search(r"[A-Za-z]{3},?\s+\d|\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", value):
            result = parsedate_to_datetime(value)
            if result.tzinfo is None:
                result = result.replace(tzinfo=UTC)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    if result is None or not _MIN_YEAR <= result.year <= _MAX_YEAR:
        return None
    return result.astimezone(UTC)


# Meta keys (name/property/itemprop, lower-cased) that give a publication date, best first.
# Modification dates (article:modified_time, og:updated_time, dateModified, ...) are deliberately absent.
_PUB_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "parsely-pub-date",
    "sailthru.date",
    "datepublished",
    "article.published",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "publication_date",
    "pubdate",
    "citation_publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "date",
)

_ARTICLE_TYPE_RE = re.compile(r"(?:article|blogposting)$", re.I)


def _jsonld_objects(tree: Any) -> list[dict[str, Any]]:
    """All JSON objects in parseable JSON-LD scripts (top-level and @graph first, then nested)."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in _attr(script, "type").lower():
            continue
        raw = script.text or ""
        try:
            data = json.loads(raw.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
        except (ValueError, RecursionError):
            continue  # malformed JSON-LD is skipped
        queue: deque[Any] = deque([data])
        seen = 0
        while queue and seen < 2000:
            item = queue.popleft()
            seen += 1
            if isinstance(item, list):
                queue.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                for key, value in item.items():
                    if key == "@graph" or isinstance(value, dict | list):
                        queue.append(value)
    return found


def _is_article(obj: dict[str, Any]) -> bool:
    types = obj.get("@type")
    names = types if isinstance(types, list) else [types]
    for name in names:
        if isinstance(name, str) and _ARTICLE_TYPE_RE.search(re.split(r"[/:#]", name)[-1]):
            return True
    return False


def _first_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                return item
    return None


def _meta_map(tree: Any) -> dict[str, list[str]]:
    metas: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for key_attr in ("property", "name", "itemprop"):
            key = _attr(meta, key_attr).strip().lower()
            if key:
                metas.setdefault(key, []).append(content.strip())
    return metas


_UPDATED_RE = re.compile(r"updat|modif|lastmod|revis|edited", re.I)
_PUBLISHED_RE = re.compile(r"publish|pubdate|posted", re.I)


def _time_candidates(tree: Any) -> Iterator[tuple[int, Any]]:
    """<time datetime> elements outside rails/navigation, ranked: 0 = marked published, 1 = unmarked."""
    page_chars = _paragraph_chars(tree) or 1
    for time_tag in tree.iter("time"):
        if not time_tag.get("datetime"):
            continue
        own = f"{_attr(time_tag, 'class')} {_attr(time_tag, 'itemprop')}"
        parent = time_tag.getparent()
        parent_marks = f"{_attr(parent, 'class')} {_attr(parent, 'itemprop')}" if parent is not None else ""
        if _UPDATED_RE.search(own) or _UPDATED_RE.search(parent_marks):
            continue
        marked = _PUBLISHED_RE.search(own) or time_tag.get("pubdate") is not None
        if marked and not any(a.tag in ("aside", "nav") for a in _ancestors(time_tag)):
            yield 0, time_tag  # a byline row ("author" in its class) still carries the article's date
        elif not _in_chrome(time_tag, page_chars):
            yield (0 if marked else 1), time_tag


def _in_chrome(el: Any, page_chars: int) -> bool:
    """True inside a rail, navigation, chrome-marked container, or a header/footer outside the article.

    A marked container holding most of the page's paragraphs (``<div class="content has-sidebar">``)
    does not count; bylines and entry-meta are not chrome here.
    """
    header_or_footer = False
    for ancestor in _ancestors(el):
        name = ancestor.tag
        if name in ("aside", "nav"):
            return True
        if name in ("html", "body"):
            break
        if name in ("article", "main"):
            header_or_footer = False  # the article's own header/footer (byline, dateline) is fine
        elif name in ("header", "footer"):
            header_or_footer = True
        elif (
            _is_boilerplate_marked(ancestor)
            and not _is_header_like(ancestor)
            and _paragraph_chars(ancestor) / page_chars <= 0.5
        ):
            return True
    return header_or_footer


_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _byline_or_url_date(tree: Any, url: str) -> datetime | None:
    """htmldate on what is left once the metadata found no date: the body without scripts, rails,
    navigation, footers, ``<time datetime>`` elements (weighed already) or anything marked updated/modified, and
    the URL string. htmldate is given a tree, so it
    never fetches anything; without the page's metadata it cannot fall back to a modification date."""
    body = tree.find("body")
    if body is None and not url:
        return None
    root = lxml.html.Element("html")
    if body is not None:
        copy = deepcopy(body)
        doomed = [
            el
            for el in copy.iter()
            if isinstance(el.tag, str)
            and (
                el.tag in ("script", "style", "meta", "aside", "nav", "footer")
                or (el.tag == "time" and el.get("datetime"))  # each one was weighed above
                or _UPDATED_RE.search(f"{_attr(el, 'class')} {_attr(el, 'id')} {_attr(el, 'itemprop')}")
            )
        ]
        for el in doomed:
            if el.getparent() is not None:
                el.drop_tree()
        root.append(copy)
    found = htmldate.find_date(
        root,
        extensive_search=False,  # more time, and no more dates found on the real pages
        original_date=True,
        outputformat=_HTMLDATE_FORMAT,
        url=url or None,
    )
    return parse_date(found)


def _published(
    tree: Any, jsonld: list[dict[str, Any]], metas: dict[str, list[str]], url: str
) -> tuple[datetime | None, str | None]:
    for obj in jsonld:
        if _is_article(obj):
            when = parse_date(_first_str(obj.get("datePublished")))
            if when:
                return when, "json-ld"
    for key in _PUB_META_KEYS:
        for value in metas.get(key, ()):
            when = parse_date(value)
            if when:
                return when, "meta"
    ranked = sorted(_time_candidates(tree), key=lambda pair: pair[0])  # stable: document order within rank
    for _, time_tag in ranked:
        when = parse_date(_attr(time_tag, "datetime"))
        if when:
            return when, "time"
    when = _byline_or_url_date(tree, url)
    return (when, "htmldate") if when else (None, None)


# --------------------------------------------------------------------------------------------------
# Title, canonical URL, author
# --------------------------------------------------------------------------------------------------

_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / ")


def _strip_site(title: str, site_names: Iterable[str], *, from_title_tag: bool) -> str:
    title = _norm(title)
    for site in site_names:
        site = _norm(site)
        if not site:
            continue
        for sep in _TITLE_SEPARATORS:
            if title.lower().endswith((sep + site).lower()) and len(title) > len(sep + site):
                return title[: -len(sep + site)].strip()
            if title.lower().startswith((site + sep).lower()) and len(title) > len(sep + site):
                return title[len(site + sep) :].strip()
    if from_title_tag:  # <title> usually carries a site suffix even when no site name is declared
        for sep in _TITLE_SEPARATORS[:4]:
            head, found, tail = title.rpartition(sep)
            if found and len(tail.split()) <= 4 and len(head.split()) >= 3:
                return head.strip()
    return title


def _title_suffix(tree: Any, title: str | None) -> str | None:
    """The site name a <title> adds after the headline ("... - Mbira Labs Blog"), when no meta names one."""
    tags = tree.xpath("(//title)[1]")
    if not tags or not title:
        return None
    raw = _norm(_text(tags[0]))
    for sep in _TITLE_SEPARATORS[:4]:
        if raw.startswith(title + sep):
            tail = raw[len(title + sep) :].strip()
            return tail[:200] if 0 < len(tail.split()) <= 5 else None
    return None


def _site_names(jsonld: list[dict[str, Any]], metas: dict[str, list[str]]) -> list[str]:
    """The names the page gives its site: og:site_name, application-name, JSON-LD publisher."""
    site_names = list(metas.get("og:site_name", [])) + list(metas.get("application-name", []))
    for obj in jsonld:
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            site_names.append(publisher["name"])
    return site_names


def _title(tree: Any, jsonld: list[dict[str, Any]], metas: dict[str, list[str]]) -> str | None:
    site_names = _site_names(jsonld, metas)
    candidates: list[tuple[str, bool]] = [(value, False) for value in metas.get("og:title", [])]
    candidates += [
        (h, False) for obj in jsonld if _is_article(obj) for h in [_first_str(obj.get("headline"))] if h
    ]
    candidates += [(value, False) for value in metas.get("twitter:title", [])]
    # The article's <h1>, not a logo <h1> in the site header; document order.
    h1s = tree.xpath("(//article//h1 | //main//h1)[1]") or tree.xpath("(//h1)[1]")
    if h1s:
        candidates.append((_text(h1s[0]), False))
    titles = tree.xpath("(//title)[1]")
    if titles:
        candidates.append((_text(titles[0]), True))
    for raw, from_title_tag in candidates:
        title = _strip_site(raw, site_names, from_title_tag=from_title_tag)
        if title:
            return title
    return None


def _canonical(tree: Any, metas: dict[str, list[str]], url: str) -> str | None:
    hrefs = [
        _attr(link, "href") for link in tree.iter("link") if "canonical" in _attr(link, "rel").lower().split()
    ]
    hrefs += metas.get("og:url", [])
    for href in hrefs:
        resolved = _http_url(url, href)
        if resolved:
            return resolved
    return None


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# [itemprop="author"], [rel~="author"], .author .fn, .author-name, .byline .author; document order
_AUTHOR_XPATH = etree.XPath(
    "//*[@itemprop='author'] | //*[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
    f" | //*[{_has_class('author')}]//*[{_has_class('fn')}] | //*[{_has_class('author-name')}]"
    f" | //*[{_has_class('byline')}]//*[{_has_class('author')}]"
)
_NAME_XPATH = etree.XPath(".//*[@itemprop='name']")


def _person_name(value: Any) -> str | None:
    if isinstance(value, str):
        return _norm(value) or None
    if isinstance(value, dict):
        return _person_name(value.get("name"))
    if isinstance(value, list):
        names = [name for item in value if (name := _person_name(item))]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _author(tree: Any, jsonld: list[dict[str, Any]], metas: dict[str, list[str]]) -> str | None:
    for obj in jsonld:
        if _is_article(obj):
            name = _person_name(obj.get("author"))
            if name:
                return name
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
        for value in metas.get(key, ()):
            if value and not value.lower().startswith(("http://", "https://")):
                return _norm(value)
    labels = metas.get("twitter:label1", [])
    if labels and labels[0].lower() == "written by" and metas.get("twitter:data1"):
        return _norm(metas["twitter:data1"][0])
    for el in _AUTHOR_XPATH(tree):  # document order: the byline comes before rails
        if any(a.tag in ("aside", "nav") for a in _ancestors(el)):
            continue
        names = _NAME_XPATH(el)
        name = _text(names[0] if names else el)
        if 1 < len(name) <= 80:
            return name
    return None


# --------------------------------------------------------------------------------------------------
# Chrome marks (class/id tokens, ARIA roles, hidden elements)
# --------------------------------------------------------------------------------------------------

_CHROME_ROLES = {
    "navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search", "menu",
    "menubar", "toolbar", "alert", "marquee",
}  # fmt: skip
# Class/id tokens (split on "-", "_", spaces and camelCase) that mark page chrome.
_CHROME_TOKENS = {
    "ad", "ads", "adslot", "adsbygoogle", "advert", "adverts", "advertisement", "advertising", "dfp",
    "sponsor", "sponsored", "promo", "promoted", "promotion", "cta", "upsell",
    "cookie", "cookies", "consent", "gdpr", "cmp", "privacy", "banner", "modal", "popup", "overlay",
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "masthead", "header", "footer",
    "colophon", "sidebar", "widget", "widgets", "rail", "related", "recommended", "recommendations",
    "trending", "popular", "newsletter", "newsletters", "subscribe", "subscription", "signup", "login",
    "signin", "share", "sharing", "social", "tags", "byline", "meta", "author", "bio", "kicker", "eyebrow",
    "comment", "comments", "disqus", "pagination", "pager", "skip", "outbrain", "taboola",
}  # fmt: skip
_CHROME_PAIRS = {
    "see-also", "read-more", "read-next", "more-stories", "most-read", "most-popular", "also-read",
    "further-reading", "you-may", "tag-list", "tag-cloud", "tag-links", "post-tags", "sign-up", "sign-in",
    "editorial-process", "editorial-policy", "editorial-standards", "sr-only", "screen-reader",
    "visually-hidden",
}  # fmt: skip
_TOKEN_SPLIT_RE = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_HEADER_TOKENS = {"header", "meta", "byline"}


def _tokens(el: Any) -> list[str]:
    raw = f"{_attr(el, 'class')} {_attr(el, 'id')}"
    return [part.lower() for part in _TOKEN_SPLIT_RE.split(raw) if part]


def _is_boilerplate_marked(el: Any, tokens: frozenset[str] | set[str] = _CHROME_TOKENS) -> bool:
    if not isinstance(el.tag, str):
        return False
    if _attr(el, "role").lower() in _CHROME_ROLES:
        return True
    parts = _tokens(el)
    if not parts:
        return False
    if {f"{a}-{b}" for a, b in pairwise(parts)} & _CHROME_PAIRS:
        return True
    return any(part in tokens for part in parts)


def _is_header_like(el: Any) -> bool:
    return bool(set(_tokens(el)) & _HEADER_TOKENS)


_HIDDEN_CLASSES = {"hidden", "is-hidden", "d-none", "visually-hidden", "sr-only", "screen-reader-text"}


def _is_hidden(el: Any) -> bool:
    if el.get("hidden") is not None or _attr(el, "aria-hidden").lower() == "true":
        return True
    classes = _attr(el, "class").split()
    if set(classes) & _HIDDEN_CLASSES and not any(":" in cls for cls in classes):  # not "hidden md:block"
        return True
    style = _attr(el, "style").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _paragraph_chars(el: Any) -> int:
    return sum(len(p.text_content()) for p in el.iter("p"))


# --------------------------------------------------------------------------------------------------
# Main text
# --------------------------------------------------------------------------------------------------

# Tokens that mark chrome *inside* an article body, where trafilatura keeps it: calls to action,
# subscribe/newsletter cards, promos and related-links boxes. Navigation, rails, consent boxes, footers
# and bios are trafilatura's job with favor_precision; pruning every chrome mark (with the one-link
# filter) scored 0.780 on the real pages against 0.791 (docs/main-text-extraction.md).
_IN_BODY_TOKENS = frozenset({
    "cta", "upsell", "promo", "promoted", "promotion", "newsletter", "newsletters", "subscribe",
    "subscription", "signup", "related", "recommended", "recommendations", "sponsor", "sponsored",
    "advert", "adverts", "advertisement", "advertising", "outbrain", "taboola",
})  # fmt: skip
_NEVER_PRUNE = {"html", "body", "main", "article"}


@dataclass(frozen=True)
class _Options:
    """How the main text is taken (the benchmark measures the alternatives)."""

    prune: str = "in-body"  # "none", "in-body" (_IN_BODY_TOKENS) or "all" (every chrome mark, hidden)
    # "none"; "inline": See-also / call-to-action blocks; "inline+linked": and short paragraphs that are
    # one link; "all": and link-dominated blocks and short fragments, as the former heuristics did
    filters: str = "inline"
    favor: str = "precision"  # trafilatura's bias: "precision", "recall" or "balanced" (neither)
    include_tables: bool = True
    trim_lead: bool = True  # drop a byline/date row of short lines that opens the text (_trim_lead)
    anchor: bool = True  # text that misses the title's lede: take trafilatura's own (fast) extraction


_CHOSEN = _Options()


def _prune(tree: Any, mode: str) -> None:
    """Drop chrome-marked containers, unless one holds most of the page's paragraph text (a wrapper
    class such as "has-sidebar" must not take the article down with it)."""
    if mode == "none":
        return
    body = tree.find("body")
    if body is None:
        return
    tokens = _IN_BODY_TOKENS if mode == "in-body" else _CHROME_TOKENS
    page_chars = _paragraph_chars(body) or 1
    doomed = []
    stack = list(body)
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        if (
            el.tag not in _NEVER_PRUNE
            and _attr(el, "itemprop").lower() != "articlebody"
            and (_is_boilerplate_marked(el, tokens) or (mode == "all" and _is_hidden(el)))
            and _paragraph_chars(el) / page_chars <= 0.5
        ):
            doomed.append(el)
            continue
        stack.extend(el)
    for el in doomed:
        el.drop_tree()  # keeps the element's tail text


@dataclass
class _Block:
    kind: str  # trafilatura's element: "p", "head", "item", "quote", "code" or "row"
    text: str
    link_chars: int


_TEXT_BLOCKS = {"p", "head", "item", "quote", "code"}
_INLINE = {"hi", "ref", "del", "span", "a", "b", "i", "em", "strong", "sub", "sup", "u", "graphic"}
_INLINE_IN_TEXT = _INLINE | {"code"}  # <code> inside a paragraph is inline; on its own it is a block


def _blocks(body: Any) -> list[_Block]:
    """Flatten trafilatura's output tree into text blocks, in document order (iteratively).

    Paragraphs, headings, list items, quotes and code give their text with inline children (links,
    formatting, inline code) and are split at line breaks; a nested block (a heading inside a list item)
    is a block of its own, in its place; table rows give "cell | cell"; loose text in a container is a
    paragraph."""
    blocks: list[_Block] = []
    stack: list[Any] = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, _Block):
            blocks.append(item)
            continue
        el = item
        if not isinstance(el.tag, str):
            continue
        if el.tag == "row":
            cells = [_text(cell) for cell in el if cell.tag == "cell"]
            text = " | ".join(cell for cell in cells if cell)
            if text:
                blocks.append(_Block("row", text, min(_link_chars(el), len(text))))
            continue
        kind, inline = (el.tag, _INLINE_IN_TEXT) if el.tag in _TEXT_BLOCKS else ("p", _INLINE)
        pending: list[Any] = []  # this element's text runs and nested blocks, in document order
        parts: list[str] = [el.text or ""]
        links = 0
        for child in el:
            if child.tag == "lb" or child.tag not in inline:
                text = _norm("".join(parts))
                if text:
                    pending.append(_Block(kind, text, min(links, len(text))))
                parts.clear()
                links = 0
                if child.tag != "lb":
                    pending.append(child)
            else:
                parts.append("".join(child.itertext()))
                links += _link_chars(child)
            parts.append(child.tail or "")
        text = _norm("".join(parts))
        if text:
            pending.append(_Block(kind, text, min(links, len(text))))
        stack.extend(reversed(pending))
    return blocks


def _link_chars(el: Any) -> int:
    return sum(len(_norm("".join(ref.itertext()))) for ref in el.iter("ref"))


_SEE_ALSO_RE = re.compile(
    r"^\W{0,3}(?:(?:see also|also see|read more|read next|read also|also read|related(?: stories| articles"
    r"| posts| coverage| reading| content)?|more on this(?: story)?|further reading|recommended(?: reading)?"
    r"|you (?:may|might) also like|don't miss|more from)\b|more:)",
    re.I,
)
_CTA_RE = re.compile(
    r"^\W{0,3}(?:subscribe\b|sign up\b|join (?:our|the|now)|enjoy(?:ing|ed)? this|like (?:this|what you)"
    r"|want (?:more|the full)|get (?:our|the) .{0,40}newsletter|support (?:our|independent) journalism)",
    re.I,
)
_SENTENCE_END = tuple(".!?\"'”’:;)…")


def _keep(block: _Block, filters: str) -> bool:
    if filters == "none":
        return True
    text = block.text
    density = block.link_chars / len(text)
    if _SEE_ALSO_RE.match(text) and (density >= 0.4 or len(text) <= 200):
        return False
    if _CTA_RE.match(text) and len(text) <= 300 and (block.link_chars or len(text) <= 120):
        return False
    if filters == "inline":
        return True
    if filters == "inline+linked":  # and a paragraph that is nothing but a link (a stray "See also" target)
        return not (block.kind == "p" and density >= 0.9 and len(text) <= 100)
    if block.kind == "head":
        return density < 0.6
    if density >= 0.6:
        return False
    return not (block.kind != "item" and len(text.split()) <= 2 and not text.endswith(_SENTENCE_END))


_WORD_RE = re.compile(r"[^\W\d_]{3,}")
_FUNCTION_WORDS = frozenset({
    "the", "and", "for", "with", "from", "its", "that", "this", "into", "over", "after", "new", "are",
    "was", "has", "have", "will", "but", "not", "than", "out", "about", "per", "via", "says",
})  # fmt: skip
_LEDE_CHARS = 300  # where an article's text states what its title says
_BODY_CHARS = 3_000  # where any article's text names most of its title's words somewhere


def _holds_title(text: str, title: str | None) -> bool:
    """True when `text` holds at least half of the title's content words (or the title has none)."""
    words = {w for w in _WORD_RE.findall((title or "")[:500].lower()) if w not in _FUNCTION_WORDS}
    lowered = text.lower()
    return 2 * sum(word in lowered for word in words) >= len(words)


def _extract(tree: Any, title: str | None, url: str, options: _Options, fast: bool = False) -> str:
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        fast=fast,
        include_comments=False,
        include_links=True,  # kept in the output tree only to measure link density; not in the text
        include_tables=options.include_tables,
        favor_precision=options.favor == "precision",
        favor_recall=options.favor == "recall",
        with_metadata=False,
    )
    body = getattr(document, "body", None)
    if body is None:
        return EMPTY_TEXT
    kept: list[_Block] = []
    dropped_at_end = False  # a block after the last one kept was filtered out
    for block in _blocks(body):
        if block.kind == "head" and not kept and title and block.text == title:
            continue  # the headline repeated at the top of the body
        if not _keep(block, options.filters):
            dropped_at_end = True
        elif not (kept and block.kind == "head" == kept[-1].kind and block.text == kept[-1].text):
            kept.append(block)
            dropped_at_end = False
    while dropped_at_end and kept and kept[-1].kind == "head":  # it introduced the blocks filtered out
        kept.pop()
    if options.trim_lead:
        kept = _trim_lead(kept)
    return "\n\n".join(block.text for block in kept)


def _trim_lead(kept: list[_Block]) -> list[_Block]:
    """Drop up to 3 short lines without a sentence end ("From: Site", "June 3, 2025", "By Name") that
    open the text right before a full paragraph (80+ characters ending a sentence): a byline/date row."""
    for count, block in enumerate(kept[:4]):
        if block.kind == "p" and len(block.text) >= 80 and block.text.endswith(_SENTENCE_END):
            return kept[count:]
        if block.kind not in ("p", "item") or len(block.text) > 40 or block.text.endswith(_SENTENCE_END):
            break
    return kept


def _main_text(tree: Any, title: str | None, url: str, options: _Options) -> str:
    _prune(tree, options.prune)
    text = _extract(tree, title, url, options)
    if options.anchor and title and not _holds_title(text[:_BODY_CHARS], title):
        own = _extract(tree, title, url, options, fast=True)  # the text never names what the title says
        if _holds_title(own[:_LEDE_CHARS], title):
            return own
    return text


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def parse_article(html: str | bytes, url: str) -> Article:
    """Extract headline, main text, canonical URL, publication date and author from an article page.

    Never raises on bad input (empty, binary, non-HTML, huge): such pages give an Article with empty text.
    """
    return _parse_article(html, url, _CHOSEN)


def _parse_article(html: str | bytes, url: str, options: _Options) -> Article:
    empty = Article(
        title=None, text=EMPTY_TEXT, canonical_url=None, published=None, published_from=None, author=None
    )
    try:
        prepared = _prepare(html)
        if prepared is None:
            return empty
        tree = _tree(prepared)
    except Exception:  # a parser failure on hostile input must not escape
        return empty
    url = url if isinstance(url, str) else ""
    title = canonical = author = site = None
    published: datetime | None = None
    published_from: str | None = None
    try:
        jsonld = _jsonld_objects(tree)
        metas = _meta_map(tree)
        title = _title(tree, jsonld, metas)
        canonical = _canonical(tree, metas, url)
        author = _author(tree, jsonld, metas)
        published, published_from = _published(tree, jsonld, metas, url)
        declared = (_norm(name)[:200] for name in _site_names(jsonld, metas) if _norm(name))
        site = next(declared, None) or _title_suffix(tree, title)
    except Exception:  # metadata is best effort; keep going to the text
        pass
    try:
        text = _main_text(tree, title, url, options)
    except Exception:  # last-resort guard: hostile markup must not make the caller fail
        text = EMPTY_TEXT
    return Article(
        title=title,
        text=text,
        canonical_url=canonical,
        published=published,
        published_from=published_from,
        author=author,
        site=site,
    )


def extract_links(html: str | bytes, base_url: str, selector: str) -> list[str]:
    """Absolute http(s) URLs of ``<a href>`` matched by a CSS selector (the links themselves or their
    containers), de-duplicated in page order, fragments stripped. Honors ``<base href>``.

    Raises ValueError for an invalid selector; bad HTML gives an empty list.
    """
    try:
        prepared = _prepare(html)
        if prepared is None:
            return []
        soup = _soup(prepared)
    except Exception:
        return []
    base = base_url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag) and isinstance(href := base_tag.get("href"), str):
        base = _http_url(base_url, href) or base_url
    try:
        matched = soup.select(selector)
    except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from exc
    links: dict[str, None] = {}
    for element in matched:
        anchors = [element] if element.name == "a" else element.find_all("a")
        for anchor in anchors:
            href = anchor.get("href")
            if not isinstance(href, str):
                continue
            resolved = _http_url(base, href)
            if resolved:
                links.setdefault(urldefrag(resolved).url, None)
    return list(links)
