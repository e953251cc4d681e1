"""A reproducible, realistic demo of Flanders: companies, workplaces, schools, students.

Companies and schools are spread like the population over the Flemish and Brussels
postcodes (West Flanders a little more, as it has a fifth of the recognised companies);
each company recognises a few programmes of its sector at its sites; some places are
free, some full, some unconfirmed for months; some recognitions are requested,
refused, withdrawn or expired. The same seed gives the same rows.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from matcher import IntakePreferences, StudentWishes, haversine_km
from models import (
    Company,
    Mentor,
    Partnership,
    Postcode,
    Programme,
    Recognition,
    RecognitionDecision,
    School,
    Site,
    Student,
)
from models.base import BELGIUM, day_in_belgium
from models.enums import LearnerType, Mobility, RecognitionStatus, Role, SchoolKind, TrainingStatus
from models.rules import (
    MENTOR_MIN_AGE,
    add_years,
    age_on,
    is_available_now,
    kbo_with_check_digits,
    recognition_valid_until,
)
from web.demo import vocabulary as words
from web.demo.school_side import add_school_side
from web.services.accounts import create_user, hash_password

SITES_PER_COMPANY = 1.2  # 10,225 companies, a little over 12,000 sites (DOMAIN.md, Scale)
STUDENTS_PER_SCHOOL = 25
STATUS_SHARES = {  # of all recognitions ever requested
    RecognitionStatus.RECOGNISED: 0.84,
    RecognitionStatus.EXPIRED: 0.05,
    RecognitionStatus.REQUESTED: 0.04,
    RecognitionStatus.REFUSED: 0.03,
    RecognitionStatus.WITHDRAWN: 0.04,
}
REFUSAL_REASONS = (
    "De activiteitenlijst kan op deze vestiging niet volledig aangeleerd worden.",
    "Er is geen mentor aangesteld die aan de voorwaarden voldoet.",
    "De nodige uitrusting ontbreekt op de vestiging.",
)
WITHDRAWAL_REASONS = (
    "De vestiging is gesloten.",
    "Op vraag van de onderneming.",
    "De onderneming komt haar engagementen niet na.",
)


# Learners' ages by programme level (DOMAIN.md, Learners: 15 or 16 up to 25).
AGES_BY_LEVEL = {
    "2e-graad": (15, 16),
    "3e-graad": (16, 18),
    "7e-jaar": (18, 19),
    "se-n-se": (18, 20),
    "ov3": (16, 21),
    "ov4": (16, 21),
    "volwassenen": (20, 45),
}


class DatabaseNotEmptyError(RuntimeError):
    """The demo is only loaded into a database without companies."""


class ReferenceDataMissingError(RuntimeError):
    """Programmes and postcodes must be loaded before the demo."""


@dataclass(frozen=True)
class DemoSize:
    n_sites: int
    n_students: int

    @property
    def n_companies(self) -> int:
        return max(1, round(self.n_sites / SITES_PER_COMPANY))

    @property
    def n_schools(self) -> int:
        return max(3, self.n_students // STUDENTS_PER_SCHOOL)


@dataclass(frozen=True)
class DemoSummary:
    n_companies: int
    n_sites: int
    n_recognitions: int
    n_available: int
    n_mentors: int
    n_schools: int
    n_students: int

    def describe(self) -> str:
        return (
            f"Demo loaded: {self.n_companies} companies, {self.n_sites} sites, "
            f"{self.n_recognitions} recognitions ({self.n_available} with a free place now), "
            f"{self.n_mentors} mentors, {self.n_schools} schools, {self.n_students} students."
        )


def seed_demo(session: Session, size: DemoSize, seed: int, today: date) -> DemoSummary:
    """Fill an empty database with the demo (the caller commits); raise if it holds companies."""
    if session.scalar(select(func.count()).select_from(Company)):
        raise DatabaseNotEmptyError("the database already holds companies")
    programmes = session.scalars(select(Programme).order_by(Programme.code)).all()
    postcodes = session.scalars(
        select(Postcode)
        .where(Postcode.region.in_(("flanders", "brussels")))
        .order_by(Postcode.postcode)
    ).all()
    if not programmes or not postcodes:
        raise ReferenceDataMissingError("load the reference data first (flask load-reference)")
    builder = _DemoBuilder(np.random.default_rng(seed), today, programmes, postcodes)
    summary = builder.build(session, size)
    add_demo_users(session)
    add_school_side(session, today)
    session.flush()
    return summary


# One login per role, for trying the demo; README.md lists them. Never seed a real database.
DEMO_USERS = (
    (Role.COMPANY, "bedrijf@demo.duaalmatch.be", "demo-bedrijf-2026"),
    (Role.CONSULTANT, "consulent@demo.duaalmatch.be", "demo-consulent-2026"),
    (Role.SCHOOL_STAFF, "school@demo.duaalmatch.be", "demo-school-2026"),
    (Role.STUDENT, "leerling@demo.duaalmatch.be", "demo-leerling-2026"),
    (Role.ADMIN, "beheer@demo.duaalmatch.be", "demo-beheer-2026"),
)
# The demo consultant decides for the electrical programmes (Elektrotechnieken duaal, ...).
DEMO_PARTNERSHIP = "Elektro en installatie"


def add_demo_users(session: Session) -> None:
    """Add the demo logins: the first company, the first school and its first student
    (so that coach and student see the same proposals), and one consultant."""
    school_id = session.scalar(select(func.min(School.id)))
    entity_of = {
        Role.COMPANY: session.scalar(select(func.min(Company.id))),
        Role.CONSULTANT: session.scalar(
            select(Partnership.id).where(Partnership.name == DEMO_PARTNERSHIP)
        ),
        Role.SCHOOL_STAFF: school_id,
        Role.STUDENT: session.scalar(
            select(func.min(Student.id)).where(Student.school_id == school_id)
        )
        or session.scalar(select(func.min(Student.id))),
        Role.ADMIN: None,
    }
    for role, email, password in DEMO_USERS:
        if role is Role.ADMIN or entity_of[role] is not None:
            create_user(session, role, email, hash_password(password), entity_of[role])


def decision_history(
    recognition_ids: list[int], rows: list[dict[str, Any]], today: date
) -> Iterator[dict[str, Any]]:
    """The steps that led each demo recognition to its state, as the services write them:
    asked for; recognised or refused; then withdrawn (halfway to today) or expired."""
    noon = datetime.combine(today, time(12), BELGIUM)
    for recognition_id, row in zip(recognition_ids, rows, strict=True):
        status, decided_at = row["status"], row["decided_at"]
        yield _step(recognition_id, RecognitionStatus.REQUESTED, row["requested_at"])
        if status is RecognitionStatus.REFUSED:
            yield _step(recognition_id, status, decided_at, row["decision_reason"])
        elif status is not RecognitionStatus.REQUESTED:
            yield _step(
                recognition_id, RecognitionStatus.RECOGNISED, decided_at, None, row["valid_until"]
            )
        if status is RecognitionStatus.WITHDRAWN:
            withdrawn_at = decided_at + (noon - decided_at) / 2
            yield _step(recognition_id, status, withdrawn_at, row["decision_reason"])
        elif status is RecognitionStatus.EXPIRED:
            # It expires on its last day, at the start of it, Belgian time (step 2).
            expired_at = datetime.combine(row["valid_until"], time(0), BELGIUM)
            yield _step(recognition_id, status, expired_at, None, row["valid_until"])


def _step(
    recognition_id: int,
    status: RecognitionStatus,
    at: datetime,
    reason: str | None = None,
    valid_until: date | None = None,
) -> dict[str, Any]:
    return {
        "recognition_id": recognition_id,
        "status": status,
        "decided_at": at,
        "decided_by_id": None,
        "reason": reason,
        "valid_until": valid_until,
    }


def _insert_returning_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


class _DemoBuilder:
    def __init__(
        self,
        rng: np.random.Generator,
        today: date,
        programmes: Sequence[Programme],
        postcodes: Sequence[Postcode],
    ) -> None:
        self.rng = rng
        self.today = today
        self.postcodes = postcodes
        self.weights = _population_weights(postcodes)
        self.lat = np.array([p.lat for p in postcodes])
        self.lon = np.array([p.lon for p in postcodes])
        self.by_sector: dict[str, list[Programme]] = defaultdict(list)
        for programme in programmes:
            self.by_sector[programme.sector].append(programme)
        sectors = sorted(self.by_sector)
        self.sectors = sectors
        sector_w = np.array([words.SECTOR_WEIGHTS.get(s, 1.0) for s in sectors])
        self.sector_weights = sector_w / sector_w.sum()
        self.secondary = [p for p in programmes if p.learner_type is LearnerType.SECONDARY]
        self.n_recognitions: dict[int, int] = defaultdict(int)
        self.adult = [p for p in programmes if p.learner_type is LearnerType.ADULT]
        self.young_mentors: set[int] = set()

    def pick(self, options: Sequence[Any]) -> Any:
        return options[int(self.rng.integers(len(options)))]

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=int(self.rng.integers(low, high + 1)))

    def moment(self, day: date) -> datetime:
        minutes = int(self.rng.integers(8 * 60, 18 * 60))
        return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UTC)

    def place_indices(self, n: int) -> npt.NDArray[np.int64]:
        return self.rng.choice(len(self.postcodes), size=n, p=self.weights)

    def demand(self, programmes: Sequence[Programme]) -> npt.NDArray[np.float64]:
        """Weigh programmes by how many workplaces they have: learners follow the jobs."""
        weights = np.array([1.0 + self.n_recognitions[p.id] for p in programmes])
        return np.asarray(weights / weights.sum())

    def street(self) -> str:
        return f"{self.pick(words.STREETS)} {int(self.rng.integers(1, 250))}"

    def build(self, session: Session, size: DemoSize) -> DemoSummary:
        companies = self.companies(size.n_companies)
        company_ids = _insert_returning_ids(session, Company, [c["row"] for c in companies])
        mentors, mentor_rows = self.mentors(company_ids, companies)
        mentor_ids = _insert_returning_ids(session, Mentor, mentor_rows)
        self.young_mentors = {
            mentor_id
            for mentor_id, row in zip(mentor_ids, mentor_rows, strict=True)
            if age_on(row["birth_date"], self.today) < MENTOR_MIN_AGE
        }
        mentors_of: dict[int, list[int]] = defaultdict(list)
        for company_id, mentor_id in zip(mentors, mentor_ids, strict=True):
            mentors_of[company_id].append(mentor_id)
        site_owners, site_rows = self.sites(company_ids, companies, size.n_sites)
        site_ids = _insert_returning_ids(session, Site, site_rows)
        recognition_rows = self.recognitions(
            site_ids, site_owners, companies, company_ids, mentors_of
        )
        for row in recognition_rows:
            self.n_recognitions[row["programme_id"]] += 1
        recognition_ids = _insert_returning_ids(session, Recognition, recognition_rows)
        session.execute(
            insert(RecognitionDecision),
            list(decision_history(recognition_ids, recognition_rows, self.today)),
        )
        school_rows = self.schools(size.n_schools)
        school_ids = _insert_returning_ids(session, School, school_rows)
        student_rows = self.students(size.n_students, school_ids, school_rows)
        if student_rows:
            session.execute(insert(Student), student_rows)
        return DemoSummary(
            n_companies=len(company_ids),
            n_sites=len(site_ids),
            n_recognitions=len(recognition_rows),
            n_available=sum(
                is_available_now(
                    r["status"],
                    r["valid_until"],
                    r["n_free_places"],
                    r["available_from"],
                    day_in_belgium(r["last_confirmed_at"]) if r["last_confirmed_at"] else None,
                    self.today,
                )
                for r in recognition_rows
            ),
            n_mentors=len(mentor_ids),
            n_schools=len(school_ids),
            n_students=len(student_rows),
        )

    def companies(self, n: int) -> list[dict[str, Any]]:
        # KBO numbers: distinct bases giving 0200.000.0xx-0999.999.9xx, as most companies
        # have, then the mod-97 check digits.
        bases = np.unique(self.rng.integers(2_000_000, 9_999_999, size=n * 2))
        bases = self.rng.permutation(bases)[:n]
        sector_idx = self.rng.choice(len(self.sectors), size=n, p=self.sector_weights)
        result = []
        for i in range(n):
            sector = self.sectors[int(sector_idx[i])]
            trade = self.pick(words.TRADE_NAMES.get(sector, ("Onderneming",)))
            surname = self.pick(words.SURNAMES)
            form = self.pick(words.LEGAL_FORMS)
            name = f"{trade} {surname}" + (f" {form}" if form else "")
            slug = "".join(c for c in f"{trade}{surname}".lower() if c.isalnum())
            declared = bool(self.rng.random() < 0.97)
            result.append(
                {
                    "sector": sector,
                    "row": {
                        "kbo_number": kbo_with_check_digits(int(bases[i])),
                        "name": name,
                        "email": f"info@{slug}{i}.test",
                        "n_employees": int(self.rng.lognormal(2.3, 1.1)) + 1,
                        "declares_activities": declared,
                        "declares_financial_capacity": declared,
                        "declares_organisation": declared,
                        "declares_no_convictions": declared,
                        "declares_commitments": declared,
                        # Before any of its recognitions was requested.
                        "created_at": self.moment(self.days_ago(7 * 365 + 60, 30 * 365)),
                    },
                }
            )
        return result

    def mentors(
        self, company_ids: list[int], companies: list[dict[str, Any]]
    ) -> tuple[list[int], list[dict[str, Any]]]:
        owners, rows = [], []
        for company_id, company in zip(company_ids, companies, strict=True):
            n = 1 if self.rng.random() < 0.75 else int(self.rng.integers(2, 4))
            # Construction plans the mentor training within 3 months and ends it within 6.
            months = 6 if company["sector"] == "Bouw" else 12
            for _ in range(n):
                waiver = bool(self.rng.random() < 0.03)
                age = int(self.rng.integers(23, 25)) if waiver else int(self.rng.integers(25, 63))
                birth = add_years(self.today, -age) - timedelta(days=int(self.rng.integers(365)))
                status = self.rng.choice(
                    [s.value for s in TrainingStatus], p=[0.15, 0.2, 0.55, 0.1]
                )
                owners.append(company_id)
                rows.append(
                    {
                        "company_id": company_id,
                        "created_at": self.moment(self.days_ago(30, 5 * 365)),
                        "first_name": self.pick(words.ADULT_FIRST_NAMES),
                        "last_name": self.pick(words.SURNAMES),
                        "birth_date": birth,
                        "years_experience": int(self.rng.integers(5, max(6, age - 17))),
                        "extract_596_2_shown_on": self.days_ago(20, 5 * 365),
                        "training_status": TrainingStatus(str(status)),
                        "training_deadline": self.today
                        + timedelta(days=int(self.rng.integers(-60, months * 30))),
                    }
                )
        return owners, rows

    def sites(
        self, company_ids: list[int], companies: list[dict[str, Any]], n_sites: int
    ) -> tuple[list[int], list[dict[str, Any]]]:
        n_companies = len(company_ids)
        counts = np.ones(n_companies, dtype=int)
        extra = max(0, n_sites - n_companies)
        if extra:
            chains = self.rng.choice(n_companies, size=max(1, n_companies // 7), replace=False)
            np.add.at(counts, self.rng.choice(chains, size=extra), 1)
        places = self.place_indices(int(counts.sum()))
        jitter = self.rng.normal(0.0, 1.0, size=(len(places), 2))
        owners, rows, k = [], [], 0
        for i, company_id in enumerate(company_ids):
            name = companies[i]["row"]["name"]
            for _ in range(int(counts[i])):
                place = self.postcodes[int(places[k])]
                owners.append(i)
                rows.append(
                    {
                        "company_id": company_id,
                        "created_at": companies[i]["row"]["created_at"],
                        "name": name if counts[i] == 1 else f"{name} {place.municipality_nl}",
                        "street": self.street(),
                        "postcode": place.postcode,
                        # About a kilometre around the postcode's centre, so sites differ.
                        "lat": round(place.lat + 0.009 * float(jitter[k, 0]), 6),
                        "lon": round(place.lon + 0.014 * float(jitter[k, 1]), 6),
                    }
                )
                k += 1
        return owners, rows

    def recognitions(
        self,
        site_ids: list[int],
        site_owners: list[int],
        companies: list[dict[str, Any]],
        company_ids: list[int],
        mentors_of: dict[int, list[int]],
    ) -> list[dict[str, Any]]:
        statuses = list(STATUS_SHARES)
        shares = np.array(list(STATUS_SHARES.values()))
        rows = []
        for site_id, owner in zip(site_ids, site_owners, strict=True):
            options = self.by_sector[companies[owner]["sector"]]
            k = min(len(options), 1 + int(self.rng.poisson(2.7)))
            chosen = self.rng.choice(len(options), size=k, replace=False)
            mentor_pool = mentors_of[company_ids[owner]]
            for index in sorted(int(c) for c in chosen):
                status = statuses[int(self.rng.choice(len(statuses), p=shares))]
                row = self.recognition(status, options[index].id, site_id)
                row["mentor_id"] = self.pick(mentor_pool) if mentor_pool else None
                # A decided recognition with a mentor of 23 or 24 had the partnership's waiver.
                row["has_mentor_age_waiver"] = (
                    row["decided_at"] is not None and row["mentor_id"] in self.young_mentors
                )
                rows.append(row)
        return rows

    def recognition(
        self, status: RecognitionStatus, programme_id: int, site_id: int
    ) -> dict[str, Any]:
        rng = self.rng
        decided: date | None = None
        reason: str | None = None
        if status is RecognitionStatus.REQUESTED:
            requested = self.days_ago(0, 40)  # some past the 14-day norm
        else:
            if status is RecognitionStatus.EXPIRED:
                decided = self.days_ago(5 * 365 + 2, 7 * 365)
            elif status is RecognitionStatus.RECOGNISED:
                decided = self.days_ago(0, 5 * 365 - 2)
            else:
                decided = self.days_ago(30, 3 * 365)
            requested = decided - timedelta(days=int(rng.integers(2, 21)))
            if status is RecognitionStatus.REFUSED:
                reason = self.pick(REFUSAL_REASONS)
            elif status is RecognitionStatus.WITHDRAWN:
                reason = self.pick(WITHDRAWAL_REASONS)
        valid_until = (
            recognition_valid_until(decided)
            if decided and status is not RecognitionStatus.REFUSED
            else None
        )
        n_places = int(rng.choice([1, 2, 3, 4, 5], p=[0.6, 0.28, 0.09, 0.02, 0.01]))
        n_free = 0
        available_from: date | None = None
        confirmed: datetime | None = None
        preferences = IntakePreferences()
        if status is RecognitionStatus.RECOGNISED:
            if rng.random() < 0.42:
                n_free = int(rng.integers(1, n_places + 1))
                roll = rng.random()
                if roll < 0.2:
                    available_from = self.today + timedelta(days=int(rng.integers(7, 180)))
                elif roll < 0.3:
                    available_from = self.days_ago(1, 120)
            if rng.random() > 0.12:
                age_days = min(int(rng.exponential(55)), (self.today - decided).days)  # type: ignore[operator]
                confirmed = self.moment(self.today - timedelta(days=age_days))
            preferences = self.intake_preferences()
        requested_at = self.moment(requested)
        decided_at = self.moment(decided) if decided else None
        return {
            "site_id": site_id,
            "programme_id": programme_id,
            "status": status,
            "requested_at": requested_at,
            "decided_at": decided_at,
            "decision_reason": reason,
            "valid_until": valid_until,
            "n_places": n_places,
            "n_free_places": n_free,
            "available_from": available_from,
            "intake_preferences": preferences,
            "last_confirmed_at": confirmed,
            "updated_at": max(m for m in (requested_at, decided_at, confirmed) if m),
            "is_at_risk": False,
        }

    def intake_preferences(self) -> IntakePreferences:
        rng = self.rng
        min_age = start_months = languages = None
        if rng.random() < 0.3:
            min_age = int(rng.choice([15, 16, 17, 18], p=[0.2, 0.4, 0.25, 0.15]))
        if rng.random() < 0.5:
            start_months = {9, int(rng.choice([2, 4, 9, 11]))}
        if rng.random() < 0.15:
            languages = {"nl", "fr"} if rng.random() < 0.5 else {"nl", "en"}
        at_school = bool(rng.random() < 0.6)
        return IntakePreferences(
            min_age=min_age,
            start_months=frozenset(start_months or ()),
            languages=frozenset(languages or ()),
            hours_pattern=self.pick(words.HOURS_PATTERNS),
            first_interview_at_school=at_school,
        )

    def schools(self, n: int) -> list[dict[str, Any]]:
        kinds = [
            SchoolKind.SECONDARY,
            SchoolKind.PART_TIME_CENTRE,
            SchoolKind.SYNTRA,
            SchoolKind.ADULT_CENTRE,
        ]
        kind_idx = self.rng.choice(len(kinds), size=n, p=[0.7, 0.12, 0.1, 0.08])
        rows = []
        for i, place_index in enumerate(self.place_indices(n)):
            place = self.postcodes[int(place_index)]
            kind = kinds[int(kind_idx[i])]
            prefix = self.pick(words.SCHOOL_NAMES[kind.value])
            rows.append(
                {
                    "created_at": self.moment(self.days_ago(365, 20 * 365)),
                    "name": f"{prefix} {place.municipality_nl}",
                    "kind": kind,
                    "street": self.street(),
                    "postcode": place.postcode,
                    "lat": place.lat,
                    "lon": place.lon,
                    "email": f"secretariaat{i}@school.test",
                }
            )
        return rows

    def students(
        self, n: int, school_ids: list[int], school_rows: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        if n == 0:
            return []
        school_year = self.today.year if self.today.month >= 9 else self.today.year - 1
        lessons_start = date(school_year, 9, 1)  # a wished start date of some
        home_weights: dict[int, np.ndarray] = {}
        rows = []
        for school_index in self.rng.integers(len(school_ids), size=n):
            s = int(school_index)
            school = school_rows[s]
            if s not in home_weights:
                # Learners live near their school: weight postcodes by population and
                # an exponential decay with an 8 km scale.
                d = haversine_km(school["lat"], school["lon"], self.lat, self.lon)
                w = self.weights * np.exp(-d / 8.0)
                home_weights[s] = w / w.sum()
            home = self.postcodes[int(self.rng.choice(len(self.postcodes), p=home_weights[s]))]
            is_adult = school["kind"] is SchoolKind.ADULT_CENTRE and bool(self.adult)
            pool = self.adult if is_adult else self.secondary
            programme = pool[int(self.rng.choice(len(pool), p=self.demand(pool)))]
            low, high = AGES_BY_LEVEL.get(programme.level, (16, 19))
            age = int(self.rng.integers(low, high + 1))
            mobility = self.rng.choice(
                [m.value for m in Mobility],
                p=[0.05, 0.2, 0.2, 0.55] if is_adult else [0.08, 0.45, 0.35, 0.12],
            )
            company_size = start_date = None
            if self.rng.random() < 0.4:
                company_size = self.pick(("klein", "middelgroot", "groot"))
            if self.rng.random() < 0.3:
                start_date = lessons_start
            rows.append(
                {
                    "created_at": self.moment(self.days_ago(0, 400)),
                    "school_id": school_ids[s],
                    "programme_id": programme.id,
                    "first_name": self.pick(words.YOUNG_FIRST_NAMES),
                    "last_name": self.pick(words.SURNAMES),
                    "birth_date": add_years(self.today, -age)
                    - timedelta(days=int(self.rng.integers(365))),
                    "home_postcode": home.postcode,
                    "mobility": Mobility(str(mobility)),
                    "wishes": StudentWishes(start_date=start_date, company_size=company_size),
                    "is_ready_for_work": bool(self.rng.random() < 0.88),
                    # Unknown here: a start in September would have run out every clock by
                    # November, and the training-clocks job would write to every coach. The
                    # demo school's students get dates along their story (school_side.py).
                    "lessons_start_date": None,
                }
            )
        return rows


def _population_weights(postcodes: Sequence[Postcode]) -> np.ndarray:
    """Weight postcodes like the population; West Flanders a little more.

    A municipality's population is shared equally by its postcodes.
    """
    n_postcodes: dict[str, int] = defaultdict(int)
    for p in postcodes:
        n_postcodes[p.municipality_nl] += 1
    weights = np.array(
        [
            words.MUNICIPALITY_POPULATION.get(
                p.municipality_nl, words.AVERAGE_MUNICIPALITY_POPULATION
            )
            / n_postcodes[p.municipality_nl]
            * (1.15 if p.province == "west-vlaanderen" else 1.0)
            for p in postcodes
        ]
    )
    return np.asarray(weights / weights.sum())
