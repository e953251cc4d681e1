"""API tokens: a company creates them for its own systems and revokes them when it wants."""

import hashlib
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ApiToken
from models.base import utcnow
from web.services.errors import InputError, NotFoundError

TOKEN_PREFIX = "dm_"  # noqa: S105 (a prefix, not a secret): lets secret scanners and people recognise a leaked token


def digest(token: str) -> str:
    """Return the SHA-256 hex digest a token is stored and found by."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, company_id: int, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise InputError("name", _l("Geef de sleutel een naam van hoogstens 80 tekens."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        company_id=company_id, name=name, token_digest=digest(secret), hint=secret[-4:]
    )
    session.add(token)
    session.commit()
    return token, secret


def list_tokens(session: Session, company_id: int) -> list[ApiToken]:
    """Return the company's tokens that still work, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.company_id == company_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, company_id: int, token_id: int) -> None:
    """Stop one of the company's tokens from working, at once."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.company_id == company_id)
    )
    if token is None:
        raise NotFoundError
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.commit()


def company_of_token(session: Session, secret: str, now: datetime | None = None) -> int | None:
    """Return the company a valid token acts for, noting its use; None if it is not valid."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(
        select(ApiToken).where(
            ApiToken.token_digest == digest(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        return None
    token.last_used_at = now or utcnow()
    session.flush()
    return token.company_id
