"""indexes for scale: the syndicated-copy look-up uses (content_hash, fetch_status) — with the two
single-column indexes SQLite answered it through fetch_status, a scan of every stored document per
page stored —, and alerts say whether a channel is still to be delivered, so a run reads only those

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_content_hash")
        batch.create_index("ix_documents_hash_status", ["content_hash", "fetch_status"])
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("outstanding", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.create_index("ix_alerts_outstanding", ["outstanding"])
    bind = op.get_bind()
    alerts = sa.table("alerts", sa.column("id", sa.Integer), sa.column("delivery"), sa.column("outstanding"))
    for alert_id, delivery in bind.execute(sa.select(alerts.c.id, alerts.c.delivery)).all():
        statuses = (json.loads(delivery) if isinstance(delivery, str) else delivery or {}).values()
        if all(status == "delivered" for status in statuses):
            bind.execute(alerts.update().where(alerts.c.id == alert_id).values(outstanding=False))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_index("ix_alerts_outstanding")
        batch.drop_column("outstanding")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_hash_status")
        batch.create_index("ix_documents_content_hash", ["content_hash"])
