"""keep every request and decision on a recognition as a history row

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

A new table, `recognition_decisions`, one row per step (requested, recognised, refused,
withdrawn, expired) with who, when and why. The recognitions there are get what they
tell of themselves: the request, and the state they are in now. A withdrawal used to
overwrite the decision time, so a withdrawn recognition starts its history withdrawn;
an expired one was recognised at its decision time and expired on its last day. Who
decided was never stored: those rows name nobody.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BELGIUM = ZoneInfo("Europe/Brussels")
STATUSES = ("requested", "recognised", "refused", "withdrawn", "expired")

recognitions = sa.table(
    "recognitions",
    sa.column("id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("requested_at", sa.DateTime(timezone=True)),
    sa.column("decided_at", sa.DateTime(timezone=True)),
    sa.column("decision_reason", sa.Text()),
    sa.column("valid_until", sa.Date()),
)
decisions = sa.table(
    "recognition_decisions",
    sa.column("recognition_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("decided_at", sa.DateTime(timezone=True)),
    sa.column("reason", sa.Text()),
    sa.column("valid_until", sa.Date()),
)
COLUMNS = ["recognition_id", "status", "decided_at", "reason", "valid_until"]


def upgrade() -> None:
    op.create_table(
        "recognition_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recognition_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES,
                name="recognition_status",
                native_enum=False,
                create_constraint=True,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_recognition_decisions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recognition_id"],
            ["recognitions.id"],
            name=op.f("fk_recognition_decisions_recognition_id_recognitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_decisions")),
    )
    op.create_index(
        op.f("ix_recognition_decisions_recognition_id"), "recognition_decisions", ["recognition_id"]
    )
    op.create_index(
        op.f("ix_recognition_decisions_decided_by_id"), "recognition_decisions", ["decided_by_id"]
    )
    _record_what_the_recognitions_tell()


def _record_what_the_recognitions_tell() -> None:
    r = recognitions
    no_reason, no_term = sa.null().label("reason"), sa.null().label("valid_until")
    steps = [
        # Every recognition was asked for once.
        sa.select(r.c.id, sa.literal("requested"), r.c.requested_at, no_reason, no_term),
        # A decision still in force, or one that a refusal or withdrawal stands for.
        sa.select(r.c.id, r.c.status, r.c.decided_at, r.c.decision_reason, r.c.valid_until).where(
            r.c.status.in_(("recognised", "refused"))
        ),
        sa.select(r.c.id, r.c.status, r.c.decided_at, r.c.decision_reason, no_term).where(
            r.c.status == "withdrawn"
        ),
        # Expiry never touched the decision time: the recognition behind it is known.
        sa.select(
            r.c.id, sa.literal("recognised"), r.c.decided_at, r.c.decision_reason, r.c.valid_until
        ).where(r.c.status == "expired"),
    ]
    for step in steps:
        op.execute(decisions.insert().from_select(COLUMNS, step))
    bind = op.get_bind()
    expired = bind.execute(sa.select(r.c.id, r.c.valid_until).where(r.c.status == "expired")).all()
    rows = [
        {
            "recognition_id": recognition_id,
            "status": "expired",
            # It expires on its last day, at the start of it, Belgian time (step 2).
            "decided_at": datetime.combine(last_day, time(0), BELGIUM).astimezone(UTC),
            "reason": None,
            "valid_until": last_day,
        }
        for recognition_id, last_day in expired
    ]
    for start in range(0, len(rows), 1000):
        bind.execute(decisions.insert(), rows[start : start + 1000])


def downgrade() -> None:
    op.drop_index(op.f("ix_recognition_decisions_decided_by_id"), "recognition_decisions")
    op.drop_index(op.f("ix_recognition_decisions_recognition_id"), "recognition_decisions")
    op.drop_table("recognition_decisions")
