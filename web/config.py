"""Settings from the environment: one typed object, built once in `create_app`.

Each setting is an environment variable with a documented default:

- `DUAAL_ENV` (`production`): `development`, `test` or `production`.
- `SECRET_KEY` (none; required in production): signs session cookies.
- `DATABASE_URL` (SQLite file `instance/duaal.sqlite3`): SQLAlchemy URL; `postgres://`
  works too.
- `SEARCH_WEIGHTS` (`distance=0.45,availability=0.3,preferences=0.15,freshness=0.1`):
  the factor weights of the ranking (see matcher/scoring.py); left-out factors keep
  their default.
- `SEARCH_UNCONFIRMED_AFTER_DAYS` (`90`): unconfirmed for longer, a free place is shown
  as unconfirmed and ranks lower.
- `SEARCH_STALE_AFTER_DAYS` (`180`): unconfirmed for longer, a free place no longer counts.
- `SEARCH_MAX_WIDEN_KM` (`100`, at most 200): widening a search stops at this radius.
- `SEARCH_MAX_WIDEN_KM_WALK` (`5`), `_BIKE` (`20`), `_PUBLIC_TRANSPORT` (`50`), `_CAR`
  (`100`): widening stops sooner for someone on foot, by bike or by public transport
  (about an hour's journey for a teenager), never past `SEARCH_MAX_WIDEN_KM`; a result
  beyond the ceiling of the searcher's mode is called too far for it.
- `SEARCH_VERSION_CHECK_SECONDS` (`1`): how often a process looks for changed data.
- `JOBS_REFRESH_AT` (`03:30`): when the clock runs refresh-availability, Belgian time
  (not between 02:00 and 03:00, which happens twice or never when the clocks change).
- `MAIL_URL` (`console`): where e-mail goes: `console` (the log), or
  `smtp://user:password@host:587` (STARTTLS) or `smtps://...:465`.
- `MAIL_FROM` (`Duaal Match <noreply@duaalmatch.be>`): the sender of e-mail.
- `TRUSTED_PROXIES` (`0`): how many proxies in front set `X-Forwarded-For` (login limits
  count per client address, so behind a router this must be set).
- `PUBLIC_URL` (`http://127.0.0.1:5000`): the site's address, for links in e-mails
  (never taken from a request's Host header, which a client chooses).
- `SESSION_IDLE_HOURS` (`8`): a login unused for longer ends.
- `SESSION_MAX_DAYS` (`30`): any login ends after this long.
- `REGISTRATIONS_PER_HOUR` (`10`): company registrations accepted per network and hour.
- `DATABASE_TIMEOUT_SECONDS` (`5`): the longest wait for the database (to connect, for a
  statement, for a lock); past it, pages answer 503 instead of hanging.
- `STUDENT_RETENTION_DAYS` (`365`): a student who left the school is erased this long after.
- `INTAKE_MAX_OPEN` (`3`): open intake proposals a student may have at once.
- `INTAKE_RESPOND_DAYS` (`5`): the default deadline for a company's answer, in working days.
- `MENTOR_MAX_LEARNERS` (`2`): learners one mentor may coach at once.

Tests hand `create_app` a mapping with the same names; its values may already be typed
(`SEARCH_VERSION_CHECK_SECONDS=0.0`), and `SEARCH_BACKGROUND_REBUILD=False` makes a
request rebuild the search index in line instead of in a background thread.
"""

import logging
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app

from matcher import MAX_RADIUS_KM, MAX_WIDEN_KM, InvalidQueryError, ScoreWeights
from models.refresh import STALE_WARNING_DAYS
from models.rules import STALE_AFTER_DAYS, UNCONFIRMED_AFTER_DAYS
from web.settings import (
    DEFAULT_MAIL_FROM,
    MAX_WIDEN_KM_BY_MOBILITY,
    AgreementSettings,
    IntakeSettings,
    SearchSettings,
    SessionSettings,
    Settings,
)

