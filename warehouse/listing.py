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
