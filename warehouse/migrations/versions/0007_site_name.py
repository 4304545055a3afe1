"""documents.site_name: the name a page gives its site (og:site_name, JSON-LD publisher), whose company
is the "we" of a company's own posts; existing rows get null until their page is fetched changed

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("site_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("site_name")
