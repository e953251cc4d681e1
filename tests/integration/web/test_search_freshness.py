"""Two web processes over one database: a change made by one shows in the other's search."""

from pathlib import Path

from flask import Flask

from models import Recognition
from models.base import today_in_belgium
from models.workplaces import available_on
from web import create_app
from web.db import get_db, get_session


def make_app(url: str) -> Flask:
    return create_app(
        {
            "DUAAL_ENV": "test",
            "SECRET_KEY": "x",
            "DATABASE_URL": url,
            "SEARCH_BACKGROUND_REBUILD": False,
            "SEARCH_VERSION_CHECK_SECONDS": 0.0,
        }
    )


def test_a_change_in_one_process_shows_in_another(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = make_app(url), make_app(url)
    runner = first.test_cli_runner()
    for args in (
        ["db", "upgrade"],
        ["load-reference"],
        ["seed-demo", "--sites", "200", "--students", "0", "--seed", "3"],
    ):
        assert runner.invoke(args=args).exit_code == 0
    query = "/api/v1/search?programme={}&lat=51.0&lon=4.0&radius_km=200&limit=100"
    with first.app_context():
        recognition = (
            get_session().query(Recognition).filter(available_on(today_in_belgium())).first()
        )
        assert recognition is not None
        code = recognition.programme.code
        rid = recognition.id
    before = second.test_client().get(query.format(code)).get_json()
    assert rid in [r["recognition_id"] for r in before["results"]]
    with first.app_context():
        session = get_session()
        full = session.get(Recognition, rid)
        assert full is not None
        full.n_free_places = 0
        session.commit()
    after = second.test_client().get(query.format(code)).get_json()
    assert rid not in [r["recognition_id"] for r in after["results"]]
    assert after["total"] == before["total"] - 1
    for app in (first, second):
        with app.app_context():
            get_db().engine.dispose()
