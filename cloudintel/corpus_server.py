"""Serve a corpus folder on 127.0.0.1 with the bundled corpus's `serve.py` (loaded by path)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

SERVE_PY = Path(__file__).resolve().parent / "corpus" / "serve.py"


def corpus_module() -> ModuleType:
    """The bundled corpus's `serve.py` as a module."""
    spec = importlib.util.spec_from_file_location("cloudintel_corpus_serve", SERVE_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def serve_corpus(corpus: Path) -> Iterator[str]:
    """Serve `corpus` on a free loopback port for the duration of the block; yields the base URL."""
    server, base_url = corpus_module().serve(corpus)
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
