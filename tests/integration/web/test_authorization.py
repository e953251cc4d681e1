"""Who may do what: every route of the app, asked by every kind of visitor.

The matrix below proves that each party reads and changes only its own: a company its
sites, mentors, recognitions and API keys; a partnership consultant the recognitions of
the programmes their partnership decides on; school staff their own school's students.
Anonymous visitors reach only the public search (pages and API), the favicon, the health
checks, the forms to log in or register, a registration's e-mailed link, and the forms to
ask for a new password and to choose one from its e-mailed link. Nothing a company records
about its mentors is ever public. Nobody but the student's school sees the student, except
the student and, through a proposal made to it, a company (the minimum).

For each (route, method, visitor) the test asserts the exact answer, where a redirect
leads, that a refused request changed nothing in the database (and an allowed write did
change it), and that the answer shows nothing of company A to a party not entitled to
it. Another test fails as soon as the app gains a route the matrix does not list.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from models import (
    Agreement,
    AllocationLine,
    AllocationRun,
    Announcement,
    Company,
    EmailToken,
    Intake,
    IntakeSlot,
    LoginSession,
    Mentor,
    OutboxMessage,
    Recognition,
    SchoolDayOff,
    Site,
    Student,
    StudentInterest,
    User,
)
from models.access import ApiToken
from models.allocation import Placement
from models.base import BELGIUM, today_in_belgium, utcnow
from models.calendar import add_working_days
from models.enums import AgreementType, IntakeOutcome, IntakeStatus, RecognitionStatus, Role
from models.rules import add_years, format_kbo
from tests import factories
from tests.clients import login, post
from tests.pages import REGISTRATION
from web.db import get_session, unit_of_work
from web.services.companies import DECLARATIONS, CompanyDetails, request_registration
from web.services.password_reset import request_reset
from web.services.policy import Party
from web.services.tokens import create_token, revoke_token

# --- The visitors ---------------------------------------------------------------------

ANONYMOUS = "anonymous"
STUDENT = "student"
SCHOOL_STAFF = "school_staff"  # of the school of the student the routes point at
SCHOOL_STAFF_B = "school_staff_b"  # of another school
COMPANY_A = "company_a"  # owns every object the routes below point at
COMPANY_B = "company_b"  # another company
CONSULTANT_A = "consultant_a"  # of the partnership deciding company A's programmes
CONSULTANT_B = "consultant_b"  # of another partnership
ADMIN = "admin"

VISITORS = (
    ANONYMOUS,
    STUDENT,
    SCHOOL_STAFF,
    SCHOOL_STAFF_B,
    COMPANY_A,
    COMPANY_B,
    CONSULTANT_A,
    CONSULTANT_B,
    ADMIN,
)

HOME_PAGES = {
    STUDENT: "/",
    SCHOOL_STAFF: "/school",
    SCHOOL_STAFF_B: "/school",
    COMPANY_A: "/bedrijf",
    COMPANY_B: "/bedrijf",
    CONSULTANT_A: "/partnerschap",
    CONSULTANT_B: "/partnerschap",
    ADMIN: "/beheer/taken",
}

# --- What company A records, and must stay its own -----------------------------------

COMPANY_A_NAME = "Elektro Aerts"
COMPANY_A_SITE = "Werkplaats Kortrijk"
COMPANY_B_NAME = "Bouwbedrijf Bael"
PROGRAMME = "elektrotechnieken-duaal"  # decided by "Elektro en installatie"
REQUESTED_PROGRAMME = "elektrische-installaties-duaal"  # the same partnership
NEW_PROGRAMME = "elektrotechnicus-duaal"  # what company A asks for in the matrix
MENTOR_FIRST_NAME = "Godelieve"
MENTOR_LAST_NAME = "Vanhoutteghem"
MENTOR_BIRTH_DATE = date(1969, 11, 23)
MENTOR_MARKERS = (
    MENTOR_FIRST_NAME,
    MENTOR_LAST_NAME,
    MENTOR_BIRTH_DATE.isoformat(),
    "23/11/1969",
    "23-11-1969",
    "23.11.1969",
    "23 november 1969",
    "November 23, 1969",
)

# --- What school A holds about its student, and must stay its own ---------------------

STUDENT_FIRST_NAME = "Philomena"
STUDENT_LAST_NAME = "Vercruysse"
STUDENT_BIRTH_DATE = date(2009, 8, 17)
STUDENT_MARKERS = (
    STUDENT_FIRST_NAME,
    STUDENT_LAST_NAME,
    STUDENT_BIRTH_DATE.isoformat(),
    "17/08/2009",
    "17-08-2009",
    "17.08.2009",
    "17 augustus 2009",
    "August 17, 2009",
)

# --- Expected answers -----------------------------------------------------------------

LOGIN_PAGE = "login"  # the login form, with ?next= the requested path
HOME_PAGE = "home"  # the visitor's own start page


@dataclass(frozen=True)
class Expect:
    """The answer one visitor gets from one route."""

    status: int
    # Where a redirect leads: LOGIN_PAGE, HOME_PAGE, or a path pattern (a regular
    # expression whose {names} are filled in with the world's ids).
    redirect: str | None = None
    # The request may change the database, and must: it is an allowed write.
    changes: bool = False
    # The answer's media type starts with this (e.g. "image/"), when it matters.
    mimetype: str | None = None


OK = Expect(200)
SAVED_ON_PAGE = Expect(200, changes=True)
INVALID = Expect(400)
UNAUTHORIZED = Expect(401)
FORBIDDEN = Expect(403)
NOT_FOUND = Expect(404)
TO_LOGIN = Expect(302, LOGIN_PAGE)
TO_HOME = Expect(302, HOME_PAGE)
IMAGE = Expect(200, mimetype="image/")
JSON_FILE = Expect(200, mimetype="application/json")
TEXT = Expect(200, mimetype="text/plain")


def saved(redirect: str) -> Expect:
    """A write that succeeded and sends the visitor on to `redirect`."""
    return Expect(302, redirect, changes=True)


def everyone(expect: Expect) -> dict[str, Expect]:
    return dict.fromkeys(VISITORS, expect)


def anonymous_only(anonymous: Expect) -> dict[str, Expect]:
    """Forms for visitors who are not signed in: the signed-in go to their start page."""
    return {**everyone(TO_HOME), ANONYMOUS: anonymous}


def companies_only(*, company_a: Expect, company_b: Expect) -> dict[str, Expect]:
    """A /bedrijf page: others log in first, or are refused."""
    return {
        **everyone(FORBIDDEN),
        ANONYMOUS: TO_LOGIN,
        COMPANY_A: company_a,
        COMPANY_B: company_b,
    }


def consultants_only(*, consultant_a: Expect, consultant_b: Expect) -> dict[str, Expect]:
    """A /partnerschap page: others log in first, or are refused."""
    return {
        **everyone(FORBIDDEN),
        ANONYMOUS: TO_LOGIN,
        CONSULTANT_A: consultant_a,
        CONSULTANT_B: consultant_b,
    }


def schools_only(*, school_a: Expect, school_b: Expect) -> dict[str, Expect]:
    """A /school page: others log in first, or are refused."""
    return {
        **everyone(FORBIDDEN),
        ANONYMOUS: TO_LOGIN,
        SCHOOL_STAFF: school_a,
        SCHOOL_STAFF_B: school_b,
    }


def students_only(student: Expect) -> dict[str, Expect]:
    """A /leerling page: the signed-in student's own; others log in first, or are refused."""
    return {**everyone(FORBIDDEN), ANONYMOUS: TO_LOGIN, STUDENT: student}


