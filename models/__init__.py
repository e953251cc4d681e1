"""Data layer: typed SQLAlchemy models, migrations and reference-data loaders.

Never imports `web` or `flask` (see ARCHITECTURE.md); plain SQLAlchemy only.
"""

from models.access import ApiToken, EmailToken, LoginFailure, LoginNetwork, LoginSession, RateEvent
from models.allocation import AllocationLine, AllocationRun
from models.base import Base, utcnow
from models.decisions import RecognitionDecision
from models.intake import (
    Agreement,
    Announcement,
    Intake,
    IntakeSlot,
    SchoolDayOff,
    StudentInterest,
    TrainingClockWarning,
)
from models.jobs import JobLock, JobRun, OutboxMessage
from models.people import School, Student, User
from models.reference import Partnership, Postcode, Programme
from models.versioning import DataVersion
from models.workplaces import Company, Mentor, Recognition, Site

__all__ = [
    "Agreement",
    "AllocationLine",
    "AllocationRun",
    "Announcement",
    "ApiToken",
    "Base",
    "Company",
    "DataVersion",
    "EmailToken",
    "Intake",
    "IntakeSlot",
    "JobLock",
    "JobRun",
    "LoginFailure",
    "LoginNetwork",
    "LoginSession",
    "Mentor",
    "OutboxMessage",
    "Partnership",
    "Postcode",
    "Programme",
    "RateEvent",
    "Recognition",
    "RecognitionDecision",
    "School",
    "SchoolDayOff",
    "Site",
    "Student",
    "StudentInterest",
    "TrainingClockWarning",
    "User",
    "utcnow",
]
