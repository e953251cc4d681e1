"""add login sessions, login networks, e-mail tokens and rate events; let erasure keep counts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Sessions become rows that logout, a new password or a deactivation end. A student who
is erased leaves their intakes and agreements behind without a name (student_id
NULL), so the counts stay; e-mails that speak of a student are marked with it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_email_tokens_token_digest")),
    )
    with op.batch_alter_table("email_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_tokens_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_email_tokens_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "login_networks",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("network", sa.String(length=45), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", "network", name=op.f("pk_login_networks")),
    )
    with op.batch_alter_table("login_networks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_networks_last_login_at"), ["last_login_at"], unique=False
        )

    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("network", sa.String(length=45), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_events_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_rate_events_kind_network_at", ["kind", "network", "at"], unique=False
        )

    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_login_sessions_token_digest")),
    )
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_sessions_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.alter_column("student_id", existing_type=sa.INTEGER(), nullable=True)

    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.alter_column("student_id", existing_type=sa.INTEGER(), nullable=True)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("student_id", sa.Integer(), nullable=True))
        batch_op.alter_column("recognition_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("about", existing_type=sa.DATE(), nullable=True)
        batch_op.create_index(batch_op.f("ix_outbox_student_id"), ["student_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_student_id_students"), "students", ["student_id"], ["id"]
        )

    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_column("left_on")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_student_id_students"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_student_id"))
        batch_op.alter_column("about", existing_type=sa.DATE(), nullable=False)
        batch_op.alter_column("recognition_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("student_id")

    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.alter_column("student_id", existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.alter_column("student_id", existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_sessions_user_id"))

    op.drop_table("login_sessions")
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_events_kind_network_at")
        batch_op.drop_index(batch_op.f("ix_rate_events_at"))

    op.drop_table("rate_events")
    with op.batch_alter_table("login_networks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_networks_last_login_at"))

    op.drop_table("login_networks")
    with op.batch_alter_table("email_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_tokens_expires_at"))
        batch_op.drop_index(batch_op.f("ix_email_tokens_email"))

    op.drop_table("email_tokens")
