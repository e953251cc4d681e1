"""rebuild intakes for proposals; add slots, students' interests, announcements, users' names

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

No page ever wrote an intake before this revision, so the table is made anew in the
shape the proposals need (its states changed), rather than altered in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_OR_PLANNED = "status IN ('proposed', 'countered') OR (status = 'accepted' AND outcome IS NULL)"


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values) + 8,
    )


def upgrade() -> None:
    op.drop_index(op.f("ix_intakes_student_id"), table_name="intakes")
    op.drop_index(op.f("ix_intakes_recognition_id"), table_name="intakes")
    op.drop_table("intakes")
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            _enum(
                "intake_status",
                "proposed",
                "countered",
                "accepted",
                "declined",
                "expired",
                "withdrawn",
                "full",
            ),
            nullable=False,
        ),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("location", _enum("intake_location", "school", "company"), nullable=False),
        sa.Column("location_note", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "decline_reason",
            _enum("decline_reason", "no_place", "profile", "timing", "other"),
            nullable=True,
        ),
        sa.Column("company_note", sa.Text(), nullable=True),
        sa.Column(
            "outcome", _enum("intake_outcome", "match", "no_match", "not_held"), nullable=True
        ),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR status = 'accepted'", name=op.f("ck_intakes_outcome_once_accepted")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_intakes_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_intakes_recognition_id_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_intakes_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
    )
    op.create_index(op.f("ix_intakes_recognition_id"), "intakes", ["recognition_id"])
    op.create_index(op.f("ix_intakes_student_id"), "intakes", ["student_id"])
    op.create_index(op.f("ix_intakes_status"), "intakes", ["status"])
    op.create_index(op.f("ix_intakes_respond_by"), "intakes", ["respond_by"])
    op.create_index(
        "uq_intakes_open_per_student_workplace",
        "intakes",
        ["student_id", "recognition_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_OR_PLANNED),
        postgresql_where=sa.text(OPEN_OR_PLANNED),
    )
    op.create_table(
        "intake_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_by", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name=op.f("fk_intake_slots_intake_id_intakes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_slots")),
    )
    op.create_index(op.f("ix_intake_slots_intake_id"), "intake_slots", ["intake_id"])
    op.create_table(
        "student_interests",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_student_interests_recognition_id_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_student_interests_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", "recognition_id", name=op.f("pk_student_interests")),
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("radius_km", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_announcements_recognition_id_recognitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_index(op.f("ix_announcements_created_at"), "announcements", ["created_at"])
    op.create_index(op.f("ix_announcements_recognition_id"), "announcements", ["recognition_id"])
    with op.batch_alter_table("students") as batch:
        batch.create_unique_constraint(
            "uq_students_identity", ["school_id", "first_name", "last_name", "birth_date"]
        )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("name", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("name")
    with op.batch_alter_table("students") as batch:
        batch.drop_constraint("uq_students_identity", type_="unique")
    op.drop_table("announcements")
    op.drop_table("student_interests")
    op.drop_table("intake_slots")
    op.drop_table("intakes")
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            _enum(
                "intake_status", "proposed", "accepted", "declined", "held", "cancelled", "expired"
            ),
            nullable=False,
        ),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "location", _enum("intake_location", "school", "company", "online"), nullable=False
        ),
        sa.Column("location_note", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_intakes_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_intakes_recognition_id_recognitions"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_intakes_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
    )
    op.create_index(op.f("ix_intakes_recognition_id"), "intakes", ["recognition_id"])
    op.create_index(op.f("ix_intakes_student_id"), "intakes", ["student_id"])
