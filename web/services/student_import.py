"""A school's students, added one at a time or a whole class from a CSV file.

Both ways go through the same checks (`check_student`): names, a known programme and
postcode, and the learner ages of DOMAIN.md ("Learners", `models.rules.learner_age_problem`).
The file's format is in docs/students-csv.md.

An import is all or nothing: a file with one bad line stores nothing, and the refusal
(`StudentDataError`) lists every bad line with its number and column, in Dutch. A school
knows a student by first name, last name and birth date (`uq_students_identity`): the
same student imported again is updated, never duplicated.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Postcode, Programme, Student
from models.enums import LearnerType, Mobility, Role
from models.rules import LEARNER_TOO_YOUNG, age_on, learner_age_problem
from web.services import policy
from web.services.errors import ConflictError
from web.services.messages import Message, _l
from web.services.policy import Party

MAX_NAME = 80
MAX_LINES = 1000  # a class is a few dozen; more is not a class list
# The columns of a class list, in the documented order (docs/students-csv.md), and the
# field each fills; `start_lessen` may be left out.
COLUMNS = {
    "voornaam": "first_name",
    "familienaam": "last_name",
    "geboortedatum": "birth_date",
    "opleiding": "programme",
    "postcode": "home_postcode",
    "vervoer": "mobility",
    "arbeidsrijp": "is_ready_for_work",
    "start_lessen": "lessons_start_date",
}
OPTIONAL_COLUMNS = frozenset({"start_lessen"})
COLUMN_OF = {field: column for column, field in COLUMNS.items()}
MOBILITY_WORDS = {
    "te voet": Mobility.WALK,
    "fiets": Mobility.BIKE,
    "openbaar vervoer": Mobility.PUBLIC_TRANSPORT,
    "ov": Mobility.PUBLIC_TRANSPORT,
    "auto": Mobility.CAR,
}
YES_NO = {"ja": True, "nee": False}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_BELGIAN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_POSTCODE = re.compile(r"\d{4}")


@dataclass(frozen=True)
class StudentDetails:
    """What a school records of a student when adding one."""

    first_name: str
    last_name: str
    birth_date: date
    programme: str  # the programme's code
    home_postcode: str
    mobility: Mobility
    is_ready_for_work: bool
    lessons_start_date: date | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong: the field it concerns, why, and for a file its line and column."""

    field: str  # a StudentDetails field, or "file"
    message: Message
    line: int | None = None

    @property
    def column(self) -> str:
        """The column of the class list the problem is in ("" for the file as a whole)."""
        return COLUMN_OF.get(self.field, "")


class StudentDataError(ValueError):
    """The students given cannot be stored; `problems` says every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p.message) for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: students added, changed, and found already as in the file."""

    added: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class Reference:
    """What the checks compare with: the programmes and the known postcodes."""

    programmes: dict[str, Programme]  # by code
    postcodes: frozenset[str]

    @classmethod
    def load(cls, session: Session, postcodes: Iterable[str]) -> "Reference":
        """Read the programmes and which of `postcodes` exist."""
        wanted = {p for p in postcodes if _POSTCODE.fullmatch(p)}
        known = session.scalars(select(Postcode.postcode).where(Postcode.postcode.in_(wanted)))
        return cls(
            {p.code: p for p in session.scalars(select(Programme))},
            frozenset(known) if wanted else frozenset(),
        )


def check_student(details: StudentDetails, reference: Reference, today: date) -> list[Problem]:
    """List what is wrong with a student's details (empty: nothing)."""
    problems = []
    for field in ("first_name", "last_name"):
        value = getattr(details, field)
        if not value:
            problems.append(Problem(field, _l("Vul dit in.")))
        elif len(value) > MAX_NAME:
            problems.append(Problem(field, _l("Houd het onder %(n)s tekens.", n=MAX_NAME)))
    problems += _reference_problems(details.programme, details.home_postcode, reference)
    problem = age_problem(details, reference.programmes.get(details.programme), today)
    if problem is not None:
        problems.append(problem)
    return problems


