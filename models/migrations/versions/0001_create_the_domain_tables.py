"""create the domain tables

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kbo_number", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("n_employees", sa.Integer(), nullable=True),
        sa.Column("declares_activities", sa.Boolean(), nullable=False),
        sa.Column("declares_financial_capacity", sa.Boolean(), nullable=False),
        sa.Column("declares_organisation", sa.Boolean(), nullable=False),
        sa.Column("declares_no_convictions", sa.Boolean(), nullable=False),
        sa.Column("declares_commitments", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(kbo_number) = 10 AND substr(kbo_number, 1, 1) IN ('0', '1')",
            name=op.f("ck_companies_kbo_number_has_10_digits"),
        ),
        sa.CheckConstraint(
            "n_employees IS NULL OR n_employees >= 0",
            name=op.f("ck_companies_n_employees_not_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("kbo_number", name=op.f("uq_companies_kbo_number")),
    )
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnerships")),
        sa.UniqueConstraint("name", name=op.f("uq_partnerships_name")),
    )
    op.create_table(
        "postcodes",
        sa.Column("postcode", sa.String(length=4), nullable=False),
        sa.Column("municipality_nl", sa.String(length=80), nullable=False),
        sa.Column("municipality_fr", sa.String(length=80), nullable=False),
        sa.Column("region", sa.String(length=20), nullable=False),
        sa.Column("province", sa.String(length=30), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("places", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "lat BETWEEN 49 AND 52 AND lon BETWEEN 2 AND 7",
            name=op.f("ck_postcodes_inside_belgium"),
        ),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcodes")),
    )
    op.create_table(
        "mentors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("years_experience", sa.Integer(), nullable=False),
        sa.Column("has_age_waiver", sa.Boolean(), nullable=False),
        sa.Column("extract_596_2_shown_on", sa.Date(), nullable=True),
        sa.Column(
            "training_status",
            sa.Enum(
                "not_started",
                "enrolled",
                "completed",
                "exempted",
                name="training_status",
                native_enum=False,
                create_constraint=True,
                length=19,
            ),
            nullable=False,
        ),
        sa.Column("training_deadline", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "years_experience >= 0", name=op.f("ck_mentors_years_experience_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_mentors_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentors")),
    )
    op.create_index(op.f("ix_mentors_company_id"), "mentors", ["company_id"], unique=False)

    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("study_domain", sa.String(length=60), nullable=False),
        sa.Column("sector", sa.String(length=60), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column(
            "learner_type",
            sa.Enum(
                "secondary",
                "adult",
                name="learner_type",
                native_enum=False,
                create_constraint=True,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("workplace_hours", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "workplace_hours BETWEEN 0 AND 40", name=op.f("ck_programmes_workplace_hours_in_week")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_programmes_partnership_id_partnerships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_programmes_code")),
    )
    op.create_index(
        op.f("ix_programmes_partnership_id"), "programmes", ["partnership_id"], unique=False
    )

    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "secondary",
                "part_time_centre",
                "syntra",
                "adult_centre",
                name="school_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=4), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["postcode"], ["postcodes.postcode"], name=op.f("fk_schools_postcode_postcodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    op.create_index(op.f("ix_schools_postcode"), "schools", ["postcode"], unique=False)

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=4), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name=op.f("ck_sites_coordinates")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sites_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["postcode"], ["postcodes.postcode"], name=op.f("fk_sites_postcode_postcodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    op.create_index(op.f("ix_sites_company_id"), "sites", ["company_id"], unique=False)
    op.create_index(op.f("ix_sites_postcode"), "sites", ["postcode"], unique=False)

    op.create_table(
        "recognitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "recognised",
                "refused",
                "withdrawn",
                "expired",
                name="recognition_status",
                native_enum=False,
                create_constraint=True,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("n_places", sa.Integer(), nullable=False),
        sa.Column("n_free_places", sa.Integer(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("intake_preferences", sa.JSON(), nullable=False),
        sa.Column("last_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_available", sa.Boolean(), nullable=False),
        sa.Column("is_at_risk", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'requested' OR decided_at IS NOT NULL",
            name=op.f("ck_recognitions_decided_has_a_decision_time"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('recognised', 'expired', 'withdrawn') OR valid_until IS NOT NULL",
            name=op.f("ck_recognitions_decided_has_validity"),
        ),
        sa.CheckConstraint(
            "NOT is_available OR (status = 'recognised' AND n_free_places > 0)",
            name=op.f("ck_recognitions_available_only_if_recognised_and_free"),
        ),
        sa.CheckConstraint(
            "n_free_places >= 0 AND n_free_places <= n_places",
            name=op.f("ck_recognitions_n_free_places_within_places"),
        ),
        sa.CheckConstraint("n_places >= 0", name=op.f("ck_recognitions_n_places_not_negative")),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentors.id"],
            name=op.f("fk_recognitions_mentor_id_mentors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_recognitions_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_recognitions_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognitions")),
        sa.UniqueConstraint("site_id", "programme_id", name="uq_recognitions_site_programme"),
    )
    op.create_index(op.f("ix_recognitions_mentor_id"), "recognitions", ["mentor_id"], unique=False)
    op.create_index(
        "ix_recognitions_programme_available",
        "recognitions",
        ["programme_id", "is_available"],
        unique=False,
    )

    op.create_table(
        "students",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("home_postcode", sa.String(length=4), nullable=False),
        sa.Column(
            "mobility",
            sa.Enum(
                "walk",
                "bike",
                "public_transport",
                "car",
                name="mobility",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("is_ready_for_work", sa.Boolean(), nullable=False),
        sa.Column("lessons_start_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_postcode"],
            ["postcodes.postcode"],
            name=op.f("fk_students_home_postcode_postcodes"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_students_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_students_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_students")),
    )
    op.create_index(op.f("ix_students_programme_id"), "students", ["programme_id"], unique=False)
    op.create_index(op.f("ix_students_school_id"), "students", ["school_id"], unique=False)

    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column(
            "agreement_type",
            sa.Enum(
                "SAO",
                "OAO",
                "DA",
                "ODO",
                "ODO-statuut",
                name="agreement_type",
                native_enum=False,
                create_constraint=True,
                length=19,
            ),
            nullable=False,
        ),
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
    op.create_index(
        op.f("ix_agreements_recognition_id"), "agreements", ["recognition_id"], unique=False
    )
    op.create_index(op.f("ix_agreements_student_id"), "agreements", ["student_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "student",
                "school_staff",
                "company",
                "consultant",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'student') = (student_id IS NOT NULL) AND (role = 'school_staff') = (school_id IS NOT NULL) AND (role = 'company') = (company_id IS NOT NULL) AND (role = 'consultant') = (partnership_id IS NOT NULL)",
            name=op.f("ck_users_tied_to_its_entity"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_users_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_users_partnership_id_partnerships"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_users_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_users_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_index(op.f("ix_users_company_id"), "users", ["company_id"], unique=False)
    op.create_index(op.f("ix_users_partnership_id"), "users", ["partnership_id"], unique=False)
    op.create_index(op.f("ix_users_school_id"), "users", ["school_id"], unique=False)
    op.create_index(op.f("ix_users_student_id"), "users", ["student_id"], unique=False)

    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "accepted",
                "declined",
                "held",
                "cancelled",
                "expired",
                name="intake_status",
                native_enum=False,
                create_constraint=True,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "location",
            sa.Enum(
                "school",
                "company",
                "online",
                name="intake_location",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
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
    op.create_index(op.f("ix_intakes_recognition_id"), "intakes", ["recognition_id"], unique=False)
    op.create_index(op.f("ix_intakes_student_id"), "intakes", ["student_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_intakes_student_id"), table_name="intakes")
    op.drop_index(op.f("ix_intakes_recognition_id"), table_name="intakes")

    op.drop_table("intakes")
    op.drop_index(op.f("ix_users_student_id"), table_name="users")
    op.drop_index(op.f("ix_users_school_id"), table_name="users")
    op.drop_index(op.f("ix_users_partnership_id"), table_name="users")
    op.drop_index(op.f("ix_users_company_id"), table_name="users")

    op.drop_table("users")
    op.drop_index(op.f("ix_agreements_student_id"), table_name="agreements")
    op.drop_index(op.f("ix_agreements_recognition_id"), table_name="agreements")

    op.drop_table("agreements")
    op.drop_index(op.f("ix_students_school_id"), table_name="students")
    op.drop_index(op.f("ix_students_programme_id"), table_name="students")

    op.drop_table("students")
    op.drop_index("ix_recognitions_programme_available", table_name="recognitions")
    op.drop_index(op.f("ix_recognitions_mentor_id"), table_name="recognitions")

    op.drop_table("recognitions")
    op.drop_index(op.f("ix_sites_postcode"), table_name="sites")
    op.drop_index(op.f("ix_sites_company_id"), table_name="sites")

    op.drop_table("sites")
    op.drop_index(op.f("ix_schools_postcode"), table_name="schools")

    op.drop_table("schools")
    op.drop_index(op.f("ix_programmes_partnership_id"), table_name="programmes")

    op.drop_table("programmes")
    op.drop_index(op.f("ix_mentors_company_id"), table_name="mentors")

    op.drop_table("mentors")
    op.drop_table("postcodes")
    op.drop_table("partnerships")
    op.drop_table("companies")
