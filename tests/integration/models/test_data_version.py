"""Triggers move the data version on every change a search depends on."""

from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from models import Recognition
from models.versioning import read_data_version
from tests import factories


def test_inserts_updates_and_deletes_move_the_version(session: Session) -> None:
    start = read_data_version(session)
    recognition = factories.recognition(session)  # a company, a site, a recognition
    after_insert = read_data_version(session)
    assert after_insert >= start + 3
    session.execute(
        update(Recognition).where(Recognition.id == recognition.id).values(n_free_places=0)
    )
    after_update = read_data_version(session)
    assert after_update > after_insert
    session.execute(delete(Recognition).where(Recognition.id == recognition.id))
    assert read_data_version(session) > after_update


def test_changes_elsewhere_do_not_move_it(session: Session) -> None:
    factories.school(session)
    before = read_data_version(session)
    factories.mentor(session)  # a company is added, then a mentor
    after_company = read_data_version(session)
    session.execute(text("UPDATE mentors SET years_experience = years_experience + 1"))
    assert read_data_version(session) == after_company > before
