"""rebuild agreements for confirmation and signing; add schools' days off, clock warnings,
and which programmes allow a part-time employment contract

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

No page ever wrote an agreement before this revision, so the table is made anew with
what signing needs (who confirmed when, the mentor, the intake it came from, an early
end) rather than altered in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AGREEMENT_TYPE = sa.Enum(
    "SAO",
    "OAO",
    "DA",
    "ODO",
    "ODO-statuut",
    name="agreement_type",
    native_enum=False,
    create_constraint=True,
    length=19,
)


def upgrade() -> None:
    op.drop_index(op.f("ix_agreements_student_id"), table_name="agreements")
    op.drop_index(op.f("ix_agreements_recognition_id"), table_name="agreements")
    op.drop_table("agreements")
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("agreement_type", AGREEMENT_TYPE, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("weekly_workplace_hours", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("company_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("company_confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("school_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("school_confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("end_date > start_date", name=op.f("ck_agreements_ends_after_start")),
        sa.CheckConstraint(
            "weekly_workplace_hours > 0 AND weekly_workplace_hours <= 40",
            name=op.f("ck_agreements_weekly_workplace_hours_in_week"),
        ),
        sa.CheckConstraint(
            "signed_at IS NULL OR (company_confirmed_at IS NOT NULL "
            "AND school_confirmed_at IS NOT NULL)",
            name=op.f("ck_agreements_signed_once_both_confirmed"),
        ),
        sa.CheckConstraint(
            "ended_on IS NULL OR (signed_at IS NOT NULL AND ended_on >= start_date)",
            name=op.f("ck_agreements_ended_once_signed"),
        ),
        sa.ForeignKeyConstraint(
            ["company_confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_agreements_company_confirmed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_agreements_intake_id_intakes")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentors.id"],
            name=op.f("fk_agreements_mentor_id_mentors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_agreements_recognition_id_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["school_confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_agreements_school_confirmed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_agreements_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("intake_id", name=op.f("uq_agreements_intake_id")),
    )
    op.create_index(op.f("ix_agreements_recognition_id"), "agreements", ["recognition_id"])
    op.create_index(op.f("ix_agreements_student_id"), "agreements", ["student_id"])
    op.create_index(op.f("ix_agreements_mentor_id"), "agreements", ["mentor_id"])
    op.create_table(
        "school_days_off",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_days_off_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "day", name=op.f("pk_school_days_off")),
    )
    op.create_table(
        "training_clock_warnings",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("clock_start", sa.Date(), nullable=False),
        sa.Column("days_left", sa.Integer(), nullable=False),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_training_clock_warnings_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "student_id", "clock_start", "days_left", name=op.f("pk_training_clock_warnings")
        ),
    )
    with op.batch_alter_table("students") as batch:
        batch.add_column(sa.Column("time_up_on", sa.Date(), nullable=True))
    # A plain ADD COLUMN: on SQLite a batch rebuild would drop the table's data-version
    # triggers (migration 0002).
    op.add_column(
        "programmes",
        sa.Column("allows_da", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("programmes", "allows_da")  # plain, as in upgrade: the triggers stay
    with op.batch_alter_table("students") as batch:
        batch.drop_column("time_up_on")
    op.drop_table("training_clock_warnings")
    op.drop_table("school_days_off")
    op.drop_table("agreements")
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column("agreement_type", AGREEMENT_TYPE, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("weekly_workplace_hours", sa.Double(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date > start_date", name=op.f("ck_agreements_ends_after_start")
        ),
        sa.CheckConstraint(
            "weekly_workplace_hours > 0 AND weekly_workplace_hours <= 40",
            name=op.f("ck_agreements_weekly_workplace_hours_in_week"),
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_agreements_recognition_id_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_agreements_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_index(op.f("ix_agreements_recognition_id"), "agreements", ["recognition_id"])
    op.create_index(op.f("ix_agreements_student_id"), "agreements", ["student_id"])
