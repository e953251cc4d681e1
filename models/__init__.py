"""Data layer: typed SQLAlchemy models, migrations and reference-data loaders.

Never imports `web` or `flask` (see ARCHITECTURE.md); plain SQLAlchemy only.
"""

from models.access import ApiToken, LoginFailure
from models.base import Base, utcnow
from models.intake import Agreement, Intake
from models.jobs import JobLock, JobRun, OutboxMessage
from models.people import School, Student, User
from models.reference import Partnership, Postcode, Programme
from models.versioning import DataVersion
from models.workplaces import Company, Mentor, Recognition, Site

__all__ = [
    "Agreement",
    "ApiToken",
    "Base",
    "Company",
    "DataVersion",
    "Intake",
    "JobLock",
    "JobRun",
    "LoginFailure",
    "Mentor",
    "OutboxMessage",
    "Partnership",
    "Postcode",
    "Programme",
    "Recognition",
    "School",
    "Site",
    "Student",
    "User",
    "utcnow",
]