ENVIRONMENTS = ("development", "test", "production")
EXTENSION_KEY = "duaal_settings"

log = logging.getLogger(__name__)

T = TypeVar("T")


class ConfigError(RuntimeError):
    """The settings do not allow the app to start."""


def load_settings(environ: Mapping[str, Any], instance_path: str) -> Settings:
    """Read the settings from environment variables (or a test's mapping of them)."""
    env = str(environ.get("DUAAL_ENV") or "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"DUAAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    secret_key = str(environ.get("SECRET_KEY") or "")
    if not secret_key:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value, or set "
                "DUAAL_ENV=development on a developer machine."
            )
        # Random per process rather than a known default: nothing signed with it can be
        # forged, and a developer notices sessions reset on restart, not a silent hole.
        log.info("SECRET_KEY not set; using a random key for this process (%s)", env)
        secret_key = secrets.token_hex(32)
    database_url = str(
        environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'duaal.sqlite3'}"
    )
    search = SearchSettings(
        weights=_read(environ, "SEARCH_WEIGHTS", _weights, ScoreWeights()),
        unconfirmed_after_days=_read(
            environ, "SEARCH_UNCONFIRMED_AFTER_DAYS", _positive(int), UNCONFIRMED_AFTER_DAYS
        ),
        stale_after_days=_read(
            environ, "SEARCH_STALE_AFTER_DAYS", _positive(int), STALE_AFTER_DAYS
        ),
        max_widen_km=min(
            MAX_RADIUS_KM, _read(environ, "SEARCH_MAX_WIDEN_KM", _positive(float), MAX_WIDEN_KM)
        ),
        max_widen_km_by_mobility={
            mobility: _read(
                environ, f"SEARCH_MAX_WIDEN_KM_{mobility.upper()}", _positive(float), default
            )
            for mobility, default in MAX_WIDEN_KM_BY_MOBILITY.items()
        },
        version_check_seconds=_read(
            environ, "SEARCH_VERSION_CHECK_SECONDS", _not_negative(float), 1.0
        ),
        background_rebuild=_read(environ, "SEARCH_BACKGROUND_REBUILD", _flag, True),
    )
    if (
        not search.unconfirmed_after_days < search.stale_after_days
        or search.stale_after_days <= STALE_WARNING_DAYS
    ):
        raise ConfigError(
            "SEARCH_UNCONFIRMED_AFTER_DAYS must be below SEARCH_STALE_AFTER_DAYS, and that "
            f"above {STALE_WARNING_DAYS} (the warning before a place goes stale)"
        )
    mail_url = _read(environ, "MAIL_URL", _mail_url, "console")
    if mail_url == "console" and env == "production":
        log.warning("MAIL_URL is console: e-mail is printed, not sent")
    public_url = _read(environ, "PUBLIC_URL", _url, "http://127.0.0.1:5000")
    if "PUBLIC_URL" not in environ and env == "production":
        log.warning("PUBLIC_URL is not set: links in e-mails point at %s", public_url)
    sessions = SessionSettings(
        idle_hours=_read(environ, "SESSION_IDLE_HOURS", _positive(float), 8.0),
        max_days=_read(environ, "SESSION_MAX_DAYS", _positive(float), 30.0),
        registrations_per_hour=_read(environ, "REGISTRATIONS_PER_HOUR", _positive(int), 10),
    )
    intakes = IntakeSettings(
        max_open_per_student=_read(environ, "INTAKE_MAX_OPEN", _positive(int), 3),
        respond_within_working_days=_read(environ, "INTAKE_RESPOND_DAYS", _positive(int), 5),
    )
    if intakes.respond_within_working_days < intakes.min_respond_working_days:
        raise ConfigError(
            f"INTAKE_RESPOND_DAYS must be at least {intakes.min_respond_working_days}"
        )
    return Settings(
        env=env,
        secret_key=secret_key,
        database_url=database_url,
        search=search,
        jobs_refresh_at=_read(environ, "JOBS_REFRESH_AT", _clock_time, "03:30"),
        mail_url=mail_url,
        mail_from=str(environ.get("MAIL_FROM") or DEFAULT_MAIL_FROM),
        public_url=public_url,
        trusted_proxies=_read(environ, "TRUSTED_PROXIES", _count, 0),
        sessions=sessions,
        intakes=intakes,
        agreements=AgreementSettings(
            max_learners_per_mentor=_read(environ, "MENTOR_MAX_LEARNERS", _positive(int), 2)
        ),
        database_timeout_seconds=_read(environ, "DATABASE_TIMEOUT_SECONDS", _positive(float), 5.0),
        student_retention_days=_read(environ, "STUDENT_RETENTION_DAYS", _positive(int), 365),
    )