def _reference_problems(programme: str, postcode: str, reference: Reference) -> list[Problem]:
    """Check that the programme (a code) and the postcode exist."""
    problems = []
    if not programme:
        problems.append(Problem("programme", _l("Vul dit in.")))
    elif programme not in reference.programmes:
        problems.append(
            Problem(
                "programme",
                _l(
                    "Onbekende opleiding “%(value)s”: geef de code of de naam van een "
                    "duale opleiding.",
                    value=programme,
                ),
            )
        )
    if not postcode:
        problems.append(Problem("home_postcode", _l("Vul dit in.")))
    elif postcode not in reference.postcodes:
        problems.append(
            Problem(
                "home_postcode",
                _l(
                    "Onbekende postcode “%(value)s”: geef een Belgische postcode van 4 cijfers.",
                    value=postcode,
                ),
            )
        )
    return problems


def age_problem(
    details: StudentDetails, programme: Programme | None, today: date
) -> Problem | None:
    """Check the learner ages of DOMAIN.md on the day the lessons start (today if earlier)."""
    day = max(today, details.lessons_start_date or today)
    problem = learner_age_problem(
        details.birth_date,
        day,
        # Dual programmes start in the second grade at the earliest, so whoever follows one
        # has been through the first grade: 15 is the minimum age.
        after_first_grade=True,
        learner_type=programme.learner_type if programme else LearnerType.SECONDARY,
    )
    if problem is None:
        return None
    if problem == LEARNER_TOO_YOUNG:
        return Problem(
            "birth_date",
            _l(
                "Te jong voor duaal leren: een leerling is minstens 15 jaar (na de eerste graad "
                "van het secundair onderwijs) of 16 jaar. Op %(day)s is deze leerling "
                "%(age)s jaar.",
                day=day,
                age=age_on(details.birth_date, day),
            ),
        )
    return Problem(
        "birth_date",
        _l(
            "Te oud voor duaal leren: het kan tot en met het schooljaar waarin de leerling "
            "25 wordt."
        ),
    )


def add_student(session: Session, party: Party, details: StudentDetails, today: date) -> Student:
    """Add one student to the school of a coach (a form); refuse a student it already has."""
    policy.require(party, Role.SCHOOL_STAFF)
    details = _tidy(details)
    problems = check_student(details, Reference.load(session, [details.home_postcode]), today)
    if _identity(details) in _students_by_identity(session, party):
        problems.insert(
            0,
            Problem(
                "first_name",
                _l(
                    "Je school heeft al een leerling met deze naam en geboortedatum. Werk een "
                    "klas bij door ze opnieuw te importeren."
                ),
            ),
        )
    if problems:
        raise StudentDataError(problems)
    student = _new_student(session, party, details)
    _flush(session)
    return student


def import_students(session: Session, party: Party, data: bytes, today: date) -> ImportResult:
    """Import a class list (CSV): add new students, update known ones; all or nothing."""
    policy.require(party, Role.SCHOOL_STAFF)
    lines, problems = read_class_list(data)
    reference = Reference.load(session, (values["home_postcode"] for _, values in lines))
    found: list[tuple[int, StudentDetails]] = []
    first_line: dict[tuple[str, str, date], int] = {}
    for line, values in lines:
        details, line_problems = _read_details(values, reference)
        if details is not None:
            line_problems += check_student(details, reference, today)
            earlier = first_line.setdefault(_identity(details), line)
            if earlier != line:
                line_problems.append(
                    Problem(
                        "first_name",
                        _l(
                            "Deze leerling (zelfde naam en geboortedatum) staat al op regel "
                            "%(line)s.",
                            line=earlier,
                        ),
                    )
                )
        problems += [Problem(p.field, p.message, line) for p in line_problems]
        if details is not None and not line_problems:
            found.append((line, details))
    if not lines and not problems:
        problems.append(Problem("file", _l("Het bestand bevat geen leerlingen."), 2))
    if problems:
        order = list(COLUMNS.values())
        raise StudentDataError(
            sorted(
                problems,
                key=lambda p: (p.line or 0, order.index(p.field) if p.field in order else -1),
            )
        )
    known = _students_by_identity(session, party)
    added = updated = 0
    for _line, details in found:
        student = known.get(_identity(details))
        if student is None:
            _new_student(session, party, details)
            added += 1
        elif _update(student, details, reference):
            updated += 1
    _flush(session)
    return ImportResult(added, updated, len(found) - added - updated)


