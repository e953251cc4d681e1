"""Accounts: creating users, checking passwords, slowing down password guessing, and the
login sessions that logout, a new password or a deactivation end.

A login takes three steps, each its caller's unit of work, so that parallel guesses
see each other and the slow password hash holds no write lock:

1. `record_attempt`: every attempt is first written down as a failure;
2. `is_within_limits`: then counted (past a limit the attempt's row is removed with
   `forget_attempt`, so the lock lifts 15 minutes after the failures, however often
   someone knocks);
3. `check_password` (reads only), and on success `complete_login`, which starts a
   session and remembers the network.

Limits over 15 minutes: 5 per account from one network, 20 per account from anywhere
(guessing spread over networks), 30 per network (one password tried on many accounts).
A network the account logged in from successfully within 90 days is not held by the
20 failures from elsewhere: nobody can lock the owner out from afar.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import LoginFailure, LoginNetwork, LoginSession, User
from models.enums import Role
from web.services.errors import InputError, NotFoundError
from web.services.messages import _l
from web.services.secrets import digest, new_token

# Argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
PASSWORDS = PasswordHasher()
MIN_PASSWORD_LENGTH = 10

EMAIL_IN_USE = _l("Er bestaat al een account met dit e-mailadres.")

# Failed logins are counted over a window; past a limit, logins wait until it passes.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT_AND_CLIENT = 5
MAX_FAILURES_PER_ACCOUNT = 20
MAX_FAILURES_PER_CLIENT = 30
KNOWN_NETWORK_DAYS = 90  # a network the owner logged in from stays theirs this long
SESSION_TOUCH = timedelta(minutes=5)  # how stale "last seen" may be before it is written

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
        raise InputError(
            "password", _l("Een wachtwoord heeft minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH)
        )
    return PASSWORDS.hash(password)


def create_user(
    session: Session, role: Role, email: str, password_hash: str, entity_id: int | None
) -> User:
    """Add a user for the entity of its role (its password hashed by `hash_password`);
    an address already taken is refused."""
    address = normalize_email(email)
    if "@" not in address.strip("@") or len(address) > 254:
        raise InputError("email", _l("Geef een geldig e-mailadres."))
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise InputError("email", EMAIL_IN_USE)
    kind = ENTITY_OF_ROLE[role]
    if bool(kind) != (entity_id is not None):
        wanted = kind.removesuffix("_id") if kind else "no party"
        raise InputError("entity", f"a {role.value} user belongs to {wanted}")
    user = User(email=address, password_hash=password_hash, role=role)
    if kind:
        setattr(user, kind, entity_id)
    try:
        # A savepoint: the same address taken a moment ago by another request fails this
        # insert alone, and the caller's unit of work can still answer (or roll back).
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        if session.scalar(select(User.id).where(User.email == address)) is None:
            raise  # not the address: the party it was for is gone
        raise InputError("email", EMAIL_IN_USE) from None
    return user


def client_of(remote_addr: str) -> str:
    """Return the network a login comes from: the IPv4 address, or the IPv6 /64.

    One IPv6 subscriber usually holds a whole /64, so counting single addresses there
    would give an attacker billions of fresh starts.
    """
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:45]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)  # an IPv4 client seen by a dual-stack listener
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def record_attempt(session: Session, email: str, remote_addr: str, now: datetime) -> LoginFailure:
    """Write a login attempt down as a failure (step 1); old failures are dropped."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - FAILURE_WINDOW))
    attempt = LoginFailure(
        email=normalize_email(email)[:254], remote_addr=client_of(remote_addr), at=now
    )
    session.add(attempt)
    session.flush()
    return attempt


