import pytest

from models.database import normalize_url
from web.config import ConfigError, load_settings


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({}, "/tmp/instance")


def test_development_gets_a_random_key_per_process() -> None:
    first = load_settings({"DUAAL_ENV": "development"}, "/tmp/instance")
    second = load_settings({"DUAAL_ENV": "development"}, "/tmp/instance")
    assert first.secret_key != second.secret_key
    assert len(first.secret_key) >= 32
    assert first.flask_config()["SECRET_KEY"] == first.secret_key


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigError, match="DUAAL_ENV"):
        load_settings({"DUAAL_ENV": "staging", "SECRET_KEY": "x"}, "/tmp/instance")


def test_sqlite_under_the_instance_folder_by_default() -> None:
    settings = load_settings({"SECRET_KEY": "s"}, "/srv/app/instance")
    assert settings.database_url == "sqlite:////srv/app/instance/duaal.sqlite3"
    assert settings.is_production
    assert settings.flask_config()["SESSION_COOKIE_SECURE"] is True


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
    assert settings.jobs_refresh_at == "03:30"
    assert settings.mail_url == "console"
    assert settings.search.unconfirmed_after_days < settings.search.stale_after_days
    smtp = load_settings(
        {"DUAAL_ENV": "development", "MAIL_URL": "smtps://u:p@mail.example:465"}, "/tmp/i"
    )
    assert smtp.mail_url == "smtps://u:p@mail.example:465"
