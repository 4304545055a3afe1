"""Event extraction and impact classification over stored documents, as plain functions (no Prefect).

`flows/steps.py` runs the first two as the pipeline's steps; `reextract` and `rescore` run them over
the whole warehouse when the extractor, the organization list or the model has changed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from core.errors import ModelUnavailable
from extractors.entities import OrganizationIndex
from extractors.events import Candidate, SentenceJudge, detect_events
from extractors.org_recognizer import OrgRecognizer, division_form, name_core
from flows.settings import Settings
from models.artifacts import load_detector
from models.impact_rules import RULES_VERSION
from models.judge import ImpactJudge
from warehouse.documents import fetched_document_ids, fetched_documents
from warehouse.engine import session_scope, write
from warehouse.events import (
    EventChanges,
    clear_pending_impact,
    events_to_classify,
    refresh_event,
    set_impact,
    store_mentions,
)
from warehouse.labels import all_event_ids
from warehouse.parties import party_apart, rename_party, stored_forms

LOG = logging.getLogger("cloudintel.extract")


@functools.cache
def sentence_judge() -> SentenceJudge | None:
    """The shipped sentence detector, loaded once per process; None (trigger patterns alone, with a
    warning) when it cannot be loaded."""
    try:
        return load_detector()
    except ModelUnavailable as exc:
        LOG.warning("event detection without the learned sentence judge: %s", exc)
        return None


@functools.lru_cache(maxsize=4)
def recognizer(orgs: OrganizationIndex) -> OrgRecognizer:
    """The organization recognizer of a list (spaCy itself loads once per process, on first use)."""
    return OrgRecognizer(orgs)


DocumentText = tuple[str, str, datetime | None, str | None]  # title, text, published_at, site_name
Detect = Callable[[Sequence[DocumentText]], Iterable[list[Candidate]]]


def extract_events(
    database_url: str, document_ids: Sequence[int], orgs: OrganizationIndex, detect: Detect | None = None
) -> EventChanges:
    """Detect the events of these documents and cluster them into the timeline, oldest article first
    (so an event's id and facts do not depend on batch order). `detect` gives the candidates of
    (title, text, published) articles in order (`flows.workers.Detector`: on worker processes);
    without it, `detect_events` here."""

    def inline(articles: Sequence[DocumentText]) -> Iterator[list[Candidate]]:
        judge, names = sentence_judge(), recognizer(orgs)
        for title, text, published, site in articles:
            yield detect_events(title, text, published, orgs, judge, names, site=site)

    def work(session: Session) -> EventChanges:
        changes = EventChanges()
        documents = fetched_documents(session, document_ids)
        found = (detect or inline)(
            [(d.title or "", d.text or "", d.published_at, d.site_name) for d in documents]
        )
        for document, found_here in zip(documents, found, strict=True):
            candidates, renamed = fold_name_forms(session, found_here, orgs)
            for event in renamed:
                if refresh_event(session, event) and event not in changes.new + changes.changed:
                    changes.changed.append(event)
            result = store_mentions(session, document, candidates)
            document.extracted_hash = document.content_hash  # done, in the same transaction
            session.add(document)
            changes.new += result.new
            changes.changed += [e for e in result.changed if e not in changes.new]
            changes.removed += result.removed
        return changes

    return write(database_url, work)


def fold_name_forms(
    session: Session, candidates: Sequence[Candidate], orgs: OrganizationIndex
) -> tuple[list[Candidate], list[str]]:
    """One unknown company that articles write two ways, a name and the same name plus company words,
    is one party: under the longer form ("Tessellate" / "Tessellate Silicon"), unless that is its cloud
    division ("Halite" / "Halite Cloud": "Halite", as the guide writes "Google" for "Google Cloud"). A
    stored party in the other form is renamed; a name seen only beside its longer form ("Lantern" and
    "Lantern Compute" in one event) is no short form of it. Listed companies keep their canonical
    names. Returns the mentions so written and the stored events renamed."""
    renamed: list[str] = []

    def unlisted(name: str) -> bool:
        return orgs.resolve(name) is None

    def one_party(short: str, long: str) -> str:
        target = short if division_form(short, long) else long
        renamed.extend(rename_party(session, long if target == short else short, target))
        return target

    def written(party: str, beside: Sequence[str]) -> str:
        if not unlisted(party):
            return party
        core = name_core(party)
        if core is not None and core not in beside and unlisted(core) and party_apart(session, core, party):
            return one_party(core, party)
        for longer in stored_forms(session, party):
            if longer not in beside and name_core(longer) == party and unlisted(longer):
                return one_party(party, longer)
        return party

    folded = []
    for candidate in candidates:
        names = {party: written(party, candidate.parties) for party in candidate.parties}
        folded.append(
            replace(
                candidate,
                parties=tuple(sorted(set(names.values()))),
                roles=tuple((names.get(party, party), role) for party, role in candidate.roles),
            )
        )
    return folded, sorted(set(renamed))


def classify_events(database_url: str, event_ids: Sequence[str], judge: ImpactJudge) -> int:
    """Judge the strategic impact of these events (analyst-labelled ones keep their label), in one
    batch; returns how many were classified."""
    with session_scope(database_url) as session:
        ids = list(dict.fromkeys(event_ids))
        rows = events_to_classify(session, ids)
        impacts = judge.judge([(facts, title, evidence) for _, facts, title, evidence in rows])
        for (event_id, *_), impact in zip(rows, impacts, strict=True):
            set_impact(session, event_id, impact.level, impact.score, impact.themes, impact.version)
        clear_pending_impact(session, ids)
    return len(rows)


@dataclass(frozen=True)
class Reextraction:
    """What a full re-extraction did."""

    documents: int
    changes: EventChanges


def reextract(settings: Settings) -> Reextraction:
    """Re-extract the events of every stored document and judge the new and changed ones."""
    orgs = settings.organization_index()
    with session_scope(settings.warehouse_url) as session:
        ids = fetched_document_ids(session)
    changes = extract_events(settings.warehouse_url, ids, orgs)
    judge = ImpactJudge.load(settings.model_folder, orgs)
    classify_events(settings.warehouse_url, changes.new + changes.changed, judge)
    return Reextraction(len(ids), changes)


def rescore(settings: Settings, rules: bool = False) -> tuple[int, ImpactJudge]:
    """Re-judge every stored event with the current model (trained, else shipped), or with the rule
    baseline when `rules` is asked for; analyst labels stay. Without a usable model and without
    `rules` it refuses (`ModelUnavailable`, saying why) before changing anything. Returns how many,
    and the judge."""
    orgs = settings.organization_index()
    if rules:
        judge = ImpactJudge(orgs, None, RULES_VERSION)
    else:
        judge = ImpactJudge.load(settings.model_folder, orgs)
        if judge.problem:
            raise ModelUnavailable(
                f"{judge.problem}; nothing was re-scored (`cloudintel model rescore --rules` scores with "
                "the rule baseline instead)"
            )
    with session_scope(settings.warehouse_url) as session:
        ids = all_event_ids(session)
    return classify_events(settings.warehouse_url, ids, judge), judge