def token_holders_only(*, company_a: Expect, company_b: Expect) -> dict[str, Expect]:
    """The token API: companies send their own bearer token; a session cookie is no token."""
    return {**everyone(UNAUTHORIZED), COMPANY_A: company_a, COMPANY_B: company_b}


# --- The matrix -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One route and method, the request sent to it, and each visitor's answer."""

    endpoint: str
    method: str
    path: str  # {names} are filled in with the world's ids
    expect: Mapping[str, Expect]
    form: Mapping[str, str] = field(default_factory=dict)  # values filled in like `path`
    json: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        assert set(self.expect) == set(VISITORS), f"{self.endpoint}: a visitor is missing"


SEARCH = f"programme={PROGRAMME}&postcode=8500&radius_km=15"
LOGIN_FORM = {"email": "{company_a_email}", "password": factories.PASSWORD}
SITE_FORM = {"name": "Werkplaats Gent", "street": "Kortrijksesteenweg 10", "postcode": "9000"}
CONTACT_FORM = {"email": "stages@example.be", "phone": "056 12 34 56", "website": ""}
REQUEST_FORM = {"site_id": "{site}", "programme_id": "{new_programme}", "mentor_id": "0"}
AVAILABILITY_FORM = {
    "n_places": "3",
    "n_free_places": "2",
    "available_from": "",
    "min_age": "",
    "hours_pattern": "",
}
MENTOR_FORM = {
    "first_name": "Jef",
    "last_name": "Wouters",
    "email": "",
    "birth_date": "1985-02-03",
    "years_experience": "10",
    "extract_596_2_shown_on": "",
    "training_status": "not_started",
}

# A student in the learner ages, and an intake proposal whose times come after its deadline.
STUDENT_FORM = {
    "first_name": "Noor",
    "last_name": "Declercq",
    "birth_date": add_years(today_in_belgium(), -17).isoformat(),
    "programme": PROGRAMME,
    "home_postcode": "8500",
    "mobility": "bike",
    "is_ready_for_work": "y",
    "lessons_start_date": "",
}
PROPOSAL_FORM = {
    "slot_1": f"{add_working_days(today_in_belgium(), 8).isoformat()}T10:00",
    "location": "school",
    "note": "",
    "location_note": "",
    "respond_by": add_working_days(today_in_belgium(), 5).isoformat(),
}

# An agreement drafted from the match: it starts in two weeks, within the recognition.
AGREEMENT_FORM = {
    "start_date": (today_in_belgium() + timedelta(days=14)).isoformat(),
    "end_date": (today_in_belgium() + timedelta(days=314)).isoformat(),
    "weekly_hours": "23",
    "action": "save",
}
END_EARLY_FORM = {
    "ended_on": (today_in_belgium() + timedelta(days=1)).isoformat(),
    "reason": "De leerling verhuist.",
    "confirmed": "yes",
}

