"""Settings from the environment, each with a typed, documented default.

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
- `SEARCH_VERSION_CHECK_SECONDS` (`1`): how often a process looks for changed data.
- `JOBS_REFRESH_AT` (`03:30`): when the clock runs refresh-availability, Belgian time
  (not between 02:00 and 03:00, which happens twice or never when the clocks change).
- `MAIL_URL` (`console`): where reminders go: `console` (the log), or
  `smtp://user:password@host:587` (STARTTLS) or `smtps://...:465`.
- `MAIL_FROM` (`Duaal Match <noreply@duaalmatch.be>`): the sender of reminders.
- `TRUSTED_PROXIES` (`0`): how many proxies in front set `X-Forwarded-For` (login limits
  count per client address, so behind a router this must be set).
"""

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matcher import (
    MAX_RADIUS_KM,
    MAX_WIDEN_KM,
    STALE_AFTER_DAYS,
    UNCONFIRMED_AFTER_DAYS,
    InvalidQueryError,
    ScoreWeights,
)
from models.refresh import STALE_WARNING_DAYS

ENVIRONMENTS = ("development", "test", "production")

log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """The settings do not allow the app to start."""


def load_settings(environ: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Return the Flask config derived from environment variables."""
    env = environ.get("DUAAL_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"DUAAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    secret_key = environ.get("SECRET_KEY")
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
    database_url = environ.get("DATABASE_URL") or (
        f"sqlite:///{Path(instance_path) / 'duaal.sqlite3'}"
    )
    settings = {
        "SEARCH_WEIGHTS": _weights(environ.get("SEARCH_WEIGHTS", "")),
        "SEARCH_UNCONFIRMED_AFTER_DAYS": _number(
            environ, "SEARCH_UNCONFIRMED_AFTER_DAYS", UNCONFIRMED_AFTER_DAYS, int
        ),
        "SEARCH_STALE_AFTER_DAYS": _number(
            environ, "SEARCH_STALE_AFTER_DAYS", STALE_AFTER_DAYS, int
        ),
        "SEARCH_MAX_WIDEN_KM": min(
            MAX_RADIUS_KM, _number(environ, "SEARCH_MAX_WIDEN_KM", MAX_WIDEN_KM, float)
        ),
        "SEARCH_VERSION_CHECK_SECONDS": _number(
            environ, "SEARCH_VERSION_CHECK_SECONDS", 1.0, float
        ),
        "TRUSTED_PROXIES": _count(environ, "TRUSTED_PROXIES"),
        "JOBS_REFRESH_AT": _clock_time(environ.get("JOBS_REFRESH_AT", "03:30")),
        "MAIL_URL": _mail_url(environ.get("MAIL_URL", "console"), env),
        "MAIL_FROM": environ.get("MAIL_FROM", "Duaal Match <noreply@duaalmatch.be>"),
        "DUAAL_ENV": env,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "TESTING": env == "test",
        **security_settings(env),
    }
    unconfirmed = settings["SEARCH_UNCONFIRMED_AFTER_DAYS"]
    stale = settings["SEARCH_STALE_AFTER_DAYS"]
    if not unconfirmed < stale or stale <= STALE_WARNING_DAYS:
        raise ConfigError(
            "SEARCH_UNCONFIRMED_AFTER_DAYS must be below SEARCH_STALE_AFTER_DAYS, and that "
            f"above {STALE_WARNING_DAYS} (the warning before a place goes stale)"
        )
    return settings


def security_settings(env: str) -> dict[str, Any]:
    """Cookie, CSRF and request-size settings: HTTPS-only cookies in production."""
    return {
        # Forms and API bodies are small; a bigger request is refused before parsing.
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        # A form's CSRF token lives as long as the login session, not one hour: filling
        # in a company's registration may well take longer.
        "WTF_CSRF_TIME_LIMIT": None,
    }


def _number(environ: Mapping[str, str], name: str, default: Any, kind: type) -> Any:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if not value > 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _mail_url(raw: str, env: str) -> str:
    if raw != "console" and not raw.startswith(("smtp://", "smtps://")):
        raise ConfigError(f"MAIL_URL must be console, smtp://... or smtps://..., not {raw!r}")
    if raw == "console" and env == "production":
        log.warning("MAIL_URL is console: reminders are printed, not sent")
    return raw


def _clock_time(raw: str) -> str:
    hour, _, minute = raw.strip().partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ConfigError(f"JOBS_REFRESH_AT must be HH:MM, not {raw!r}")
    if int(hour) == 2:
        raise ConfigError("JOBS_REFRESH_AT: 02:00-02:59 happens twice or never when clocks change")
    return f"{int(hour):02d}:{int(minute):02d}"


def _count(environ: Mapping[str, str], name: str) -> int:
    raw = environ.get(name, "0").strip() or "0"
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def _weights(raw: str) -> ScoreWeights:
    """Parse "distance=0.5,availability=0.3,..."; factors left out keep their default."""
    if not raw.strip():
        return ScoreWeights()
    values: dict[str, float] = {}
    for part in raw.split(","):
        name, _, number = part.partition("=")
        name = name.strip()
        if name not in ScoreWeights.__dataclass_fields__:
            raise ConfigError(f"SEARCH_WEIGHTS: unknown factor {name!r}")
        try:
            values[name] = float(number)
        except ValueError:
            raise ConfigError(f"SEARCH_WEIGHTS: {name} needs a number") from None
    try:
        return ScoreWeights(**values)
    except InvalidQueryError as error:
        raise ConfigError(f"SEARCH_WEIGHTS: {error.message}") from None


def settings_from_os(instance_path: str) -> dict[str, Any]:
    """Read the settings from this process's environment."""
    return load_settings(os.environ, instance_path)
