"""let a company remove a site and keep its history: sites.removed_at

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

A removed site keeps its row, so the recognitions it had keep their history; lists and
search leave it out.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: on SQLite a batch rebuild would drop the table's data-change
    # triggers (migration 0010).
    op.add_column("sites", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("sites", "removed_at")  # plain, as in upgrade: the triggers stay