MATRIX = (
    # The public search: pages and API answer everyone alike.
    Route("search.home", "GET", "/", everyone(OK)),
    Route("search.results", "GET", f"/zoeken?{SEARCH}", everyone(OK)),
    Route("search.workplace", "GET", "/werkplekken/{recognised}", everyone(OK)),
    Route("api.openapi", "GET", "/api/v1/openapi.json", everyone(OK)),
    Route("api.docs", "GET", "/api", everyone(OK)),
    Route("api.programmes", "GET", "/api/v1/programmes", everyone(OK)),
    Route("api.postcodes", "GET", "/api/v1/postcodes?q=8500", everyone(OK)),
    Route("api.search", "GET", f"/api/v1/search?{SEARCH}", everyone(OK)),
    Route("api.workplace", "GET", "/api/v1/workplaces/{recognised}", everyone(OK)),
    # What a browser asks for by itself; what load balancers ask.
    Route("favicon", "GET", "/favicon.ico", everyone(IMAGE)),
    Route("health.healthz", "GET", "/healthz", everyone(TEXT)),
    Route("health.readyz", "GET", "/readyz", everyone(JSON_FILE)),
    # Logging in (a session starts) and out (the visitor's session ends).
    Route("auth.login", "GET", "/aanmelden", anonymous_only(OK)),
    Route(
        "auth.login",
        "POST",
        "/aanmelden",
        anonymous_only(saved("/bedrijf")),
        form=LOGIN_FORM,
    ),
    Route(
        "auth.logout",
        "POST",
        "/afmelden",
        {**everyone(saved("/")), ANONYMOUS: Expect(302, "/")},
    ),
    # Registering a company: the form keeps it and e-mails a link; the link's button
    # creates the company and signs its login in. The link is what entitles: whoever
    # holds it confirms, signed in or not.
    Route("company.register", "GET", "/bedrijf/registreren", anonymous_only(OK)),
    Route(
        "company.register",
        "POST",
        "/bedrijf/registreren",
        anonymous_only(saved("/bedrijf/registreren/verstuurd")),
        form=REGISTRATION,
    ),
    Route("company.registration_sent", "GET", "/bedrijf/registreren/verstuurd", everyone(OK)),
    Route(
        "company.confirm_registration",
        "GET",
        "/bedrijf/registreren/bevestigen/{registration}",
        everyone(OK),
    ),
    Route(
        "company.confirm_registration",
        "POST",
        "/bedrijf/registreren/bevestigen/{registration}",
        everyone(saved("/bedrijf")),
    ),
    # A forgotten password: the form answers the same for every address and mails a link
    # to an account's own; like registration's, the link is what entitles: whoever holds
    # it chooses the password (the account's sessions end, the visitor's own included, and
    # the visitor is sent to log in).
    Route("auth.forgot_password", "GET", "/wachtwoord-vergeten", anonymous_only(OK)),
    Route(
        "auth.forgot_password",
        "POST",
        "/wachtwoord-vergeten",
        anonymous_only(saved("/wachtwoord-vergeten/verstuurd")),
        form={"email": "{company_a_email}"},
    ),
    Route("auth.reset_requested", "GET", "/wachtwoord-vergeten/verstuurd", everyone(OK)),
    Route("auth.reset_password", "GET", "/wachtwoord-kiezen/{password_reset}", everyone(OK)),
    Route(
        "auth.reset_password",
        "POST",
        "/wachtwoord-kiezen/{password_reset}",
        everyone(saved("/aanmelden")),
        form={"password": "een nieuw wachtwoord", "password_again": "een nieuw wachtwoord"},
    ),
    # The company's pages: a company sees its own; another's ids do not exist for it.
    Route("company.dashboard", "GET", "/bedrijf", companies_only(company_a=OK, company_b=OK)),
    Route(
        "company.new_site",
        "GET",
        "/bedrijf/vestigingen/nieuw",
        companies_only(company_a=OK, company_b=OK),
    ),
    Route(
        "company.new_site",
        "POST",
        "/bedrijf/vestigingen/nieuw",
        companies_only(company_a=saved("/bedrijf"), company_b=saved("/bedrijf")),
        form=SITE_FORM,
    ),
    Route(
        "company.edit_site",
        "GET",
        "/bedrijf/vestigingen/{site}",
        companies_only(company_a=OK, company_b=NOT_FOUND),
    ),
    Route(
        "company.edit_site",
        "POST",
        "/bedrijf/vestigingen/{site}",
        companies_only(company_a=saved("/bedrijf"), company_b=NOT_FOUND),
        form=SITE_FORM,
    ),
    Route(
        "company.remove_site",
        "GET",
        "/bedrijf/vestigingen/{site}/verwijderen",
        companies_only(company_a=OK, company_b=NOT_FOUND),
    ),
    Route(
        "company.remove_site",
        "POST",
        "/bedrijf/vestigingen/{spare_site}/verwijderen",
        companies_only(company_a=saved("/bedrijf"), company_b=NOT_FOUND),
    ),
    Route("company.contact", "GET", "/bedrijf/contact", companies_only(company_a=OK, company_b=OK)),
    Route(
        "company.contact",
        "POST",
        "/bedrijf/contact",
        companies_only(company_a=saved("/bedrijf"), company_b=saved("/bedrijf")),
        form=CONTACT_FORM,
    ),
    Route(
        "company.request_recognition",
        "GET",
        "/bedrijf/erkenningen/nieuw",
        companies_only(company_a=OK, company_b=OK),
    ),
    Route(
        "company.request_recognition",
        "POST",
        "/bedrijf/erkenningen/nieuw",
        # Company B names company A's site: refused as not one of its own.
        companies_only(company_a=saved(r"/bedrijf/erkenningen/\d+"), company_b=INVALID),
        form=REQUEST_FORM,
    ),
    Route(
        "company.recognition",
        "GET",
        "/bedrijf/erkenningen/{recognised}",
        companies_only(company_a=OK, company_b=NOT_FOUND),
    ),
    Route(
        "company.save_availability",
        "POST",
        "/bedrijf/erkenningen/{recognised}/plaatsen",
        companies_only(company_a=saved("/bedrijf/erkenningen/{recognised}"), company_b=NOT_FOUND),
        form=AVAILABILITY_FORM,
    ),
    Route(
        "company.confirm",
        "POST",
        "/bedrijf/erkenningen/{recognised}/klopt-nog",
        companies_only(company_a=saved("/bedrijf/erkenningen/{recognised}"), company_b=NOT_FOUND),
    ),
    Route(
        "company.choose_mentor",
        "POST",
        "/bedrijf/erkenningen/{recognised}/mentor",
        companies_only(company_a=saved("/bedrijf/erkenningen/{recognised}"), company_b=NOT_FOUND),
        form={"mentor_id": "{second_mentor}"},
    ),
    Route(
        "company.new_mentor",
        "GET",
        "/bedrijf/mentoren/nieuw",
        companies_only(company_a=OK, company_b=OK),
    ),
    Route(
        "company.new_mentor",
        "POST",
        "/bedrijf/mentoren/nieuw",
        companies_only(
            company_a=saved(r"/bedrijf/mentoren/\d+"), company_b=saved(r"/bedrijf/mentoren/\d+")
        ),
        form=MENTOR_FORM,
    ),
    Route(
        "company.edit_mentor",
        "GET",
        "/bedrijf/mentoren/{mentor}",
        companies_only(company_a=OK, company_b=NOT_FOUND),
    ),
    Route(
        "company.edit_mentor",
        "POST",
        "/bedrijf/mentoren/{mentor}",
        companies_only(company_a=saved("/bedrijf/mentoren/{mentor}"), company_b=NOT_FOUND),
        form=MENTOR_FORM,
    ),
    Route(
        "company.api_tokens", "GET", "/bedrijf/sleutels", companies_only(company_a=OK, company_b=OK)
    ),
    Route(
        "company.api_tokens",
        "POST",
        "/bedrijf/sleutels",
        companies_only(company_a=SAVED_ON_PAGE, company_b=SAVED_ON_PAGE),
        form={"name": "Planning"},
    ),
    Route(
        "company.revoke_token",
        "GET",
        "/bedrijf/sleutels/{token}/intrekken",
        companies_only(company_a=OK, company_b=NOT_FOUND),
    ),
    Route(
        "company.revoke_token",
        "POST",
        "/bedrijf/sleutels/{token}/intrekken",
        companies_only(company_a=saved("/bedrijf/sleutels"), company_b=NOT_FOUND),
    ),
    # The school's pages: its own students; another school's do not exist for it.
    Route(
        "company.inbox",
        "GET",
        "/bedrijf/voorstellen",
        companies_only(company_a=OK, company_b=OK),
    ),
    Route(
        "company.proposal",
        "GET",
        "/bedrijf/voorstellen/{proposed}",
        companies_only(company_a=OK, company_b=NOT_FOUND),
    ),
    Route(
        "company.accept_proposal",
        "POST",
        "/bedrijf/voorstellen/{proposed}/aanvaarden",
        companies_only(company_a=saved("/bedrijf/voorstellen/{proposed}"), company_b=NOT_FOUND),
        form={"accept-slot_id": "{school_slot}"},
    ),
    Route(
        "company.decline_proposal",
        "POST",
        "/bedrijf/voorstellen/{proposed}/afwijzen",
        companies_only(company_a=saved("/bedrijf/voorstellen/{proposed}"), company_b=NOT_FOUND),
        form={"decline-reason": "no_place", "decline-company_note": "", "decline-confirm": "y"},
    ),
    Route(
        "company.counter_proposal",
        "POST",
        "/bedrijf/voorstellen/{proposed}/andere-momenten",
        companies_only(company_a=saved("/bedrijf/voorstellen/{proposed}"), company_b=NOT_FOUND),
        form={
            "counter-slot_1": f"{add_working_days(today_in_belgium(), 9).isoformat()}T14:00",
            "counter-slot_2": "",
            "counter-slot_3": "",
            "counter-note": "",
        },
    ),
    Route(
        "company.record_outcome",
        "POST",
        "/bedrijf/voorstellen/{planned}/uitkomst",
        companies_only(company_a=saved("/bedrijf/voorstellen/{planned}"), company_b=NOT_FOUND),
        form={"outcome-outcome": "no_match", "outcome-note": "Het profiel paste niet."},
    ),
    Route(
        "company.announce",
        "GET",
        "/bedrijf/erkenningen/{recognised}/bekendmaken",
        companies_only(company_a=OK, company_b=NOT_FOUND),
    ),
    Route(
        "company.announce",
        "POST",
        "/bedrijf/erkenningen/{recognised}/bekendmaken",
        # Announced, even when no school nearby has students in the programme yet.
        companies_only(company_a=saved("/bedrijf/erkenningen/{recognised}"), company_b=NOT_FOUND),
        form={"message": "Een plaats vrij vanaf september.", "radius_km": "25"},
    ),
    Route("school.dashboard", "GET", "/school", schools_only(school_a=OK, school_b=OK)),
    Route(
        "school.export",
        "GET",
        "/school/leerlingen/{student}/gegevens.json",
        schools_only(school_a=JSON_FILE, school_b=NOT_FOUND),
    ),
    Route(
        "school.erase",
        "GET",
        "/school/leerlingen/{student}/wissen",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.erase",
        "POST",
        "/school/leerlingen/{student}/wissen",
        schools_only(school_a=saved("/school"), school_b=NOT_FOUND),
    ),
    Route(
        "school.new_student",
        "GET",
        "/school/leerlingen/nieuw",
        schools_only(school_a=OK, school_b=OK),
    ),
    Route(
        "school.new_student",
        "POST",
        "/school/leerlingen/nieuw",
        # Each school adds the student to itself.
        schools_only(
            school_a=saved(r"/school/leerlingen/\d+"), school_b=saved(r"/school/leerlingen/\d+")
        ),
        form=STUDENT_FORM,
    ),
    Route(
        "school.import_class",
        "GET",
        "/school/leerlingen/importeren",
        schools_only(school_a=OK, school_b=OK),
    ),
    Route(
        "school.import_class",
        "POST",
        "/school/leerlingen/importeren",
        # No file: refused as a form (test_school_pages.py imports files).
        schools_only(school_a=INVALID, school_b=INVALID),
    ),
    Route(
        "school.student",
        "GET",
        "/school/leerlingen/{student}",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.propose",
        "GET",
        "/school/leerlingen/{student}/voorstellen/{recognised}",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.propose",
        "POST",
        "/school/leerlingen/{student}/voorstellen/{recognised}",
        schools_only(school_a=saved(r"/school/voorstellen/\d+"), school_b=NOT_FOUND),
        form=PROPOSAL_FORM,
    ),
    Route(
        "school.intake",
        "GET",
        "/school/voorstellen/{countered}",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.take_slot",
        "POST",
        "/school/voorstellen/{countered}/moment",
        schools_only(school_a=saved("/school/voorstellen/{countered}"), school_b=NOT_FOUND),
        form={"slot_id": "{company_slot}"},
    ),
    Route(
        "school.withdraw",
        "GET",
        "/school/voorstellen/{countered}/intrekken",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.withdraw",
        "POST",
        "/school/voorstellen/{countered}/intrekken",
        schools_only(school_a=saved("/school/voorstellen/{countered}"), school_b=NOT_FOUND),
    ),
    Route(
        "school.record_outcome",
        "POST",
        "/school/voorstellen/{planned}/uitkomst",
        schools_only(school_a=saved("/school/voorstellen/{planned}"), school_b=NOT_FOUND),
        form={"outcome": "match", "note": ""},
    ),
    # The coach's cohort allocation: runs of its own school; another school's are absent.
    Route(
        "allocation.start",
        "GET",
        f"/school/toewijzing?opleiding={PROGRAMME}",
        # School B has no student in the programme: not one of its own to choose.
        schools_only(school_a=OK, school_b=INVALID),
    ),
    Route(
        "allocation.start",
        "POST",
        "/school/toewijzing",
        # School B names school A's student: refused as not one of its own.
        schools_only(school_a=saved(r"/school/toewijzing/\d+"), school_b=INVALID),
        form={"programme": PROGRAMME, "students": "{student}"},
    ),
    Route(
        "allocation.run",
        "GET",
        "/school/toewijzing/{run}",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "allocation.propose",
        "POST",
        "/school/toewijzing/{run}/voorstellen",
        schools_only(school_a=saved("/school/toewijzing/{run}"), school_b=NOT_FOUND),
        form={**PROPOSAL_FORM, "lines": "{line}"},
    ),
    # Agreements (DOMAIN.md step 6): the coach drafts, confirms and ends early; the
    # company sees its own and confirms; a partnership sees counts on its recognition pages.
    Route(
        "school.agreements",
        "GET",
        "/school/overeenkomsten",
        schools_only(school_a=OK, school_b=OK),
    ),
    Route(
        "school.new_agreement",
        "GET",
        "/school/voorstellen/{matched}/overeenkomst",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.new_agreement",
        "POST",
        "/school/voorstellen/{matched}/overeenkomst",
        schools_only(school_a=saved(r"/school/overeenkomsten/\d+"), school_b=NOT_FOUND),
        form=AGREEMENT_FORM,
    ),
    Route(
        "school.agreement",
        "GET",
        "/school/overeenkomsten/{agreement}",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.confirm_agreement",
        "POST",
        "/school/overeenkomsten/{agreement}/bevestigen",
        schools_only(school_a=saved("/school/overeenkomsten/{agreement}"), school_b=NOT_FOUND),
    ),
    Route(
        "school.end_agreement",
        "GET",
        "/school/overeenkomsten/{signed_agreement}/beeindigen",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.end_agreement",
        "POST",
        "/school/overeenkomsten/{signed_agreement}/beeindigen",
        schools_only(
            school_a=saved("/school/overeenkomsten/{signed_agreement}"), school_b=NOT_FOUND
        ),
        form=END_EARLY_FORM,
    ),
    Route(
        "company.agreements",
        "GET",
        "/bedrijf/overeenkomsten",
        companies_only(company_a=OK, company_b=OK),
    ),
    Route(
        "company.confirm_agreement",
        "POST",
        "/bedrijf/overeenkomsten/{agreement}/bevestigen",
        companies_only(company_a=saved("/bedrijf/overeenkomsten"), company_b=NOT_FOUND),
    ),
    # The 20-training-day clock: a school's own days off, and "uitgestroomd?".
    Route("school.days_off", "GET", "/school/vrije-dagen", schools_only(school_a=OK, school_b=OK)),
    Route(
        "school.days_off",
        "POST",
        "/school/vrije-dagen",
        # Each school adds the day to its own.
        schools_only(school_a=saved("/school/vrije-dagen"), school_b=saved("/school/vrije-dagen")),
        form={"first_day": "2027-03-11", "last_day": "", "reason": ""},
    ),
    Route(
        "school.remove_day_off",
        "POST",
        "/school/vrije-dagen/{day_off}/verwijderen",
        # School B has no such day of its own: nothing to remove, a 409 that reveals nothing.
        schools_only(school_a=saved("/school/vrije-dagen"), school_b=Expect(409)),
    ),
    Route(
        "school.settle_time_up",
        "GET",
        "/school/leerlingen/{time_up}/uitgestroomd",
        schools_only(school_a=OK, school_b=NOT_FOUND),
    ),
    Route(
        "school.settle_time_up",
        "POST",
        "/school/leerlingen/{time_up}/uitgestroomd",
        schools_only(school_a=saved("/school/leerlingen/{time_up}"), school_b=NOT_FOUND),
        form={"decision": "stays"},
    ),
    # The student's own pages: their interviews, agreements and marked workplaces.
    Route("student.overview", "GET", "/leerling", students_only(OK)),
    Route(
        "student.interest",
        "POST",
        "/leerling/interessant/{recognised}",
        # Marked as interesting, back to the workplace's page it was pressed on.
        students_only(saved("/werkplekken/{recognised}")),
        form={"interested": "ja", "back": "werkplek"},
    ),
    # The admin's page: the scheduled jobs and their runs.
    Route(
        "admin.jobs",
        "GET",
        "/beheer/taken",
        {**everyone(FORBIDDEN), ANONYMOUS: TO_LOGIN, ADMIN: OK},
    ),
    # The partnership's pages: a consultant sees only its partnership's programmes.
    Route(
        "partnership.queue",
        "GET",
        "/partnerschap?provincie=west-vlaanderen&te_laat=y&pagina=2",
        consultants_only(consultant_a=OK, consultant_b=OK),
    ),
    Route(
        "partnership.recognitions",
        "GET",
        "/partnerschap/erkenningen?q=8500&pagina=2",
        consultants_only(consultant_a=OK, consultant_b=OK),
    ),
    Route(
        "partnership.recognition",
        "GET",
        "/partnerschap/erkenningen/{recognised}",
        consultants_only(consultant_a=OK, consultant_b=NOT_FOUND),
    ),
    Route(
        "partnership.approve",
        "POST",
        "/partnerschap/erkenningen/{requested}/erkennen",
        consultants_only(consultant_a=saved("/partnerschap"), consultant_b=NOT_FOUND),
        form={"note": ""},
    ),
    Route(
        "partnership.refuse",
        "POST",
        "/partnerschap/erkenningen/{requested}/weigeren",
        consultants_only(consultant_a=saved("/partnerschap"), consultant_b=NOT_FOUND),
        form={"refuse-reason": "Er is geen werkplaats voor deze opleiding."},
    ),
    Route(
        "partnership.withdraw",
        "POST",
        "/partnerschap/erkenningen/{recognised}/intrekken",
        consultants_only(
            consultant_a=saved("/partnerschap/erkenningen/{recognised}"),
            consultant_b=NOT_FOUND,
        ),
        form={"withdraw-reason": "De werkplaats is gesloten."},
    ),
    # The token API: only a company's own token changes only its own places.
    Route(
        "api.put_availability",
        "PUT",
        "/api/v1/recognitions/{recognised}/availability",
        token_holders_only(company_a=Expect(200, changes=True), company_b=NOT_FOUND),
        json={"n_free_places": 2},
    ),
)

