"""drop the stored availability flag; a student's preferences become their wishes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Whether a workplace has a free place follows from its places, start date and last
confirmation on the day asked; search always worked it out so, and a stored copy only
went stale between nightly corrections. The flag, its CHECK and the index nobody
queried go. On SQLite, batch mode rebuilds the recognitions table, which drops its
data-version triggers (migration 0002): they are created again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"
AVAILABLE_CHECK = "NOT is_available OR (status = 'recognised' AND n_free_places > 0)"


def _recreate_sqlite_triggers() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS recognitions_{event}_bump_data_version")
        op.execute(
            f"CREATE TRIGGER recognitions_{event}_bump_data_version"
            f" AFTER {event.upper()} ON recognitions BEGIN {BUMP}; END"
        )


def upgrade() -> None:
    op.drop_index("ix_recognitions_programme_available", table_name="recognitions")
    with op.batch_alter_table("recognitions") as batch:
        batch.drop_constraint(
            op.f("ck_recognitions_available_only_if_recognised_and_free"), "check"
        )
        batch.drop_column("is_available")
    _recreate_sqlite_triggers()
    with op.batch_alter_table("students") as batch:
        batch.alter_column("preferences", new_column_name="wishes")


def downgrade() -> None:
    with op.batch_alter_table("students") as batch:
        batch.alter_column("wishes", new_column_name="preferences")
    with op.batch_alter_table("recognitions") as batch:
        batch.add_column(
            sa.Column("is_available", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("recognitions") as batch:
        batch.create_check_constraint(
            op.f("ck_recognitions_available_only_if_recognised_and_free"), AVAILABLE_CHECK
        )
    _recreate_sqlite_triggers()
    op.create_index(
        "ix_recognitions_programme_available", "recognitions", ["programme_id", "is_available"]
    )