def is_within_limits(session: Session, attempt: LoginFailure, now: datetime) -> bool:
    """Count the recent failures, this attempt included (step 2)."""
    recent = select(func.count()).where(LoginFailure.at >= now - FAILURE_WINDOW)
    known = session.scalar(
        select(LoginNetwork.last_login_at).where(
            LoginNetwork.email == attempt.email,
            LoginNetwork.network == attempt.remote_addr,
            LoginNetwork.last_login_at >= now - timedelta(days=KNOWN_NETWORK_DAYS),
        )
    )
    counts = (
        session.scalar(
            recent.where(
                LoginFailure.email == attempt.email, LoginFailure.remote_addr == attempt.remote_addr
            )
        ),
        # From a network the owner logged in from, failures elsewhere do not count.
        0 if known else session.scalar(recent.where(LoginFailure.email == attempt.email)),
        session.scalar(recent.where(LoginFailure.remote_addr == attempt.remote_addr)),
    )
    limits = (
        MAX_FAILURES_PER_ACCOUNT_AND_CLIENT,
        MAX_FAILURES_PER_ACCOUNT,
        MAX_FAILURES_PER_CLIENT,
    )
    return all((count or 0) <= limit for count, limit in zip(counts, limits, strict=True))


def forget_attempt(session: Session, attempt_id: int) -> None:
    """Remove an attempt that was refused before its password was checked."""
    session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))


def check_password(session: Session, email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password, or None (step 3; reads only).

    An unknown or inactive account costs a hash check too: timing tells nothing.
    """
    address = normalize_email(email)[:254]
    user = session.scalar(select(User).where(User.email == address, User.is_active))
    matches = _password_matches(user.password_hash if user else None, password)
    return user if user is not None and matches else None


def complete_login(
    session: Session, user_id: int, password: str, remote_addr: str, now: datetime
) -> str:
    """After a correct password: clear the account's failures, rehash if the parameters
    changed, remember the network, and start a session; return the session's token."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError
    if PASSWORDS.check_needs_rehash(user.password_hash or ""):
        user.password_hash = PASSWORDS.hash(password)
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    network = client_of(remote_addr)
    known = session.get(LoginNetwork, (user.email, network))
    if known is None:
        session.add(LoginNetwork(email=user.email, network=network, last_login_at=now))
    else:
        known.last_login_at = now
    return start_session(session, user.id, now)


# --- Sessions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionLimits:
    """When a session ends by itself: unused for `idle`, or `lifetime` after login."""

    idle: timedelta
    lifetime: timedelta


def start_session(session: Session, user_id: int, now: datetime) -> str:
    """Start a login session for a user; return its token (kept only in the cookie)."""
    token = new_token()
    session.add(
        LoginSession(user_id=user_id, token_digest=digest(token), created_at=now, last_seen_at=now)
    )
    session.flush()
    return token


def find_session(
    session: Session, user_id: int, token: str, now: datetime, limits: SessionLimits
) -> tuple[User, LoginSession] | None:
    """Return the active user of a session that still runs, or None."""
    found = session.execute(
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.is_active,
            LoginSession.token_digest == digest(token),
            LoginSession.ended_at.is_(None),
            LoginSession.last_seen_at > now - limits.idle,
            LoginSession.created_at > now - limits.lifetime,
        )
    ).first()
    return None if found is None else (found[0], found[1])


def touch_session(session: Session, session_id: int, now: datetime) -> None:
    """Note that a session is in use (its idle time starts again)."""
    session.execute(
        update(LoginSession).where(LoginSession.id == session_id).values(last_seen_at=now)
    )


def end_session(session: Session, token: str, now: datetime) -> None:
    """End one session (logout): the cookie no longer opens anything, wherever it went."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.token_digest == digest(token), LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_sessions(session: Session, user_id: int, now: datetime) -> int:
    """End every session of a user; return how many were running."""
    ended = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return int(ended.rowcount)  # type: ignore[attr-defined]


def set_password(session: Session, email: str, password: str, now: datetime) -> User:
    """Give an account a new password; every session of it ends."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFoundError
    user.password_hash = hash_password(password)
    end_sessions(session, user.id, now)
    return user


def deactivate(session: Session, email: str, now: datetime) -> User:
    """Close an account: it can no longer log in, and every session of it ends."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFoundError
    user.is_active = False
    end_sessions(session, user.id, now)
    return user


@cache
def _dummy_hash() -> str:
    """A hash with today's parameters, made on first need (not at every import)."""
    return PASSWORDS.hash("no account has this password")


def _password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return PASSWORDS.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