CASES = [
    pytest.param(route, visitor, id=f"{visitor}-{route.method}-{route.endpoint}")
    for route in MATRIX
    for visitor in VISITORS
]

# --- The world every case runs in -----------------------------------------------------


@dataclass(frozen=True)
class World:
    """One user per signed-in visitor, each company's API token, and the ids of the
    objects the routes point at (company A's, unless named after company B)."""

    users: dict[str, User]
    tokens: dict[str, str]  # visitor -> the bearer token of its company
    ids: dict[str, Any]  # what paths and forms refer to
    company_a_id: int
    company_a_kbo: str


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def build_world(app: Flask) -> World:
    """Two companies, two partnerships, two schools (the first with a student), a
    registration waiting for its link, and a user of every role."""
    now = datetime.now(UTC)
    with app.app_context():
        session = get_session()
        school_a = factories.school(session, name="Sint-Lucas Aalst")
        student = factories.student(
            session,
            school=school_a,
            first_name=STUDENT_FIRST_NAME,
            last_name=STUDENT_LAST_NAME,
            birth_date=STUDENT_BIRTH_DATE,
            is_ready_for_work=True,
        )
        school_b = factories.school(session, name="VTI Brugge")
        registration = waiting_registration(session)
        password_reset = waiting_password_reset(session)
        company_a = factories.company(session, name=COMPANY_A_NAME)
        site = factories.site(session, owner=company_a, name=COMPANY_A_SITE)
        spare_site = factories.site(session, owner=company_a, name="Oud magazijn")
        mentor = factories.mentor(
            session,
            owner=company_a,
            first_name=MENTOR_FIRST_NAME,
            last_name=MENTOR_LAST_NAME,
            birth_date=MENTOR_BIRTH_DATE,
            email="godelieve@example.be",
        )
        second_mentor = factories.mentor(session, owner=company_a, first_name="Bart")
        recognised = factories.recognition(
            session, at=site, mentor=mentor, last_confirmed_at=now - timedelta(days=2)
        )
        requested = factories.recognition(
            session,
            at=site,
            programme=factories.programme(session, REQUESTED_PROGRAMME),
            mentor=mentor,
            status=RecognitionStatus.REQUESTED,
            requested_at=now - timedelta(days=3),
            decided_at=None,
            valid_until=None,
            n_free_places=0,
        )
        company_b = factories.company(session, name=COMPANY_B_NAME)
        site_b = factories.site(session, owner=company_b, name="Bouwplaats Brugge")
        mentor_b = factories.mentor(session, owner=company_b, first_name="Mieke")
        # So that the other consultant's queue is not empty: it holds company B's request.
        factories.recognition(
            session,
            at=site_b,
            programme=factories.programme(session, "ruwbouw-duaal"),
            status=RecognitionStatus.REQUESTED,
            requested_at=now - timedelta(days=1),
            decided_at=None,
            valid_until=None,
            n_free_places=0,
        )
        proposed, countered, planned = proposals(session, student, site)
        agreement_ids = agreements_of(session, school_a, student, site, mentor)
        run = AllocationRun(
            school_id=school_a.id,
            programme_id=student.programme_id,
            seed="0123456789abcdef",
            instance={"students": [], "workplaces": []},
            lines=[
                AllocationLine(
                    student_id=student.id,
                    placement=Placement.PLACED,
                    recognition_id=recognised.id,
                    lottery=1,
                    n_choices=1,
                    student_rank=1,
                    workplace_rank=1,
                    n_applicants=1,
                )
            ],
        )
        session.add(run)
        session.flush()
        token_a, secret_a = create_token(session, Party.of_company(company_a.id), "ERP")
        _token_b, secret_b = create_token(session, Party.of_company(company_b.id), "ERP")
        users = {
            STUDENT: factories.user(session, Role.STUDENT),
            SCHOOL_STAFF: factories.user(session, Role.SCHOOL_STAFF, school_a),
            SCHOOL_STAFF_B: factories.user(session, Role.SCHOOL_STAFF, school_b),
            COMPANY_A: factories.user(session, Role.COMPANY, company_a),
            COMPANY_B: factories.user(session, Role.COMPANY, company_b),
            CONSULTANT_A: factories.user(
                session, Role.CONSULTANT, factories.partnership(session, "Elektro en installatie")
            ),
            CONSULTANT_B: factories.user(
                session, Role.CONSULTANT, factories.partnership(session, "Bouw")
            ),
            ADMIN: factories.user(session, Role.ADMIN),
        }
        session.commit()
        return World(
            users=users,
            tokens={COMPANY_A: secret_a, COMPANY_B: secret_b},
            ids={
                "site": site.id,
                "spare_site": spare_site.id,
                "recognised": recognised.id,
                "requested": requested.id,
                "mentor": mentor.id,
                "second_mentor": second_mentor.id,
                "token": token_a.id,
                "site_b": site_b.id,
                "mentor_b": mentor_b.id,
                "new_programme": factories.programme(session, NEW_PROGRAMME).id,
                "company_a_email": users[COMPANY_A].email,
                "student": student.id,
                "registration": registration,
                "password_reset": password_reset,
                "proposed": proposed.id,
                "school_slot": proposed.slots[0].id,
                "countered": countered.id,
                "company_slot": countered.slots[-1].id,
                "planned": planned.id,
                **agreement_ids,
                "run": run.id,
                "line": run.lines[0].id,
            },
            company_a_id=company_a.id,
            company_a_kbo=company_a.kbo_number,
        )


