"""Scheduled jobs' bookkeeping: the log of every run, the lock that keeps runs apart, and
the outbox of e-mails the jobs queue."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class JobRun(Base):
    """One run of a job, with what it changed: admins read these."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60), index=True)
    trigger: Mapped[str] = mapped_column(String(20))  # "schedule" or "hand"
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # running → succeeded | failed; skipped when another run of the job held the lock.
    status: Mapped[str] = mapped_column(String(20))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class JobLock(Base):
    """A held job lock, for SQLite (PostgreSQL uses an advisory lock instead).

    A row exists while a run holds the job; a process that dies leaves it behind, so a
    lock older than its time-out is taken over.
    """

    __tablename__ = "job_locks"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime]


class OutboxMessage(Base):
    """An e-mail queued by a job or a page and sent by the mailer; each reminder exists once.

    `student_id` marks a message that speaks of a student, so that erasing the student
    erases it too.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # One reminder of a kind per recognition and date it is about: a second run of
        # the job finds it there and queues nothing.
        UniqueConstraint("kind", "recognition_id", "about", name="uq_outbox_kind_recognition_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    recognition_id: Mapped[int | None] = mapped_column(ForeignKey("recognitions.id"), index=True)
    # Of a reminder: the expiry date, or the confirmation date going stale.
    about: Mapped[date | None]
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
