"""analyst corrections: event_overrides (dismissed, edited facts, merged into) and event_splits (a
source pinned to a new event), keyed by event id without a foreign key so they survive re-extraction

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import warehouse.schema

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_overrides",
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("merged_into", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("edited_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("edited_at", warehouse.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("event_overrides") as batch:
        batch.create_index(batch.f("ix_event_overrides_merged_into"), ["merged_into"], unique=False)
    op.create_table(
        "event_splits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("document_url", sa.Text(), nullable=False),
        sa.Column("new_event_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("edited_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("edited_at", warehouse.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "document_url"),
    )
    with op.batch_alter_table("event_splits") as batch:
        batch.create_index(batch.f("ix_event_splits_event_id"), ["event_id"], unique=False)
        batch.create_index(batch.f("ix_event_splits_new_event_id"), ["new_event_id"], unique=False)


def downgrade() -> None:
    op.drop_table("event_splits")
    op.drop_table("event_overrides")
