"""work left by an interrupted run is found again: documents remember the text events were
extracted from, events whether their impact and alerts are still to be done

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("extracted_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("impact_pending", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("alerts_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_events_impact_pending", ["impact_pending"])
        batch.create_index("ix_events_alerts_pending", ["alerts_pending"])
    op.execute("UPDATE documents SET extracted_hash = content_hash WHERE fetch_status = 'ok'")


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_alerts_pending")
        batch.drop_index("ix_events_impact_pending")
        batch.drop_column("alerts_pending")
        batch.drop_column("impact_pending")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("extracted_hash")
