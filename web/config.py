"""Settings from the environment, each with a typed, documented default.

| variable       | default                              | meaning                              |
|----------------|--------------------------------------|--------------------------------------|
| `DUAAL_ENV`    | `production`                         | `development`, `test` or `production` |
| `SECRET_KEY`   | none (required in production)        | signs sessions and CSRF tokens       |
| `DATABASE_URL` | SQLite file `instance/duaal.sqlite3` | SQLAlchemy URL; `postgres://` works  |
"""

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
    return {
        "DUAAL_ENV": env,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "TESTING": env == "test",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
    }


def settings_from_os(instance_path: str) -> dict[str, Any]:
    """Read the settings from this process's environment."""
    return load_settings(os.environ, instance_path)