def agreements_of(
    session: Session, school: Any, student: Student, site: Site, mentor: Mentor
) -> dict[str, Any]:
    """School A's agreements at company A: a match of its student waiting for its
    agreement, an agreement of another student that neither side confirmed yet, a signed
    one of a third; a day off of school A; a student whose 20 training days ran out."""
    today, now = today_in_belgium(), utcnow()

    def workplace(code: str) -> Recognition:
        return factories.recognition(
            session, at=site, programme=factories.programme(session, code), mentor=mentor
        )

    matched = Intake(
        student_id=student.id,
        recognition_id=workplace("bandenmonteur-duaal").id,
        status=IntakeStatus.ACCEPTED,
        outcome=IntakeOutcome.MATCH,
        respond_by=today,
        scheduled_at=now - timedelta(days=2),
    )
    session.add(matched)
    made = []
    for code, is_signed in (("keukenmedewerker-duaal", False), ("chocolatier-duaal", True)):
        agreement = Agreement(
            student_id=factories.student(session, school=school).id,
            recognition_id=workplace(code).id,
            mentor_id=mentor.id,
            agreement_type=AgreementType.OAO,
            start_date=today - timedelta(days=7),
            end_date=today + timedelta(days=300),
            weekly_workplace_hours=23,
            school_confirmed_at=now if is_signed else None,
            company_confirmed_at=now if is_signed else None,
            signed_at=now if is_signed else None,
        )
        session.add(agreement)
        made.append(agreement)
    session.add(SchoolDayOff(school_id=school.id, day=date(2027, 3, 10), reason="Studiedag"))
    time_up = factories.student(
        session,
        school=school,
        lessons_start_date=today - timedelta(days=200),
        time_up_on=today - timedelta(days=1),
    )
    session.flush()
    return {
        "matched": matched.id,
        "agreement": made[0].id,
        "signed_agreement": made[1].id,
        "day_off": "2027-03-10",
        "time_up": time_up.id,
    }


