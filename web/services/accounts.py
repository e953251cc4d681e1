"""Accounts: creating users, checking passwords, and slowing down password guessing."""

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import LoginFailure, User
from models.base import utcnow
from models.enums import Role
from web.services.errors import InputError

# Argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
PASSWORDS = PasswordHasher()
MIN_PASSWORD_LENGTH = 10

# Failed logins are counted over a window; past a limit, logins wait until it passes.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30  # many accounts tried from one address


class TooManyFailuresError(Exception):
    """Too many failed logins for this account or address: wait before trying again."""


# The User column that ties each role to its party (admins act for nobody).
ENTITY_OF_ROLE = {
    Role.STUDENT: "student_id",
    Role.SCHOOL_STAFF: "school_id",
    Role.COMPANY: "company_id",
    Role.CONSULTANT: "partnership_id",
    Role.ADMIN: "",
}


def normalize_email(raw: str) -> str:
    """Return an e-mail address trimmed and lower-cased, the form users are found by."""
    return raw.strip().lower()


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password, refusing one that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError("password", f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens.")
    return PASSWORDS.hash(password)


def create_user(
    session: Session, role: Role, email: str, password: str, entity_id: int | None
) -> User:
    """Add a user for the entity of its role; the caller's transaction decides when it lands."""
    address = normalize_email(email)
    if "@" not in address.strip("@") or len(address) > 254:
        raise InputError("email", "Geef een geldig e-mailadres.")
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise InputError("email", "Er bestaat al een account met dit e-mailadres.")
    kind = ENTITY_OF_ROLE[role]
    if bool(kind) != (entity_id is not None):
        wanted = kind.removesuffix("_id") if kind else "no party"
        raise InputError("entity", f"a {role.value} user belongs to {wanted}")
    user = User(email=address, password_hash=hash_password(password), role=role)
    if kind:
        setattr(user, kind, entity_id)
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session, email: str, password: str, remote_addr: str, now: datetime | None = None
) -> User | None:
    """Return the active user with this e-mail and password, or None; commits the outcome.

    Raises `TooManyFailuresError` before checking anything once the account or the
    address has failed too often lately, so guessing is slow whoever is guessed.
    """
    now = now or utcnow()
    address = normalize_email(email)[:254]
    remote_addr = remote_addr[:45]
    since = now - FAILURE_WINDOW
    session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    by_email = session.scalar(
        select(func.count()).where(LoginFailure.email == address, LoginFailure.at >= since)
    )
    by_address = session.scalar(
        select(func.count()).where(
            LoginFailure.remote_addr == remote_addr, LoginFailure.at >= since
        )
    )
    if (by_email or 0) >= MAX_FAILURES_PER_EMAIL or (by_address or 0) >= MAX_FAILURES_PER_ADDRESS:
        session.commit()
        raise TooManyFailuresError
    user = session.scalar(select(User).where(User.email == address))
    if user is not None and user.is_active and _password_matches(user.password_hash, password):
        if PASSWORDS.check_needs_rehash(user.password_hash or ""):
            user.password_hash = PASSWORDS.hash(password)
        session.execute(delete(LoginFailure).where(LoginFailure.email == address))
        session.commit()
        return user
    session.add(LoginFailure(email=address, remote_addr=remote_addr, at=now))
    session.commit()
    return None


# Unknown accounts cost a hash check too, so timing does not tell which e-mails exist.
_DUMMY_HASH = PASSWORDS.hash("no account has this password")


def _password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return PASSWORDS.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
