"""The triggers that move the data version also name the rows each version changed."""

from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from models import Company, Programme, Recognition, Site
from models.versioning import DataChanges, read_changes, read_data_version
from tests import factories

MANY = 1_000_000


def changes_since(session: Session, version: int) -> DataChanges:
    changes = read_changes(session, version, read_data_version(session), MANY)
    assert changes is not None
    return changes


def test_every_change_names_its_rows(session: Session) -> None:
    start = read_data_version(session)
    recognition = factories.recognition(session)  # a company, a site, a recognition
    site = recognition.site
    created = changes_since(session, start)
    assert created.company_ids == {site.company_id}
    assert created.site_ids == {site.id}
    assert created.recognition_ids == {recognition.id}
    assert not created.whole_tables

    before = read_data_version(session)
    session.execute(update(Recognition).where(Recognition.id == recognition.id).values(n_places=3))
    session.execute(update(Site).where(Site.id == site.id).values(lat=50.9))
    session.execute(update(Company).where(Company.id == site.company_id).values(name="Nieuw"))
    changed = changes_since(session, before)
    assert (changed.recognition_ids, changed.site_ids, changed.company_ids) == (
        {recognition.id},
        {site.id},
        {site.company_id},
    )

    before = read_data_version(session)
    session.execute(delete(Recognition).where(Recognition.id == recognition.id))
    assert changes_since(session, before).recognition_ids == {recognition.id}


def test_a_statement_that_changes_nothing_moves_nothing(session: Session) -> None:
    factories.recognition(session)
    before = read_data_version(session)
    session.execute(update(Recognition).where(Recognition.id == -1).values(n_places=1))
    assert read_data_version(session) == before


def test_reference_data_names_no_row(session: Session) -> None:
    before = read_data_version(session)
    programme = factories.programme(session)
    session.execute(update(Programme).where(Programme.id == programme.id).values(name="X"))
    changed = changes_since(session, before)
    assert changed.whole_tables == {"programmes"}
    assert not (changed.company_ids or changed.site_ids or changed.recognition_ids)


def test_the_log_says_when_it_cannot_bridge_a_gap(session: Session) -> None:
    recognition = factories.recognition(session)
    start = read_data_version(session)
    # Ten thousand versions later (as if written elsewhere), the next change prunes
    # every entry from before them.
    session.execute(text("UPDATE data_version SET version = version + 10000 WHERE id = 1"))
    session.execute(update(Recognition).where(Recognition.id == recognition.id).values(n_places=3))
    now = read_data_version(session)
    assert read_changes(session, start - 1, now, MANY) is None
    assert read_changes(session, now - 1, now, MANY) is not None
    # Too many entries to be worth it, or a version going back, cannot be bridged either.
    assert read_changes(session, now - 1, now, max_rows=0) is None
    assert read_changes(session, now, now - 1, MANY) is None
