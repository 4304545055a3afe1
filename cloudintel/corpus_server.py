"""Serve the bundled sample corpus on 127.0.0.1 (its own `serve.py`, loaded by path)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType


def corpus_module(corpus: Path) -> ModuleType:
    """The corpus's `serve.py` as a module."""
    spec = importlib.util.spec_from_file_location("cloudintel_corpus_serve", corpus / "serve.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def serve_corpus(corpus: Path) -> Iterator[str]:
    """Serve `corpus` on a free loopback port for the duration of the block; yields the base URL."""
    server, base_url = corpus_module(corpus).serve(corpus)
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
