"""add cohort allocation runs and their lines

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

New tables only: a run of the coach's cohort allocation (its seed and the instance it
solved) and one line per student (the workplace found or why none, with the ranks).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACEMENT = sa.Enum(
    "placed",
    "not_ready",
    "open_limit",
    "has_agreement",
    "left_school",
    "no_choices",
    "outranked",
    name="placement",
    native_enum=False,
    create_constraint=True,
    length=21,
)


def upgrade() -> None:
    op.create_table(
        "allocation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("seed", sa.String(length=32), nullable=False),
        sa.Column("instance", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["users.id"],
            name=op.f("fk_allocation_runs_coach_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_allocation_runs_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_allocation_runs_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_runs")),
    )
    op.create_index(op.f("ix_allocation_runs_created_at"), "allocation_runs", ["created_at"])
    op.create_index(op.f("ix_allocation_runs_school_id"), "allocation_runs", ["school_id"])
    op.create_table(
        "allocation_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("placement", PLACEMENT, nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=True),
        sa.Column("lottery", sa.Integer(), nullable=False),
        sa.Column("n_choices", sa.Integer(), nullable=False),
        sa.Column("student_rank", sa.Integer(), nullable=True),
        sa.Column("workplace_rank", sa.Integer(), nullable=True),
        sa.Column("n_applicants", sa.Integer(), nullable=True),
        sa.Column("misfits", sa.JSON(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(placement = 'placed') = (recognition_id IS NOT NULL)",
            name=op.f("ck_allocation_lines_placed_has_a_workplace"),
        ),
        sa.CheckConstraint(
            "intake_id IS NULL OR placement = 'placed'",
            name=op.f("ck_allocation_lines_only_placed_is_proposed"),
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_allocation_lines_intake_id_intakes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_allocation_lines_recognition_id_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["allocation_runs.id"],
            name=op.f("fk_allocation_lines_run_id_allocation_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_allocation_lines_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_lines")),
        sa.UniqueConstraint("intake_id", name=op.f("uq_allocation_lines_intake_id")),
        sa.UniqueConstraint(
            "run_id", "student_id", name=op.f("uq_allocation_lines_run_id_student_id")
        ),
    )
    op.create_index(op.f("ix_allocation_lines_run_id"), "allocation_lines", ["run_id"])
    op.create_index(op.f("ix_allocation_lines_student_id"), "allocation_lines", ["student_id"])


def downgrade() -> None:
    op.drop_table("allocation_lines")
    op.drop_table("allocation_runs")