def proposals(session: Session, student: Student, site: Site) -> tuple[Intake, Intake, Intake]:
    """Three proposals of school A to other workplaces of company A: one waiting for the
    company's answer, one the company answered with another time, one whose interview
    was yesterday."""
    later = add_working_days(today_in_belgium(), 8)
    at_ten = datetime(later.year, later.month, later.day, 10, tzinfo=BELGIUM).astimezone(UTC)
    made = []
    for code, status in (
        ("onthaal-organisatie-en-sales-duaal", IntakeStatus.PROPOSED),
        ("logistiek-duaal", IntakeStatus.COUNTERED),
        ("winkelmedewerker-duaal", IntakeStatus.ACCEPTED),
    ):
        workplace = factories.recognition(
            session, at=site, programme=factories.programme(session, code)
        )
        intake = Intake(
            student_id=student.id,
            recognition_id=workplace.id,
            status=status,
            respond_by=add_working_days(today_in_belgium(), 5),
            slots=[IntakeSlot(starts_at=at_ten, offered_by="school")],
        )
        if status is IntakeStatus.COUNTERED:
            intake.slots.append(
                IntakeSlot(starts_at=at_ten + timedelta(hours=4), offered_by="company")
            )
        else:
            intake.scheduled_at = utcnow() - timedelta(days=1)
        session.add(intake)
        made.append(intake)
    session.flush()
    return made[0], made[1], made[2]


