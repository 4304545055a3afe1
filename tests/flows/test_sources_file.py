"""sources.yaml: good files load, and every kind of mistake is refused with file, line and reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ConfigError
from core.vocabulary import SOURCE_KINDS
from flows.sources_file import DEFAULT_NEWSROOM_SELECTOR, load_sources, parse_sources

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_corpus_sources_load_with_the_base_url() -> None:
    specs = load_sources(ROOT / "cloudintel" / "corpus" / "sources.yaml", "http://127.0.0.1:9")
    assert [s.kind for s in specs].count("feed") == 5 and specs[-1].kind == "page"
    assert all(s.url.startswith("http://127.0.0.1:9/") for s in specs)


def test_default_real_sources_file_is_valid() -> None:
    specs = load_sources(ROOT / "cloudintel" / "sources.yaml")
    assert len(specs) >= 15
    assert {s.kind for s in specs} == {"feed", "newsroom"}
    assert all(s.url.startswith("https://") for s in specs)


def test_bare_list_and_newsroom_default_selector() -> None:
    specs = parse_sources("- {name: a, kind: newsroom, url: 'https://x.example/news'}\n", "s.yaml")
    assert specs[0].selector == DEFAULT_NEWSROOM_SELECTOR


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("sources:\n  - name: a\n    kind: feed\n    ulr: https://x.example/f\n", 4, "did you mean 'url'"),
        ("sources:\n  - name: a\n    kind: fed\n    url: https://x.example/f\n", 2, "did you mean 'feed'"),
        ("sources:\n  - name: a\n    url: https://x.example/f\n", 2, "missing 'kind'"),
        ("sources:\n  - name: a\n    kind: feed\n    url: x.example/f\n", 2, "not an absolute http(s) URL"),
        ("sources:\n  - name: a\n    kind: feed\n    url: [1, 2]\n", 4, "must be a non-empty string"),
        (
            "sources:\n  - name: a\n    kind: feed\n    url: https://x.example/f\n  - name: a\n    kind: page\n"
            "    url: https://x.example/p\n",
            5,
            "duplicate source name",
        ),
        ("sources:\n  - name: a\n    kind: feed\n     url: https://x.example/f\n", 4, "not valid YAML"),
        ("sources: {}\n", 1, "must be a list"),
        ("feeds:\n  - name: a\n", 1, "expected a top-level 'sources:' list"),
        ("", 1, "empty"),
        ("sources: []\n", 1, "no sources"),
        ("sources:\n  - just-a-string\n", 2, "must be a mapping"),
    ],
)
def test_mistakes_are_refused_with_line_and_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sources(text, "my-sources.yaml")
    message = str(caught.value)
    assert message.startswith(f"my-sources.yaml:{line}:"), message
    assert reason in message


def test_missing_file_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml"):
        load_sources(tmp_path / "nope.yaml")


SOURCE_PARTS = st.sampled_from(
    [
        "sources:\n",
        "  - ",
        "name: a\n",
        "    kind: feed\n",
        "    kind: newsroom\n",
        "    kind: fed\n",
        "    url: https://x.example/f\n",
        "    url: http://[bad]/\n",
        "  - {name: b, kind: page, url: 'http://[bad]/'}\n",
        "    selector: 'a[href'\n",
        "    selector: 'article a'\n",
        "    ulr: x\n",
        "{",
        "[",
        ": :",
        "\t",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(SOURCE_PARTS, st.text(max_size=15)), max_size=20))
def test_any_sources_file_loads_or_is_refused_with_its_file_and_line(parts: list[str]) -> None:
    try:
        specs = parse_sources("".join(parts), "s.yaml")
    except ConfigError as exc:
        assert re.match(r"s\.yaml(:\d+)?: ", str(exc)), str(exc)
        return
    assert specs and all(s.kind in SOURCE_KINDS and s.url.startswith("http") for s in specs)
