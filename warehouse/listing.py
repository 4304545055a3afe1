"""Read-only listings of what the warehouse holds."""

from __future__ import annotations

from sqlmodel import Session, col, select

from warehouse.schema import Document, Source


def list_documents(session: Session, status: str | None = None) -> list[dict[str, str | None]]:
    """Documents, oldest publication first, with their source's name."""
    query = (
        select(Document, Source.name)
        .join(Source, isouter=True)
        .order_by(col(Document.published_at).is_(None), col(Document.published_at), col(Document.id))
    )
    if status:
        query = query.where(Document.fetch_status == status)
    return [
        {
            "id": str(document.id),
            "status": document.fetch_status,
            "source": source,
            "published_at": document.published_at.isoformat() if document.published_at else None,
            "title": document.title,
            "url": document.url,
            "error": document.last_error,
        }
        for document, source in session.exec(query).all()
    ]


def by_publication(session: Session, document_ids: list[int]) -> list[int]:
    """Document ids ordered oldest publication first (then by id)."""
    ordered: list[tuple[object, int]] = []
    for i in range(0, len(document_ids), 500):
        rows = session.exec(
            select(Document.published_at, Document.id).where(col(Document.id).in_(document_ids[i : i + 500]))
        ).all()
        ordered += [(published, doc_id) for published, doc_id in rows if doc_id is not None]
    ordered.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))  # type: ignore[operator]
    return [doc_id for _, doc_id in ordered]
