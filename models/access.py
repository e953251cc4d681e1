"""Who may get in: login sessions, companies' API tokens, the failed logins that slow
guessing down, single-use e-mail tokens and the counts that keep forms from being abused."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.workplaces import Company


class LoginSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its digest.

    Ending the row ends the session wherever the cookie went: logout, a new password, a
    deactivated account, or the idle and absolute time-outs.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class LoginNetwork(Base):
    """A network an account logged in from successfully: failures elsewhere do not lock
    the account out of it (README, "Logging in")."""

    __tablename__ = "login_networks"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    network: Mapped[str] = mapped_column(String(45), primary_key=True)
    last_login_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class EmailToken(Base):
    """A single-use link sent by e-mail (confirm a registration, reset a password).

    Only the digest is stored; `payload` holds what the link completes (a registration
    waits here, with its password already hashed, until its address is confirmed).
    """

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class RateEvent(Base):
    """One use of a form that could be abused (a registration), counted per network."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_kind_network_at", "kind", "network", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    network: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


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
