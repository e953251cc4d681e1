"""The domain's closed vocabularies (DOMAIN.md), stored by value."""

import enum


class LearnerType(enum.StrEnum):
    SECONDARY = "secondary"
    ADULT = "adult"


class AgreementType(enum.StrEnum):
    """Agreement types of DOMAIN.md step 6."""

    SAO = "SAO"  # stageovereenkomst alternerende opleiding
    OAO = "OAO"  # overeenkomst alternerende opleiding
    DA = "DA"  # deeltijdse arbeidsovereenkomst (social Maribel sectors)
    ODO = "ODO"  # overeenkomst duale opleiding (adults)
    ODO_STATUUT = "ODO-statuut"


class RecognitionStatus(enum.StrEnum):
    """DOMAIN.md step 2: requested → recognised | refused; recognised → expired | withdrawn."""

    REQUESTED = "requested"
    RECOGNISED = "recognised"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class TrainingStatus(enum.StrEnum):
    """Where a mentor stands with the mandatory mentor training (DOMAIN.md step 3)."""

    NOT_STARTED = "not_started"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    EXEMPTED = "exempted"


class MentorProblem(enum.StrEnum):
    """Why a person cannot (yet) be a mentor under DOMAIN.md step 3."""

    TOO_YOUNG = "too_young"  # under 23
    NEEDS_AGE_WAIVER = "needs_age_waiver"  # 23 or 24: only with the partnership's waiver
    TOO_LITTLE_EXPERIENCE = "too_little_experience"
    NO_EXTRACT_SHOWN = "no_extract_shown"  # no 596.2 criminal-record extract shown yet


class SchoolKind(enum.StrEnum):
    SECONDARY = "secondary"
    PART_TIME_CENTRE = "part_time_centre"  # centrum voor deeltijds onderwijs (CDO)
    SYNTRA = "syntra"
    ADULT_CENTRE = "adult_centre"  # centrum voor volwassenenonderwijs (CVO)


class Mobility(enum.StrEnum):
    WALK = "walk"
    BIKE = "bike"
    PUBLIC_TRANSPORT = "public_transport"
    CAR = "car"


class IntakeStatus(enum.StrEnum):
    """Where an intake proposal stands (DOMAIN.md, "Intake proposal").

    proposed → accepted | declined | countered | expired | withdrawn;
    countered → accepted | withdrawn; an open one (proposed, countered) → full when the
    workplace's last place goes. An accepted one then gets its outcome.
    """

    PROPOSED = "proposed"  # waiting for the company, until the deadline
    COUNTERED = "countered"  # the company offered other times: waiting for the coach
    ACCEPTED = "accepted"  # a time is agreed: the interview is planned
    DECLINED = "declined"
    EXPIRED = "expired"  # the company did not answer in time
    WITHDRAWN = "withdrawn"  # by the coach
    FULL = "full"  # "volzet": the workplace's last place went meanwhile


OPEN_INTAKE_STATUSES = (IntakeStatus.PROPOSED, IntakeStatus.COUNTERED)


class IntakeOutcome(enum.StrEnum):
    """How an accepted intake interview went."""

    MATCH = "match"  # where an agreement starts
    NO_MATCH = "no_match"  # with a reason
    NOT_HELD = "not_held"  # the interview did not take place


class DeclineReason(enum.StrEnum):
    """Why a company declines a proposal (with free text beside it)."""

    NO_PLACE = "no_place"
    PROFILE = "profile"
    TIMING = "timing"
    OTHER = "other"


class IntakeLocation(enum.StrEnum):
    """DOMAIN.md step 5 advises the first conversation at the school."""

    SCHOOL = "school"
    COMPANY = "company"


class Role(enum.StrEnum):
    STUDENT = "student"
    SCHOOL_STAFF = "school_staff"
    COMPANY = "company"
    CONSULTANT = "consultant"  # partnership consultant
    ADMIN = "admin"
