"""`cloudintel page`: what the pipeline reads from a page (title, publication date, main text), for a
local file or a URL, so a user can check a source and benchmarks can time extraction alone.

A local file needs no network; a URL is fetched by the pipeline's own guarded client.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractors.pages import parse_article
from extractors.urls import url_problem
from flows.fetching.client import Fetcher
from flows.settings import Settings


def read_pages(settings: Settings, inputs: list[str]) -> Iterator[dict[str, Any]]:
    """One record per input, in order: `{"input", "title", "published", "text"}`, plus `"error"` when
    the input could not be read (then title and published are null and text is empty)."""
    fetcher: Fetcher | None = None
    try:
        for given in inputs:
            if url_problem(given) is None:
                fetcher = fetcher or Fetcher(settings)
                yield _from_url(given, fetcher)
            else:
                yield _from_file(given)
    finally:
        if fetcher is not None:
            fetcher.close()


def _from_url(url: str, fetcher: Fetcher) -> dict[str, Any]:
    result = fetcher.fetch(url)
    if not result.ok:
        return _failed(url, result.error or "fetch failed")
    return _record(url, result.text(), result.final_url)


def _from_file(name: str) -> dict[str, Any]:
    path = Path(name)
    try:
        body = path.read_bytes()
    except OSError as exc:
        return _failed(name, f"cannot read {name}: {exc.strerror or exc}; give a file or an http(s) URL")
    return _record(name, body, path.resolve().as_uri())


def _record(given: str, body: str | bytes, url: str) -> dict[str, Any]:
    article = parse_article(body, url)
    return {
        "input": given,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "text": article.text,
    }


def _failed(given: str, error: str) -> dict[str, Any]:
    return {"input": given, "title": None, "published": None, "text": "", "error": error}