def waiting_registration(session: Session) -> str:
    """A company registered through the form, its link not yet followed; return the
    link's token."""
    tokens: list[str] = []

    def link_for(token: str) -> str:
        tokens.append(token)
        return f"/bedrijf/registreren/bevestigen/{token}"

    details = CompanyDetails(
        kbo_number="0202.239.951", name="Installaties Claus", **dict.fromkeys(DECLARATIONS, True)
    )
    request_registration(
        session,
        details,
        "nieuw@claus.example",
        "een lang wachtwoord",
        "192.0.2.1",
        utcnow(),
        per_hour=10,
        link_for=link_for,
        login_link="/aanmelden",
    )
    (token,) = tokens
    return token


# --- What the database holds ----------------------------------------------------------

OWNED_MODELS = (
    Company,
    Site,
    Mentor,
    Recognition,
    ApiToken,
    User,
    Student,
    LoginSession,
    EmailToken,
    OutboxMessage,
    Intake,
    Announcement,
    StudentInterest,
    Agreement,
    SchoolDayOff,
    AllocationRun,
    AllocationLine,
)
# Using a token or a session notes when; it changes nothing.
BOOKKEEPING = {("api_tokens", "last_used_at"), ("login_sessions", "last_seen_at")}

State = dict[tuple[Any, ...], dict[str, Any]]


def waiting_password_reset(session: Session) -> str:
    """A reset link mailed to an account of no party in the matrix, not yet followed;
    return the link's token."""
    factories.user(session, Role.ADMIN, email="vergeten@example.be")
    tokens: list[str] = []

    def link_for(token: str) -> str:
        tokens.append(token)
        return f"/wachtwoord-kiezen/{token}"

    request_reset(session, "vergeten@example.be", "192.0.2.1", utcnow(), link_for)
    (token,) = tokens
    return token


def snapshot(app: Flask) -> State:
    """Every row of the tables a party owns, column by column."""
    state: State = {}
    with app.app_context():
        session = get_session()
        for model in OWNED_MODELS:
            table = model.__tablename__
            columns = [
                c.key for c in model.__mapper__.column_attrs if (table, c.key) not in BOOKKEEPING
            ]
            for row in session.scalars(select(model)):
                values = {name: getattr(row, name) for name in columns}
                # Keyed by primary key: a student's marks have no id of their own.
                key = tuple(getattr(row, c.key) for c in model.__mapper__.primary_key)
                state[(table, *key)] = values
    return state


def owned_by(state: State, company_id: int) -> State:
    """The rows of `state` that belong to one company."""
    company_of_site = {key[1]: row["company_id"] for key, row in state.items() if key[0] == "sites"}

    def owner(table: str, row: dict[str, Any]) -> int | None:
        if table == "companies":
            return int(row["id"])
        if table == "recognitions":
            return company_of_site.get(row["site_id"])
        return row.get("company_id")

    return {key: row for key, row in state.items() if owner(key[0], row) == company_id}


# --- Sending a case's request and reading the answer ----------------------------------


def fill(template: str, world: World) -> str:
    return template.format(**world.ids)


def send(client: FlaskClient, world: World, route: Route, visitor: str) -> TestResponse:
    """Send the route's request as `visitor` (already signed in) would."""
    path = fill(route.path, world)
    if route.method == "GET":
        return client.get(path)
    if route.method == "PUT":
        headers = {}
        if visitor in world.tokens:
            headers["Authorization"] = f"Bearer {world.tokens[visitor]}"
        return client.put(path, json=route.json, headers=headers)
    assert route.method == "POST"
    return post(client, path, {name: fill(value, world) for name, value in route.form.items()})


def redirect_target(response: TestResponse) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(response.headers["Location"])
    return parts.path, parse_qs(parts.query)


def check_redirect(
    response: TestResponse, expect: Expect, world: World, route: Route, visitor: str
) -> None:
    path, query = redirect_target(response)
    if expect.redirect == LOGIN_PAGE:
        assert path == "/aanmelden"
        assert query.get("next") == [fill(route.path, world)]
    elif expect.redirect == HOME_PAGE:
        assert path == HOME_PAGES[visitor]
    else:
        assert expect.redirect is not None
        assert re.fullmatch(fill(expect.redirect, world), path), path