def settings_from_os(instance_path: str) -> Settings:
    """Read the settings from this process's environment."""
    return load_settings(os.environ, instance_path)


def settings_of(app: Flask) -> Settings:
    """Return the settings an app was created with."""
    settings: Settings = app.extensions[EXTENSION_KEY]
    return settings


def get_settings() -> Settings:
    """Return the settings of the current app."""
    return settings_of(current_app)


def _read(environ: Mapping[str, Any], name: str, parse: Callable[[str, Any], T], default: T) -> T:
    """Parse one setting; blank or absent gives the default, and a typed value (from a
    test's mapping) is checked like its text would be."""
    raw = environ.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    try:
        return parse(name, raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: {raw!r} is not a valid value") from None


def _positive(kind: Callable[[Any], T]) -> Callable[[str, Any], T]:
    def parse(name: str, raw: Any) -> T:
        value = kind(raw)
        if not value > 0:  # type: ignore[operator]
            raise ConfigError(f"{name} must be positive")
        return value

    return parse


def _not_negative(kind: Callable[[Any], T]) -> Callable[[str, Any], T]:
    def parse(name: str, raw: Any) -> T:
        value = kind(raw)
        if value < 0:  # type: ignore[operator]
            raise ConfigError(f"{name} cannot be negative")
        return value

    return parse


def _flag(name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    lowered = str(raw).strip().lower()
    if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    return lowered in ("1", "true", "yes", "on")


def _mail_url(name: str, raw: Any) -> str:
    url = str(raw).strip()
    if url != "console" and not url.startswith(("smtp://", "smtps://")):
        raise ConfigError(f"{name} must be console, smtp://... or smtps://..., not {url!r}")
    return url


def _url(name: str, raw: Any) -> str:
    url = str(raw).strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise ConfigError(f"{name} must start with https:// or http://, not {raw!r}")
    return url


def _clock_time(name: str, raw: Any) -> str:
    hour, _, minute = str(raw).strip().partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ConfigError(f"{name} must be HH:MM, not {raw!r}")
    if int(hour) == 2:
        raise ConfigError(f"{name}: 02:00-02:59 happens twice or never when clocks change")
    return f"{int(hour):02d}:{int(minute):02d}"


def _count(name: str, raw: Any) -> int:
    text = str(raw).strip()
    if not text.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {raw!r}")
    return int(text)


def _weights(name: str, raw: Any) -> ScoreWeights:
    """Parse "distance=0.5,availability=0.3,..."; factors left out keep their default."""
    if isinstance(raw, ScoreWeights):
        return raw
    values: dict[str, float] = {}
    for part in str(raw).split(","):
        factor, _, number = part.partition("=")
        factor = factor.strip()
        if factor not in ScoreWeights.__dataclass_fields__:
            raise ConfigError(f"{name}: unknown factor {factor!r}")
        try:
            values[factor] = float(number)
        except ValueError:
            raise ConfigError(f"{name}: {factor} needs a number") from None
    try:
        return ScoreWeights(**values)
    except InvalidQueryError as error:
        raise ConfigError(f"{name}: {error.message}") from None
