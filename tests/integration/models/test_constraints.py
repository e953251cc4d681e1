"""What must never happen is refused by the database itself (or, for availability, which
is no longer stored, never follows from the rule)."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Recognition, User
from models.base import today_in_belgium
from models.enums import RecognitionStatus, Role
from models.rules import is_available_now
from models.workplaces import available_on
from tests import factories


def refused(session: Session, action: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        action()
        session.flush()


def test_one_recognition_per_site_and_programme(session: Session) -> None:
    first = factories.recognition(session)
    refused(session, lambda: factories.recognition(session, at=first.site))


def test_the_same_site_may_be_recognised_for_another_programme(session: Session) -> None:
    first = factories.recognition(session)
    other = factories.programme(session, "bakkerij-duaal")
    assert factories.recognition(session, at=first.site, programme=other).id != first.id


@pytest.mark.parametrize(("n_places", "n_free_places"), [(-1, 0), (2, 3), (2, -1)])
def test_places_are_never_negative_or_over_full(
    session: Session, n_places: int, n_free_places: int
) -> None:
    refused(
        session,
        lambda: factories.recognition(session, n_places=n_places, n_free_places=n_free_places),
    )


def test_a_recognised_recognition_has_a_decision_and_validity(session: Session) -> None:
    refused(session, lambda: factories.recognition(session, decided_at=None, valid_until=None))


def test_only_a_recognised_workplace_is_ever_available(session: Session) -> None:
    """No stored flag to refuse any more (migration 0005): availability is worked out on
    the day asked, and a workplace that is not (or no longer) recognised never offers a
    place, whatever its free places and confirmation say."""
    today, now = today_in_belgium(), datetime.now(UTC)
    recognised = factories.recognition(session, last_confirmed_at=now)
    requested = factories.recognition(
        session,
        status=RecognitionStatus.REQUESTED,
        decided_at=None,
        valid_until=None,
        last_confirmed_at=now,
    )
    withdrawn = factories.recognition(
        session, status=RecognitionStatus.WITHDRAWN, last_confirmed_at=now
    )
    available = set(session.scalars(select(Recognition.id).where(available_on(today))))
    assert recognised.id in available
    assert requested.id not in available
    assert withdrawn.id not in available
    for row in (recognised, requested, withdrawn):
        rule = is_available_now(
            row.status,
            row.valid_until,
            row.n_free_places,
            row.available_from,
            today,  # confirmed just now
            today,
        )
        assert rule is (row.id in available)


def test_kbo_numbers_are_unique_and_ten_digits(session: Session) -> None:
    company = factories.company(session)
    refused(session, lambda: factories.company(session, kbo_number=company.kbo_number))
    refused(session, lambda: factories.company(session, kbo_number="123"))


def test_a_user_is_tied_to_the_entity_of_its_role(session: Session) -> None:
    company = factories.company(session)
    session.add(User(email="a@b.test", role=Role.COMPANY, company_id=company.id))
    session.flush()
    refused(session, lambda: session.add(User(email="c@b.test", role=Role.COMPANY)))
    refused(
        session,
        lambda: session.add(User(email="d@b.test", role=Role.ADMIN, company_id=company.id)),
    )


def test_sites_need_a_known_postcode(session: Session) -> None:
    refused(session, lambda: factories.site(session, postcode="0000"))


def test_timestamps_come_back_aware(session: Session) -> None:
    recognition = factories.recognition(session)
    session.expire_all()
    assert recognition.requested_at.tzinfo is not None
    assert recognition.decided_at is not None and recognition.decided_at.utcoffset() is not None
