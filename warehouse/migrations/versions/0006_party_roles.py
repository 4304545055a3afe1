"""party roles: events.roles and event_mentions.roles, [party, role] pairs (customer, provider,
investor, partner, builder); existing rows get an empty list until `cloudintel extract` reads them again

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("events", "event_mentions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("roles", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    for table in ("events", "event_mentions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("roles")
