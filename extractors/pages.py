"""Article-page extraction: headline, main text, canonical URL, publication date and author.

Pure functions (no network, no database). The main-text extractor is BeautifulSoup-only; it was chosen
over trafilatura by measurement on the development corpus (see ``docs/main-text-extraction.md`` and
``benchmarks/main_text_compare.py``). Every rule keys on general signals (semantic tags, ARIA roles,
class/id tokens, link density, "See also"-style prefixes), never on one site's markup.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from itertools import pairwise
from typing import Any
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
from bs4.element import CData, Declaration, ProcessingInstruction

from extractors.urls import url_problem

__all__ = ["Article", "extract_links", "parse_article", "parse_date"]


@dataclass(frozen=True)
class Article:
    """What :func:`parse_article` extracts from one article page."""

    title: str | None  # the article headline, without a " - Site Name" suffix
    text: str  # main text only: paragraphs, list items and subheadings joined by "\n\n"
    canonical_url: str | None  # <link rel=canonical> or og:url, resolved against the page URL
    published: datetime | None  # tz-aware, in UTC
    published_from: str | None  # "json-ld", "meta" or "time": which signal gave the date
    author: str | None


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
    return BeautifulSoup(text, "lxml")


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _attr(tag: Tag, name: str) -> str:
    """An attribute as one string (BeautifulSoup returns lists for multi-valued ones)."""
    value = tag.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


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


def _jsonld_objects(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """All JSON objects in parseable JSON-LD scripts (top-level and @graph first, then nested)."""
    found: list[dict[str, Any]] = []
    for script in soup.find_all("script"):
        if "ld+json" not in _attr(script, "type").lower():
            continue
        raw = script.string if script.string is not None else script.get_text()
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


def _meta_map(soup: BeautifulSoup) -> dict[str, list[str]]:
    metas: dict[str, list[str]] = {}
    for meta in soup.find_all("meta"):
        content = meta.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for key_attr in ("property", "name", "itemprop"):
            key = _attr(meta, key_attr).strip().lower()
            if key:
                metas.setdefault(key, []).append(content.strip())
    return metas


_UPDATED_RE = re.compile(r"updat|modif|revis|edited", re.I)
_PUBLISHED_RE = re.compile(r"publish|pubdate|posted", re.I)


def _time_candidates(soup: BeautifulSoup) -> Iterator[tuple[int, Tag]]:
    """<time datetime> elements outside rails/navigation, ranked: 0 = marked published, 1 = unmarked."""
    page_chars = _paragraph_chars(soup) or 1
    for time_tag in soup.find_all("time"):
        if not time_tag.get("datetime"):
            continue
        own = f"{_attr(time_tag, 'class')} {_attr(time_tag, 'itemprop')}"
        parent = time_tag.parent
        parent_marks = (
            f"{_attr(parent, 'class')} {_attr(parent, 'itemprop')}" if isinstance(parent, Tag) else ""
        )
        if _UPDATED_RE.search(own) or _UPDATED_RE.search(parent_marks):
            continue
        marked = _PUBLISHED_RE.search(own) or time_tag.has_attr("pubdate")
        if marked and not any(a.name in ("aside", "nav") for a in time_tag.parents):
            yield 0, time_tag  # a byline row ("author" in its class) still carries the article's date
        elif not _in_chrome(time_tag, page_chars):
            yield (0 if marked else 1), time_tag


def _in_chrome(tag: Tag, page_chars: int) -> bool:
    """True inside a rail, navigation, chrome-marked container, or a header/footer outside the article.

    As in :func:`_remove_chrome`, a marked container holding most of the page's paragraphs
    (``<div class="content has-sidebar">``) does not count; bylines and entry-meta are not chrome here.
    """
    header_or_footer = False
    for ancestor in tag.parents:
        name = ancestor.name
        if name in ("aside", "nav"):
            return True
        if name in ("html", "body", "[document]"):
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


def _published(
    soup: BeautifulSoup, jsonld: list[dict[str, Any]], metas: dict[str, list[str]]
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
    ranked = sorted(_time_candidates(soup), key=lambda pair: pair[0])  # stable: document order within rank
    for _, time_tag in ranked:
        when = parse_date(_attr(time_tag, "datetime"))
        if when:
            return when, "time"
    return None, None


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


def _title(soup: BeautifulSoup, jsonld: list[dict[str, Any]], metas: dict[str, list[str]]) -> str | None:
    site_names = list(metas.get("og:site_name", [])) + list(metas.get("application-name", []))
    for obj in jsonld:
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            site_names.append(publisher["name"])
    candidates: list[tuple[str, bool]] = [(value, False) for value in metas.get("og:title", [])]
    candidates += [
        (h, False) for obj in jsonld if _is_article(obj) for h in [_first_str(obj.get("headline"))] if h
    ]
    candidates += [(value, False) for value in metas.get("twitter:title", [])]
    h1 = soup.select_one("article h1, main h1") or soup.find("h1")  # not a logo <h1> in the site header
    if isinstance(h1, Tag):
        candidates.append((h1.get_text(" "), False))
    if soup.title is not None:
        candidates.append((soup.title.get_text(" "), True))
    for raw, from_title_tag in candidates:
        title = _strip_site(raw, site_names, from_title_tag=from_title_tag)
        if title:
            return title
    return None


def _canonical(soup: BeautifulSoup, metas: dict[str, list[str]], url: str) -> str | None:
    hrefs = [
        _attr(link, "href")
        for link in soup.find_all("link")
        if "canonical" in _attr(link, "rel").lower().split()
    ]
    hrefs += metas.get("og:url", [])
    for href in hrefs:
        resolved = _http_url(url, href)
        if resolved:
            return resolved
    return None


_AUTHOR_SELECTOR = '[itemprop="author"], [rel~="author"], .author .fn, .author-name, .byline .author'


def _person_name(value: Any) -> str | None:
    if isinstance(value, str):
        return _norm(value) or None
    if isinstance(value, dict):
        return _person_name(value.get("name"))
    if isinstance(value, list):
        names = [name for item in value if (name := _person_name(item))]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _author(soup: BeautifulSoup, jsonld: list[dict[str, Any]], metas: dict[str, list[str]]) -> str | None:
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
    for tag in soup.select(_AUTHOR_SELECTOR):  # document order: the byline comes before rails
        if tag.find_parent(["aside", "nav"]) is not None:
            continue
        name_tag = tag.find(True, attrs={"itemprop": "name"}) or tag
        name = _norm(name_tag.get_text(" "))
        if 1 < len(name) <= 80:
            return name
    return None


# --------------------------------------------------------------------------------------------------
# Main text
# --------------------------------------------------------------------------------------------------

_DROP_TAGS = {
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "video",
    "audio", "picture", "img", "figcaption", "button", "input", "select", "textarea", "label",
    "dialog", "menu", "map", "head", "title", "meta", "link",
}  # fmt: skip
_NEVER_DROP = {"html", "body", "main", "article"}
_CHROME_TAGS = {"nav", "aside", "footer", "header", "form"}  # "form" may wrap a whole ASP.NET page: guarded
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


def _tokens(tag: Tag) -> list[str]:
    raw = f"{_attr(tag, 'class')} {_attr(tag, 'id')}"
    return [part.lower() for part in _TOKEN_SPLIT_RE.split(raw) if part]


def _is_boilerplate_marked(tag: Tag) -> bool:
    if not isinstance(tag, Tag) or tag.attrs is None:
        return False
    role = _attr(tag, "role").lower()
    if role in _CHROME_ROLES:
        return True
    tokens = _tokens(tag)
    if not tokens:
        return False
    pairs = {f"{a}-{b}" for a, b in pairwise(tokens)}
    if pairs & _CHROME_PAIRS:
        return True
    return any(token in _CHROME_TOKENS for token in tokens)


def _is_header_like(tag: Tag) -> bool:
    return bool(set(_tokens(tag)) & _HEADER_TOKENS)


_HIDDEN_CLASSES = {"hidden", "is-hidden", "d-none", "visually-hidden", "sr-only", "screen-reader-text"}


def _is_hidden(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    if tag.has_attr("hidden") or _attr(tag, "aria-hidden").lower() == "true":
        return True
    classes = _attr(tag, "class").split()
    if set(classes) & _HIDDEN_CLASSES and not any(":" in cls for cls in classes):  # not "hidden md:block"
        return True
    style = _attr(tag, "style").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _text_len(tag: Tag) -> int:
    return sum(len(_norm(str(s))) for s in tag.find_all(string=True) if type(s) is NavigableString)


def _paragraph_chars(tag: Tag) -> int:
    return sum(len(p.get_text()) for p in tag.find_all("p"))


def _remove_chrome(root: Tag) -> None:
    """Drop non-text tags, hidden elements and chrome-marked containers, in one pruning pass.

    A chrome-marked container is kept when it holds most of the page's paragraph text: a body or
    wrapper class such as "has-sidebar" must not take the article down with it.
    """
    page_chars = _paragraph_chars(root) or 1
    stack: list[Any] = list(root.children)
    while stack:
        node = stack.pop()
        if not isinstance(node, Tag):
            if isinstance(node, Comment | CData | ProcessingInstruction | Declaration | Doctype):
                node.extract()
            continue
        name = node.name
        if name in _DROP_TAGS:
            node.decompose()
            continue
        if (
            name not in _NEVER_DROP
            and _attr(node, "itemprop").lower() != "articlebody"
            and (name in _CHROME_TAGS or _is_hidden(node) or _is_boilerplate_marked(node))
            and _paragraph_chars(node) / page_chars <= 0.5
        ):
            node.decompose()
            continue
        stack.extend(node.children)


_SCORED_TAGS = ("p", "pre", "td", "li", "blockquote")


def _link_density(tag: Tag) -> float:
    total = _text_len(tag)
    if not total:
        return 0.0
    links = sum(_text_len(a) for a in tag.find_all("a"))
    return links / total


def _pick_roots(body: Tag) -> list[Tag]:
    """Readability-style choice of the content container, plus sibling containers that score well."""
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for block in body.find_all(_SCORED_TAGS):
        text = _norm(block.get_text(" "))
        if len(text) < 25:
            continue
        score = (1.0 + text.count(",") + min(len(text) // 100, 3)) * (0.5 if block.name == "li" else 1.0)
        parent = block.parent
        for weight, node in ((1.0, parent), (0.5, parent.parent if parent else None)):
            if isinstance(node, Tag):
                scores[id(node)] = scores.get(id(node), 0.0) + score * weight
                nodes[id(node)] = node
    if not scores:
        return [body]
    adjusted = {key: value * (1 - _link_density(nodes[key])) for key, value in scores.items()}
    best_key = max(adjusted, key=lambda key: adjusted[key])
    best = nodes[best_key]
    parent = best.parent
    if not isinstance(parent, Tag) or best.name == "body":
        return [best]
    threshold = max(3.0, adjusted[best_key] * 0.2)
    roots: list[Tag] = []
    for sibling in parent.children:
        if not isinstance(sibling, Tag):
            continue
        if sibling is best or adjusted.get(id(sibling), 0.0) >= threshold:
            roots.append(sibling)
        elif sibling.name == "p":
            text = _norm(sibling.get_text(" "))
            if len(text) >= 80 and _link_density(sibling) < 0.25:
                roots.append(sibling)
    return roots


_BLOCK_TAGS = {
    "address", "article", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "br", "center", "caption", "aside",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class _Block:
    kind: str  # tag name of the enclosing block
    text: str
    link_chars: int


def _blocks(root: Tag) -> list[_Block]:
    """Flatten a container into text blocks (iterative, so deep nesting cannot overflow the stack)."""
    blocks: list[_Block] = []
    parts: list[str] = []
    link_chars = 0
    kinds: list[str] = [root.name or "div"]

    def flush() -> None:
        nonlocal link_chars
        text = _norm("".join(parts))
        if text:
            blocks.append(_Block(kinds[-1], text, min(link_chars, len(text))))
        parts.clear()
        link_chars = 0

    stack: list[tuple[Any, bool, int]] = [(child, False, 0) for child in reversed(list(root.children))]
    while stack:
        node, closing, in_link = stack.pop()
        if closing:  # end of a block element
            flush()
            kinds.pop()
            continue
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:
                parts.append(str(node))
                if in_link:
                    link_chars += len(_norm(str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name or ""
        child_link = in_link or name == "a"
        if name == "br" or name == "hr":
            flush()
            continue
        if name == "tr":
            flush()
            cells = [_norm(cell.get_text(" ")) for cell in node.find_all(["td", "th"])]
            cell_text = " | ".join(cell for cell in cells if cell)
            if cell_text:
                blocks.append(_Block("tr", cell_text, sum(_text_len(a) for a in node.find_all("a"))))
            continue
        if name in _BLOCK_TAGS:
            flush()
            kinds.append(name)
            stack.append((node, True, 0))
        stack.extend((child, False, child_link) for child in reversed(list(node.children)))
    flush()
    return blocks


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


def _keep(block: _Block) -> bool:
    text = block.text
    density = block.link_chars / len(text)
    if _SEE_ALSO_RE.match(text) and (density >= 0.4 or len(text) <= 200):
        return False
    if _CTA_RE.match(text) and len(text) <= 300 and (block.link_chars or len(text) <= 120):
        return False
    if block.kind in _HEADINGS:
        return density < 0.6
    if density >= 0.6:
        return False
    return not (block.kind != "li" and len(text.split()) <= 2 and not text.endswith(_SENTENCE_END))


def _main_text(soup: BeautifulSoup, title: str | None) -> str:
    body = soup.body if isinstance(soup.body, Tag) else soup
    _remove_chrome(body)
    kept: list[_Block] = []
    for root in _pick_roots(body):
        for block in _blocks(root):
            if block.kind == "h1" and title and _norm(block.text) == title:
                continue
            if _keep(block) and (not kept or kept[-1].text != block.text):
                kept.append(block)
    while kept and kept[-1].kind in _HEADINGS:  # a trailing heading introduced a block that was dropped
        kept.pop()
    return "\n\n".join(block.text for block in kept)


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def parse_article(html: str | bytes, url: str) -> Article:
    """Extract headline, main text, canonical URL, publication date and author from an article page.

    Never raises on bad input (empty, binary, non-HTML, huge): such pages give an Article with empty text.
    """
    empty = Article(
        title=None, text=EMPTY_TEXT, canonical_url=None, published=None, published_from=None, author=None
    )
    try:
        prepared = _prepare(html)
        if prepared is None:
            return empty
        soup = _soup(prepared)
    except Exception:  # a parser failure on hostile input must not escape
        return empty
    url = url if isinstance(url, str) else ""
    title = canonical = author = None
    published: datetime | None = None
    published_from: str | None = None
    try:
        jsonld = _jsonld_objects(soup)
        metas = _meta_map(soup)
        title = _title(soup, jsonld, metas)
        canonical = _canonical(soup, metas, url)
        published, published_from = _published(soup, jsonld, metas)
        author = _author(soup, jsonld, metas)
    except Exception:  # metadata is best effort; keep going to the text
        pass
    try:
        text = _main_text(soup, title)
    except Exception:  # last-resort guard: hostile markup must not make the caller fail
        text = EMPTY_TEXT
    return Article(
        title=title,
        text=text,
        canonical_url=canonical,
        published=published,
        published_from=published_from,
        author=author,
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
    if isinstance(base_tag, Tag):
        base = _http_url(base_url, _attr(base_tag, "href")) or base_url
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