def must_not_show(world: World, route: Route, visitor: str) -> tuple[str, ...]:
    """What an answer to `visitor` may not contain: company A's private details, and
    school A's student."""
    area = route.endpoint.partition(".")[0]
    if visitor == SCHOOL_STAFF and area in ("school", "allocation"):
        return MENTOR_MARKERS
    if (visitor, area) == (COMPANY_A, "company"):
        # School A proposed the student to company A: its pages name the student (the
        # last name once an interview is planned) and give an age, never the birth date.
        return STUDENT_MARKERS[2:]
    if (visitor, area) == (CONSULTANT_A, "partnership"):
        return STUDENT_MARKERS
    if area in ("company", "partnership"):
        # Another party's own pages show nothing of company A at all.
        return (
            *MENTOR_MARKERS,
            *STUDENT_MARKERS,
            COMPANY_A_NAME,
            COMPANY_A_SITE,
            world.company_a_kbo,
            format_kbo(world.company_a_kbo),
        )
    return (*MENTOR_MARKERS, *STUDENT_MARKERS)


# --- The tests ------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "visitor"), CASES)
def test_each_visitor_gets_exactly_its_answer(
    app: Flask, client: FlaskClient, world: World, route: Route, visitor: str
) -> None:
    expect = route.expect[visitor]
    if visitor != ANONYMOUS:
        login(client, world.users[visitor])
    before = snapshot(app)

    with send(client, world, route, visitor) as response:  # closes a file sent as is
        body = response.get_data().decode(errors="replace")  # the favicon is no text

    after = snapshot(app)
    assert response.status_code == expect.status, body[:500]
    if expect.mimetype is not None:
        assert response.mimetype.startswith(expect.mimetype), response.mimetype
    if expect.redirect is not None:
        check_redirect(response, expect, world, route, visitor)
    if expect.changes:
        assert after != before, "an allowed write changed nothing"
    else:
        assert after == before, "a request that may not write changed the database"
    # Ending an agreement early gives company A's place back: the one write of a school
    # into a company's rows.
    if visitor not in (COMPANY_A, CONSULTANT_A) and route.endpoint != "school.end_agreement":
        assert owned_by(after, world.company_a_id) == owned_by(before, world.company_a_id)
    for private in must_not_show(world, route, visitor):
        assert private not in body


def test_every_route_of_the_app_is_in_the_matrix(app: Flask) -> None:
    in_app = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    in_matrix = {(route.endpoint, route.method) for route in MATRIX}
    assert in_app - in_matrix == set(), "routes without expectations: add them to MATRIX"
    assert in_matrix - in_app == set(), "MATRIX lists routes the app does not have"
    assert len(in_matrix) == len(MATRIX), "a route is listed twice in MATRIX"


def test_each_matrix_path_reaches_its_endpoint(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    any_id = {
        "recognised": 1,
        "requested": 2,
        "mentor": 3,
        "token": 4,
        "student": 5,
        "registration": "a-token",
        "password_reset": "a-token",
        "proposed": 9,
        "school_slot": 10,
        "countered": 6,
        "company_slot": 7,
        "planned": 8,
        "matched": 11,
        "agreement": 12,
        "signed_agreement": 13,
        "day_off": "2027-03-10",
        "time_up": 14,
        "run": 15,
        "line": 16,
        "site": 17,
        "spare_site": 18,
    }
    for route in MATRIX:
        path = urlsplit(route.path.format_map(any_id)).path
        endpoint, _arguments = adapter.match(path, method=route.method)
        assert endpoint == route.endpoint, route.path


def test_nothing_about_the_mentor_is_public(client: FlaskClient, world: World) -> None:
    recognised = world.ids["recognised"]
    public = (
        f"/zoeken?{SEARCH}",
        f"/werkplekken/{recognised}",
        f"/werkplekken/{recognised}?{SEARCH}",
        f"/api/v1/search?{SEARCH}",
        f"/api/v1/workplaces/{recognised}",
        f"/api/v1/workplaces/{recognised}?{SEARCH}",
    )
    for path in public:
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert COMPANY_A_NAME in body, f"{path} does not show the workplace"
        for private in (*MENTOR_MARKERS, "godelieve@example.be"):
            assert private not in body, f"{path} shows {private}"


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        pytest.param("session", 401, id="session-cookie-without-token"),
        pytest.param("made-up", 401, id="made-up-token"),
        pytest.param("revoked", 401, id="revoked-token"),
        pytest.param("other-company", 404, id="token-of-another-company"),
        pytest.param("own", 200, id="own-token"),
    ],
)
def test_the_api_answers_only_the_owners_valid_token(
    app: Flask, client: FlaskClient, world: World, credentials: str, expected: int
) -> None:
    login(client, world.users[COMPANY_A])
    secret = {
        "session": None,
        "made-up": "dm_" + "x" * 43,
        "revoked": world.tokens[COMPANY_A],
        "other-company": world.tokens[COMPANY_B],
        "own": world.tokens[COMPANY_A],
    }[credentials]
    if credentials == "revoked":
        with app.app_context(), unit_of_work() as db:
            company_a = Party.of_company(world.company_a_id)
            revoke_token(db, company_a, world.ids["token"], datetime.now(UTC))
    before = snapshot(app)

    response = client.put(
        f"/api/v1/recognitions/{world.ids['recognised']}/availability",
        json={"n_free_places": 2},
        headers={"Authorization": f"Bearer {secret}"} if secret else {},
    )

    assert response.status_code == expected
    assert response.is_json
    if expected == 200:
        assert response.json is not None
        assert response.json["n_free_places"] == 2
    else:
        assert set(response.json or {}) == {"error"}
        assert snapshot(app) == before


def test_a_company_cannot_point_at_another_companys_site_or_mentor(
    app: Flask, client: FlaskClient, world: World
) -> None:
    login(client, world.users[COMPANY_A])
    before = snapshot(app)

    foreign_site = post(
        client,
        "/bedrijf/erkenningen/nieuw",
        {"site_id": world.ids["site_b"], "programme_id": world.ids["new_programme"]},
    )
    foreign_mentor = post(
        client,
        f"/bedrijf/erkenningen/{world.ids['recognised']}/mentor",
        {"mentor_id": world.ids["mentor_b"]},
    )

    assert foreign_site.status_code == 400
    assert foreign_mentor.status_code == 400
    assert snapshot(app) == before
