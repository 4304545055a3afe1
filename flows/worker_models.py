"""Imported by the worker pool's fork server (flows/workers.py) before it forks any worker: loads the
sentence judge and spaCy's pipeline once, so every worker starts with them already in memory, shared
copy-on-write between the workers instead of loaded (and held) once per worker. Loading runs no
model, so no thread pool is started before the fork. A model that cannot be loaded here is loaded (or
reported) by the worker on first use, as without this module."""

from __future__ import annotations

import logging

try:
    from extractors.org_recognizer import _load_spacy
    from flows.analysis import sentence_judge

    sentence_judge()
    _load_spacy()
except Exception as exc:  # the fork server must start whatever happens here
    logging.getLogger("cloudintel.workers").debug("models not preloaded: %s", exc)
