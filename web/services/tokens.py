"""API tokens: a company creates them for its own systems and revokes them when it wants."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ApiToken
from models.enums import Role
from web.services import policy
from web.services.errors import InputError, NotFoundError
from web.services.messages import _l
from web.services.policy import Party
from web.services.secrets import digest, new_token

TOKEN_PREFIX = "dm_"  # noqa: S105 (a prefix, not a secret): lets secret scanners and people recognise a leaked token


def create_token(session: Session, party: Party, name: str) -> tuple[ApiToken, str]:
    """Create a token for the party's company; the secret is returned once, never stored."""
    policy.require(party, Role.COMPANY)
    name = name.strip()
    if not name or len(name) > 80:
        raise InputError("name", _l("Geef de sleutel een naam van hoogstens 80 tekens."))
    secret = new_token(TOKEN_PREFIX)
    token = ApiToken(
        company_id=party.company_id, name=name, token_digest=digest(secret), hint=secret[-4:]
    )
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session, party: Party) -> list[ApiToken]:
    """Return the party's tokens that still work, newest first."""
    return list(
        session.scalars(
            policy.visible(party, ApiToken)
            .where(ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def find_token(session: Session, party: Party, token_id: int) -> ApiToken:
    """Return one of the party's tokens that still works."""
    token = policy.find(session, party, ApiToken, token_id)
    if token.revoked_at is not None:
        raise NotFoundError
    return token


def revoke_token(session: Session, party: Party, token_id: int, now: datetime) -> None:
    """Stop one of the party's tokens from working, at once."""
    token = policy.find(session, party, ApiToken, token_id)
    if token.revoked_at is None:
        token.revoked_at = now
        session.flush()


def party_of_token(session: Session, secret: str, now: datetime) -> Party | None:
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
    token.last_used_at = now
    session.flush()
    return Party.of_company(token.company_id)
