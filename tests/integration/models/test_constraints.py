"""What must never happen is refused by the database itself."""

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import User
from models.enums import RecognitionStatus, Role
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


def test_only_a_recognised_workplace_can_be_available(session: Session) -> None:
    refused(
        session,
        lambda: factories.recognition(
            session,
            status=RecognitionStatus.REQUESTED,
            decided_at=None,
            valid_until=None,
            is_available=True,
        ),
    )


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
