"""A forgotten password: a single-use link by e-mail, then a new password that ends
every session of the account.

1. `request_reset`: the form answers the same whether or not the address has an
   account, and does the same database work either way but for the two rows of a
   link, so neither its answer nor its time tells whether someone has an account. An
   active account gets a link (its token stored only as a digest) valid for an hour;
   an unknown or deactivated address gets nothing. Requests are counted per network
   (past the limit the form refuses, 429) and per address (past the limit nothing more
   is mailed, silently: the same answer, and no inbox flooded by a stranger).
2. `find_reset`: opening the link only reads (a mail scanner that follows it changes
   nothing).
3. `reset_password`: the link's form claims the token once, sets the password, ends
   every session of the account and tells its owner by e-mail.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import EmailToken, LoginFailure, RateEvent, User
from web.services import accounts
from web.services.errors import InputError, LinkExpiredError, TooManyRequestsError
from web.services.messages import _l
from web.services.outbox import queue_mail
from web.services.secrets import digest, new_token

PURPOSE = "password-reset"
LINK_LIFETIME = timedelta(hours=1)
RATE_WINDOW = timedelta(hours=1)
REQUESTS_PER_NETWORK = 10  # per RATE_WINDOW; more, and the form refuses (429)
LINKS_PER_ADDRESS = 3  # per RATE_WINDOW; more, and nothing more is mailed

# The two kinds of rate events: the network asking, and the address asked for. The
# address is counted by its digest: an unknown address typed here is nobody's to keep.
FROM_NETWORK = "password-reset"
FOR_ADDRESS = "password-reset-address"


@dataclass(frozen=True)
class ResetLink:
    """A link that is still valid: for which address, until when."""

    email: str
    expires_at: datetime


def request_reset(
    session: Session,
    email: str,
    remote_addr: str,
    now: datetime,
    link_for: Callable[[str], str],
) -> int | None:
    """Mail a reset link to the address if an active account has it; return the queued
    message's id, or None when nothing is mailed (the caller answers the same)."""
    address = accounts.normalize_email(email)
    if "@" not in address.strip("@") or len(address) > 254:
        raise InputError("email", _l("Geef een geldig e-mailadres."))
    network = accounts.client_of(remote_addr)
    address_key = digest(address)[:45]
    session.execute(
        delete(RateEvent).where(
            RateEvent.kind.in_((FROM_NETWORK, FOR_ADDRESS)), RateEvent.at <= now - RATE_WINDOW
        )
    )
    if _recent(session, FROM_NETWORK, network, now) >= REQUESTS_PER_NETWORK:
        raise TooManyRequestsError
    n_for_address = _recent(session, FOR_ADDRESS, address_key, now)
    session.add_all(
        [
            RateEvent(kind=FROM_NETWORK, network=network, at=now),
            RateEvent(kind=FOR_ADDRESS, network=address_key, at=now),
        ]
    )
    user = session.scalar(select(User).where(User.email == address, User.is_active))
    session.flush()
    if user is None or n_for_address >= LINKS_PER_ADDRESS:
        return None
    token = new_token()
    session.add(
        EmailToken(
            purpose=PURPOSE,
            token_digest=digest(token),
            email=user.email,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    body = _l(
        "Goedendag,\n\nIemand vroeg een nieuw wachtwoord aan voor je account op Duaal Match. "
        "Kies het met deze link, binnen het uur:\n\n%(link)s\n\nDe link werkt één keer. "
        "Vroeg je niets aan? Dan hoef je niets te doen: je wachtwoord blijft hetzelfde.",
        link=link_for(token),
    )
    subject = _l("Een nieuw wachtwoord kiezen voor Duaal Match")
    message = queue_mail(session, "password-reset", user.email, subject, body, now)
    session.flush()
    return message.id


def _recent(session: Session, kind: str, key: str, now: datetime) -> int:
    """Count the rate events of a kind and key within the window."""
    return (
        session.scalar(
            select(func.count()).where(
                RateEvent.kind == kind, RateEvent.network == key, RateEvent.at > now - RATE_WINDOW
            )
        )
        or 0
    )


def _waiting(session: Session, token: str, now: datetime) -> EmailToken:
    """Return the unused, unexpired reset link of a token, or raise `LinkExpiredError`."""
    waiting = session.scalar(
        select(EmailToken).where(
            EmailToken.token_digest == digest(token[:200]), EmailToken.purpose == PURPOSE
        )
    )
    if waiting is None or waiting.used_at is not None or waiting.expires_at <= now:
        raise LinkExpiredError
    return waiting


def find_reset(session: Session, token: str, now: datetime) -> ResetLink:
    """Return the link's address if it can still be used (reads only)."""
    waiting = _waiting(session, token, now)
    return ResetLink(email=waiting.email, expires_at=waiting.expires_at)


def reset_password(
    session: Session, token: str, password: str, now: datetime, reset_link: str
) -> tuple[User, int]:
    """Use a reset link once: set the new password, end every session of the account,
    and queue a notice to its owner; return the user and the notice's message id.

    A password that breaks the rules raises `InputError` before anything changes (the
    link stays usable); a link used, expired, or of an account deactivated meanwhile
    raises `LinkExpiredError`.
    """
    waiting = _waiting(session, token, now)
    password_hash = accounts.hash_password(password)
    user = session.scalar(select(User).where(User.email == waiting.email, User.is_active))
    if user is None:
        raise LinkExpiredError
    # Claimed before anything else is written: of two submits at once, one wins.
    claimed = session.execute(
        update(EmailToken)
        .where(EmailToken.id == waiting.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkExpiredError
    # Older links in the same mailbox stop working: only the newest password stands.
    session.execute(
        update(EmailToken)
        .where(
            EmailToken.email == user.email,
            EmailToken.purpose == PURPOSE,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    user.password_hash = password_hash
    accounts.end_sessions(session, user.id, now)
    # The guesses counted against the account tried a password that no longer exists.
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    body = _l(
        "Goedendag,\n\nHet wachtwoord van je account op Duaal Match is zonet gewijzigd met "
        "een link die we je mailden. Je bent overal afgemeld; meld je aan met je nieuwe "
        "wachtwoord.\n\nWas jij dit niet? Kies dan meteen een ander wachtwoord via "
        "%(link)s: wie jouw e-mail kan lezen, kan ook je wachtwoord wijzigen.",
        link=reset_link,
    )
    subject = _l("Je wachtwoord op Duaal Match is gewijzigd")
    notice = queue_mail(session, "password-changed", user.email, subject, body, now)
    session.flush()
    return user, notice.id
