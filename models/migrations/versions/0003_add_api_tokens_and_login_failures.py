"""add companies' API tokens and the failed-login log; move the mentor age waiver

The partnership's waiver for a mentor of 23 or 24 moves from the mentor to the
recognition it was granted for: one partnership's waiver must not count for another.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "recognitions",
        sa.Column("has_mentor_age_waiver", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE recognitions SET has_mentor_age_waiver = true WHERE status <> 'requested'"
        " AND mentor_id IN (SELECT id FROM mentors WHERE has_age_waiver)"
    )
    # SQLite (3.35+) drops a plain column in place; a batch copy of the table would
    # fire ON DELETE SET NULL on recognitions.mentor_id.
    op.drop_column("mentors", "has_age_waiver")
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_api_tokens_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_api_tokens_token_digest")),
    )
    op.create_index(op.f("ix_api_tokens_company_id"), "api_tokens", ["company_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("remote_addr", sa.String(length=45), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"])
    op.create_index("ix_login_failures_email_at", "login_failures", ["email", "at"])
    op.create_index("ix_login_failures_remote_addr_at", "login_failures", ["remote_addr", "at"])


def downgrade() -> None:
    op.add_column(
        "mentors",
        sa.Column("has_age_waiver", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE mentors SET has_age_waiver = true WHERE id IN"
        " (SELECT mentor_id FROM recognitions WHERE has_mentor_age_waiver)"
    )
    op.drop_column("recognitions", "has_mentor_age_waiver")
    op.drop_index("ix_login_failures_remote_addr_at", table_name="login_failures")
    op.drop_index("ix_login_failures_email_at", table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_at"), table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index(op.f("ix_api_tokens_company_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
