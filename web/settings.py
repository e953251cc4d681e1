"""The typed settings of a deployment (read from the environment by `web/config.py`).

Plain data, so services can receive what they need of it without knowing Flask.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from matcher import MAX_WIDEN_KM, MOBILITIES, ScoreWeights, SearchEngine
from models.rules import STALE_AFTER_DAYS, UNCONFIRMED_AFTER_DAYS

DEFAULT_MAIL_FROM = "Duaal Match <noreply@duaalmatch.be>"


# How far widening a search may go, per way of travelling (issue 14, item 3): about an
# hour's journey for a teenager, since most learners are 15-18 (DOMAIN.md, Geography).
# On foot 5 km; by bike 20 km (15-20 km/h); by bus or train 50 km (a regional train
# between Flemish towns); by car the search's own ceiling, for adults.
MAX_WIDEN_KM_BY_MOBILITY = {
    "walk": 5.0,
    "bike": 20.0,
    "public_transport": 50.0,
    "car": MAX_WIDEN_KM,
}


@dataclass(frozen=True)
class SearchSettings:
    """How the search engine ranks, and how often a process looks for changed data."""

    weights: ScoreWeights = field(default_factory=ScoreWeights)
    unconfirmed_after_days: int = UNCONFIRMED_AFTER_DAYS
    stale_after_days: int = STALE_AFTER_DAYS
    max_widen_km: float = MAX_WIDEN_KM
    max_widen_km_by_mobility: Mapping[str, float] = field(
        default_factory=lambda: dict(MAX_WIDEN_KM_BY_MOBILITY)
    )
    version_check_seconds: float = 1.0
    background_rebuild: bool = True

    def widen_ceiling_km(self, mobility: str) -> float:
        """How far a search for someone travelling this way may widen."""
        return min(
            self.max_widen_km, self.max_widen_km_by_mobility.get(mobility, self.max_widen_km)
        )

    @cached_property
    def ceilings_km(self) -> Mapping[str, float]:
        """`widen_ceiling_km` of every way of travelling (a page words twenty distances)."""
        return {mobility: self.widen_ceiling_km(mobility) for mobility in MOBILITIES}

    def new_engine(self) -> SearchEngine:
        """An unfitted search engine that ranks as these settings say."""
        return SearchEngine(
            weights=self.weights,
            stale_after_days=self.stale_after_days,
            unconfirmed_after_days=self.unconfirmed_after_days,
            max_widen_km=self.max_widen_km,
        )


@dataclass(frozen=True)
class SessionSettings:
    """How long a login lasts, and how often a form may be used from one network."""

    idle_hours: float = 8.0  # a session unused for longer ends
    max_days: float = 30.0  # and any session ends after this long
    registrations_per_hour: int = 10  # per network


@dataclass(frozen=True)
class IntakeSettings:
    """The rules of intake proposals that are policy, not law (DOMAIN.md)."""

    max_open_per_student: int = 3  # so a few popular companies are not flooded
    respond_within_working_days: int = 5  # the default deadline
    min_respond_working_days: int = 2  # the shortest a coach may set


@dataclass(frozen=True)
class AgreementSettings:
    """Agreement rules that are policy, not law (DOMAIN.md, "Agreement")."""

    max_learners_per_mentor: int = 2  # no legal maximum found: configurable


@dataclass(frozen=True)
class Settings:
    """Every setting of a deployment, read once when the app is created."""

    env: str
    secret_key: str
    database_url: str
    search: SearchSettings = field(default_factory=SearchSettings)
    sessions: SessionSettings = field(default_factory=SessionSettings)
    intakes: IntakeSettings = field(default_factory=IntakeSettings)
    agreements: AgreementSettings = field(default_factory=AgreementSettings)
    jobs_refresh_at: str = "03:30"
    mail_url: str = "console"
    mail_from: str = DEFAULT_MAIL_FROM
    public_url: str = "http://127.0.0.1:5000"  # where links in e-mails point
    trusted_proxies: int = 0
    database_timeout_seconds: float = 5.0  # connect, statement and lock waits
    student_retention_days: int = 365  # after leaving the school, a student is erased

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def flask_config(self) -> dict[str, Any]:
        """What Flask and its extensions read from `app.config`."""
        return {
            "SECRET_KEY": self.secret_key,
            "TESTING": self.env == "test",
            # Forms and API bodies are small; a bigger request is refused before parsing.
            "MAX_CONTENT_LENGTH": 64 * 1024,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.is_production,
            # Times are shown as Belgian clocks show them.
            "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
            # A form's CSRF token lives as long as the login session, not one hour: filling
            # in a company's registration may well take longer.
            "WTF_CSRF_TIME_LIMIT": None,
            # web/auth.py checks the forms' tokens itself (_check_form).
            "WTF_CSRF_CHECK_DEFAULT": False,
        }