def read_class_list(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Read a CSV class list into (line number, {field: text}) pairs, and its problems of
    form: the encoding, the header, lines with too many values."""
    try:
        text: str | None = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    # A NUL is no text a column can hold (PostgreSQL refuses it); a file full of them is
    # UTF-16, what a spreadsheet saves as "Unicode text".
    if text is None or "\x00" in text:
        return [], [
            Problem(
                "file",
                _l(
                    "Het bestand is geen UTF-8-tekst. Bewaar het in je rekenblad als "
                    "“CSV UTF-8” en probeer opnieuw."
                ),
                1,
            )
        ]
    if not text.strip():
        return [], [Problem("file", _l("Het bestand is leeg."), 1)]
    first = text.lstrip("\r\n").partition("\n")[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    try:
        header: list[str] = []
        while not any(cell.strip() for cell in header):
            header = next(reader)
        header_line = reader.line_num
        columns = [_column_name(cell) for cell in header]
        problems += _header_problems(columns, header_line)
        if problems:
            return [], problems
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num
            if len(lines) >= MAX_LINES:
                return [], [
                    Problem(
                        "file", _l("Importeer hoogstens %(n)s leerlingen per keer.", n=MAX_LINES)
                    )
                ]
            extra = [cell for cell in record[len(columns) :] if cell.strip()]
            if extra:
                problems.append(
                    Problem(
                        "file",
                        _l(
                            "Deze regel heeft meer waarden (%(n)s) dan de kopregel kolommen "
                            "heeft (%(columns)s). Staat er een scheidingsteken in een naam? "
                            "Zet die naam dan tussen aanhalingstekens.",
                            n=len(record),
                            columns=len(columns),
                        ),
                        line,
                    )
                )
                continue
            cells = [*record, *[""] * (len(columns) - len(record))]
            values = {
                COLUMNS[column]: cell.strip()
                for column, cell in zip(columns, cells[: len(columns)], strict=True)
            }
            lines.append((line, {field: values.get(field, "") for field in COLUMNS.values()}))
    except csv.Error:
        problems.append(
            Problem(
                "file",
                _l("Deze regel is geen geldige CSV (een aanhalingsteken dat niet sluit?)."),
                reader.line_num,
            )
        )
    except StopIteration:  # only blank lines
        return [], [Problem("file", _l("Het bestand is leeg."), 1)]
    return lines, problems


def _column_name(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _header_problems(columns: list[str], line: int) -> list[Problem]:
    problems = []
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        problems.append(
            Problem(
                "file",
                _l(
                    "Onbekende kolom(men) in de kopregel: %(unknown)s. De kolommen zijn: "
                    "%(columns)s.",
                    unknown=", ".join(c or '""' for c in unknown),
                    columns=";".join(COLUMNS),
                ),
                line,
            )
        )
    missing = [c for c in COLUMNS if c not in columns and c not in OPTIONAL_COLUMNS]
    if missing:
        problems.append(
            Problem(
                "file",
                _l("De kopregel mist de kolom(men) %(missing)s.", missing=", ".join(missing)),
                line,
            )
        )
    twice = sorted({c for c in columns if c in COLUMNS and columns.count(c) > 1})
    if twice:
        problems.append(
            Problem(
                "file",
                _l("De kopregel noemt %(columns)s meer dan eens.", columns=", ".join(twice)),
                line,
            )
        )
    return problems


def _read_details(
    values: dict[str, str], reference: Reference
) -> tuple[StudentDetails | None, list[Problem]]:
    """Turn one line's texts into details (None if some cannot be read), with the values
    that cannot be read."""
    problems: list[Problem] = []
    birth_date = _read_date(values["birth_date"], "birth_date", problems, is_required=True)
    lessons_start = _read_date(values["lessons_start_date"], "lessons_start_date", problems)
    mobility = MOBILITY_WORDS.get(" ".join(values["mobility"].lower().split()))
    if mobility is None:
        problems.append(
            Problem(
                "mobility",
                _l(
                    "Schrijf fiets, te voet, openbaar vervoer of auto (niet “%(value)s”).",
                    value=values["mobility"],
                ),
            )
        )
    ready = YES_NO.get(values["is_ready_for_work"].lower())
    if ready is None:
        problems.append(
            Problem(
                "is_ready_for_work",
                _l(
                    "Schrijf ja of nee: gaf de klassenraad het advies dat de leerling "
                    "arbeidsrijp is?"
                ),
            )
        )
    programme = _programme_code(values["programme"], reference) or values["programme"]
    if birth_date is None or mobility is None or ready is None:
        # Check the rest too, so that one pass shows everything wrong on the line.
        for field in ("first_name", "last_name"):
            if not values[field]:
                problems.append(Problem(field, _l("Vul dit in.")))
        problems += _reference_problems(programme, values["home_postcode"], reference)
        return None, problems
    details = StudentDetails(
        first_name=values["first_name"],
        last_name=values["last_name"],
        birth_date=birth_date,
        programme=programme,
        home_postcode=values["home_postcode"],
        mobility=mobility,
        is_ready_for_work=ready,
        lessons_start_date=lessons_start,
    )
    return _tidy(details), problems


def _programme_code(value: str, reference: Reference) -> str | None:
    """A programme named by its code or its full name, in any case."""
    wanted = " ".join(value.lower().split())
    for code, programme in reference.programmes.items():
        if wanted in (code, programme.name.lower()):
            return code
    return None


def _read_date(
    text: str, field: str, problems: list[Problem], is_required: bool = False
) -> date | None:
    if not text:
        if is_required:
            problems.append(Problem(field, _l("Vul dit in.")))
        return None
    iso, belgian = _ISO_DATE.fullmatch(text), _BELGIAN_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if belgian:
            return date(int(belgian[3]), int(belgian[2]), int(belgian[1]))
    except ValueError:
        pass
    problems.append(
        Problem(
            field,
            _l(
                "Geen geldige datum: “%(value)s”. Schrijf 2010-03-25 of 25/03/2010.",
                value=text,
            ),
        )
    )
    return None


def _tidy(details: StudentDetails) -> StudentDetails:
    """Names and postcode without stray spaces."""
    return StudentDetails(
        first_name=" ".join(details.first_name.split()),
        last_name=" ".join(details.last_name.split()),
        birth_date=details.birth_date,
        programme=details.programme.strip(),
        home_postcode=details.home_postcode.strip(),
        mobility=details.mobility,
        is_ready_for_work=details.is_ready_for_work,
        lessons_start_date=details.lessons_start_date,
    )


def _identity(details: StudentDetails) -> tuple[str, str, date]:
    """How a school knows a student: their name (in any case) and birth date."""
    return (
        " ".join(details.first_name.lower().split()),
        " ".join(details.last_name.lower().split()),
        details.birth_date,
    )


def _students_by_identity(session: Session, party: Party) -> dict[tuple[str, str, date], Student]:
    students = session.scalars(policy.visible(party, Student).order_by(Student.id))
    found: dict[tuple[str, str, date], Student] = {}
    for student in students:
        key = (
            " ".join(student.first_name.lower().split()),
            " ".join(student.last_name.lower().split()),
            student.birth_date,
        )
        found.setdefault(key, student)
    return found


def _new_student(session: Session, party: Party, details: StudentDetails) -> Student:
    assert party.school_id is not None  # policy.require: school staff act for a school
    programme_id = session.scalar(select(Programme.id).where(Programme.code == details.programme))
    student = Student(
        school_id=party.school_id,
        programme_id=programme_id,
        first_name=details.first_name,
        last_name=details.last_name,
        birth_date=details.birth_date,
        home_postcode=details.home_postcode,
        mobility=details.mobility,
        is_ready_for_work=details.is_ready_for_work,
        lessons_start_date=details.lessons_start_date,
    )
    session.add(student)
    return student


def _update(student: Student, details: StudentDetails, reference: Reference) -> bool:
    """Bring a known student in line with the file; tell whether anything changed."""
    values = {
        "first_name": details.first_name,
        "last_name": details.last_name,
        "programme_id": reference.programmes[details.programme].id,
        "home_postcode": details.home_postcode,
        "mobility": details.mobility,
        "is_ready_for_work": details.is_ready_for_work,
        "lessons_start_date": details.lessons_start_date,
    }
    changed = False
    for name, value in values.items():
        if getattr(student, name) != value:
            setattr(student, name, value)
            changed = True
    return changed


def _flush(session: Session) -> None:
    """Write the students; a colleague adding the same student meanwhile is a conflict."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ConflictError(
            _l(
                "Intussen werd een van deze leerlingen al toegevoegd, misschien door een "
                "collega. Probeer opnieuw: wie al bestaat, wordt dan bijgewerkt."
            )
        ) from None
