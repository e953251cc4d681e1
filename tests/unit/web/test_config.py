import pytest

from models.database import normalize_url
from web.config import ConfigError, load_settings


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({}, "/tmp/instance")


def test_development_gets_a_random_key_per_process() -> None:
    first = load_settings({"DUAAL_ENV": "development"}, "/tmp/instance")
    second = load_settings({"DUAAL_ENV": "development"}, "/tmp/instance")
    assert first["SECRET_KEY"] != second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 32


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigError, match="DUAAL_ENV"):
        load_settings({"DUAAL_ENV": "staging", "SECRET_KEY": "x"}, "/tmp/instance")


def test_sqlite_under_the_instance_folder_by_default() -> None:
    settings = load_settings({"SECRET_KEY": "s"}, "/srv/app/instance")
    assert settings["DATABASE_URL"] == "sqlite:////srv/app/instance/duaal.sqlite3"
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_accept_both_postgres_spellings(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    "settings",
    [
        {"SEARCH_UNCONFIRMED_AFTER_DAYS": "180", "SEARCH_STALE_AFTER_DAYS": "180"},
        {"SEARCH_UNCONFIRMED_AFTER_DAYS": "5", "SEARCH_STALE_AFTER_DAYS": "14"},
        {"MAIL_URL": "consle"},
        {"MAIL_URL": "http://mail.example"},
        {"JOBS_REFRESH_AT": "02:30"},
        {"JOBS_REFRESH_AT": "3u30"},
        {"TRUSTED_PROXIES": "-1"},
    ],
)
def test_settings_that_cannot_work_are_refused(settings: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_settings({"DUAAL_ENV": "development", **settings}, "/tmp/instance")


def test_job_and_mail_settings_have_working_defaults() -> None:
    settings = load_settings({"DUAAL_ENV": "development"}, "/tmp/instance")
    assert settings["JOBS_REFRESH_AT"] == "03:30"
    assert settings["MAIL_URL"] == "console"
    assert settings["SEARCH_UNCONFIRMED_AFTER_DAYS"] < settings["SEARCH_STALE_AFTER_DAYS"]
    smtp = load_settings(
        {"DUAAL_ENV": "development", "MAIL_URL": "smtps://u:p@mail.example:465"}, "/tmp/i"
    )
    assert smtp["MAIL_URL"] == "smtps://u:p@mail.example:465"
