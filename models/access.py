"""Who may get in: companies' API tokens and the failed logins that slow guessing down."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.workplaces import Company


class ApiToken(Base):
    """A token a company's own system uses to update its places through the API.

    Only a SHA-256 digest is stored: the token is random and long, so a slow password
    hash would add nothing, and the digest is useless to whoever reads the table.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(8))  # the token's last characters, to tell them apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    company: Mapped[Company] = relationship()


class LoginFailure(Base):
    """One failed login, kept a short while to limit guessing per account and address."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "at"),
        Index("ix_login_failures_remote_addr_at", "remote_addr", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # old ones are purged
