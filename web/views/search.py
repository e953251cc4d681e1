"""The student's pages: search at /, results at /zoeken, a workplace at /werkplekken/<id>.

Plain forms and links that work without JavaScript; the results URL carries the same
parameters as the API, so it can be shared and bookmarked. A signed-in student finds the
form filled in from their record, and marks workplaces as *Interessant* on the results
and on a workplace's page (web/views/student.py keeps the marks).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from matcher import DEFAULT_RADIUS_KM, InvalidQueryError, SearchQuery, StudentWishes
from models import Student
from models.base import today_in_belgium
from models.enums import Role
from models.rules import age_on
from web.auth import me
from web.config import get_settings
from web.db import get_session, single_read
from web.filters import page_words
from web.i18n import LANGUAGES, page_language
from web.links import search_args
from web.params import ParameterError, is_digits
from web.reasons import wording
from web.resources import get_gazetteer, get_search_index
from web.search_request import read_explain_query, read_origin, read_search_query
from web.services import interests
from web.services.age_limits import may_drive, search_old_enough
from web.services.geography import PlaceChoice, place_choices
from web.services.overview import overview_on
from web.services.search import Origin, find_workplace
from web.services.search_index import IndexState, ProgrammeListing
from web.stencils import stencil
from web.views.result_cards import Interest, result_cards
from web.views.student import signed_in_student
from web.vocabulary import MOBILITY_NAMES

bp = Blueprint("search", __name__)

RADIUS_CHOICES_KM = (3, 5, 10, 15, 25, 40, 60, 100)
FIELD_MESSAGES = {
    "programme": _l("Kies een opleiding uit de lijst."),
    "postcode": _l("Geef een Belgische postcode of gemeente, bijvoorbeeld 8500 of Kortrijk."),
    "lat": _l("Geef een Belgische postcode of gemeente, bijvoorbeeld 8500 of Kortrijk."),
    "lon": _l("Geef een Belgische postcode of gemeente, bijvoorbeeld 8500 of Kortrijk."),
    "radius_km": _l("Kies een afstand tussen 1 en 200 km."),
    "mobility": _l("Kies hoe je je verplaatst."),
    "age": _l("Geef je leeftijd in jaren, tussen 12 en 99, of laat het leeg."),
    "sort": _l("Kies een volgorde."),
    "only_available": _l("Kies welke werkplekken je wilt zien."),
    "car": _l("Met de auto kan pas vanaf 18 jaar: kies hoe je je verplaatst."),
}
OTHER_FIELD = _l("Deze waarde klopt niet; pas ze aan en zoek opnieuw.")


def _radius_choices(asked: str) -> list[int]:
    """The usual radii, plus the one in the URL if it is another whole number in range."""
    choices = list(RADIUS_CHOICES_KM)
    if is_digits(asked) and 1 <= int(asked) <= 200 and int(asked) not in choices:
        choices = sorted([*choices, int(asked)])
    return choices


def _programme_options(state: IndexState, selected: str) -> Markup:
    """The programme list's options by study domain, rendered once per data version and
    selected programme (the same in every language: names of the reference data)."""

    def render() -> Markup:
        by_domain: dict[str, list[ProgrammeListing]] = defaultdict(list)
        for programme in state.programmes:
            by_domain[programme.study_domain].append(programme)
        options: Markup = _form_macros().programme_optgroups(sorted(by_domain.items()), key)
        return options

    # The key is a known code or nothing: a URL cannot fill the memory with new keys.
    key = selected if selected in state.programme_names else ""
    return state.derive(("programme_options", key), render)


def _mobility_options(state: IndexState, labels: dict[str, str], selected: str) -> Markup:
    """The ways of travelling as options, rendered once per language and selection."""
    key = ("mobility_options", page_language(), tuple(labels), selected)  # known values only
    options: Markup = state.derive(
        key, lambda: _form_macros().mobility_option_list(labels, selected)
    )
    return options


def _radius_options(state: IndexState, choices: list[int], asked: str) -> Markup:
    """The radii as options, rendered once per language and selection."""
    selected = asked if asked in {str(km) for km in choices} else ""  # a choice or none
    key = ("radius_options", page_language(), tuple(choices), selected)
    options: Markup = state.derive(
        key, lambda: _form_macros().radius_option_list(choices, selected)
    )
    return options


def _form_macros() -> Any:
    return current_app.jinja_env.get_template("_search_form.html").module


def _listed_names(state: IndexState) -> dict[str, str]:
    """Each programme's name as the form lists it (with its level where names repeat)."""
    return state.derive("listed names", lambda: {p.code: p.name for p in state.programmes})


def _mobility_labels(age: str) -> dict[str, str]:
    """The ways of travelling the form offers: no car for an age under 18."""
    known_age = int(age) if is_digits(age) and len(age) <= 3 else None
    if may_drive(known_age):
        return MOBILITY_NAMES
    return {key: label for key, label in MOBILITY_NAMES.items() if key != "car"}


FORM_HOLES = ("programme_options", "postcode", "age", "mobility_options", "radius_options")


def _form(
    state: IndexState,
    errors: dict[str, Any] | None = None,
    defaults: dict[str, str] | None = None,
    choices: Sequence[PlaceChoice] = (),
    compact: bool = False,
) -> dict[str, Any]:
    """What the search form needs: the programme options, the other choices, values (from
    the URL, else from `defaults`), and the places a name may mean when it is unclear.

    Without errors or places to choose from, the form itself (`form_html`) is a stencil
    filled with the values typed (web/stencils.py)."""
    given = {**(defaults or {}), **request.args.to_dict()}
    mobility_labels = _mobility_labels(given.get("age", "").strip())
    mobility = given.get("mobility", "bike")
    if mobility not in mobility_labels:
        mobility = "bike"
    programme = given.get("programme", "")
    radius_choices = _radius_choices(given.get("radius_km", ""))
    values: dict[str, Any] = {
        "programme": programme,
        "postcode": given.get("postcode", ""),
        "age": given.get("age", ""),
        "mobility": mobility,
        "radius_km": given.get("radius_km", ""),
        "default_radius_km": int(DEFAULT_RADIUS_KM[mobility]),
        "only_available": given.get("only_available", "true").strip().lower()
        not in ("false", "0", "no", "off"),
        "sort": given.get("sort", "score"),
        "lang": request.args.get("lang", ""),
    }
    form: dict[str, Any] = {
        "programme_options": _programme_options(state, programme),
        "radius_options": _radius_options(state, radius_choices, given.get("radius_km", "")),
        "mobility_options": _mobility_options(state, mobility_labels, mobility),
        "place_choices": choices,
        "values": values,
        "errors": errors or {},
        "form_html": None,
    }
    if not errors and not choices and values["lang"] in ("", *LANGUAGES):
        form_stencil = stencil(
            "_search_form.html",
            "search_form_stencil",
            FORM_HOLES,
            only_available=values["only_available"],
            sort="distance" if values["sort"] == "distance" else "score",
            lang=values["lang"],
            compact=compact,
        )
        form["form_html"] = form_stencil.fill(
            programme_options=form["programme_options"],
            postcode=values["postcode"],
            age=values["age"],
            mobility_options=form["mobility_options"],
            radius_options=form["radius_options"],
        )
    return form


def _from_record(student: Student, today: date) -> dict[str, str]:
    """A signed-in student's search, from their record; they can change every value."""
    age: int | None = age_on(student.birth_date, today)
    try:
        StudentWishes(age=age)
    except InvalidQueryError:  # an age the search does not take: the student fills it in
        age = None
    return {
        "programme": student.programme.code,
        "postcode": student.home_postcode,
        "mobility": student.mobility.value,
        "age": "" if age is None else str(age),
    }


@bp.get("/")
def home() -> str:
    """The search form, and figures that show the service is alive; a signed-in student
    is greeted, with the form filled in from their record."""
    session = get_session()
    state = get_search_index().current()
    stale_after_days = get_settings().search.stale_after_days
    today = today_in_belgium()
    overview = overview_on(state, session, today, stale_after_days)
    student = signed_in_student()
    form = _form(state, defaults=None if student is None else _from_record(student, today))
    return render_template("home.html", overview=overview, student=student, **form)


@bp.get("/zoeken")
def results() -> str | Response | tuple[str, int]:
    """Rank workplaces for the form's search; say why when nothing is found."""
    errors: dict[str, Any] = {}
    programme = request.args.get("programme", "").strip()
    state = get_search_index().current()
    names = state.programme_names
    if programme not in names:
        errors["programme"] = FIELD_MESSAGES["programme"]
    # Complete the URL before searching: a postcode for a place name and the travel mode's
    # radius for a blank one, so the address bar holds exactly the API's query.
    args = search_args()
    where = args.get("postcode", "").strip()
    choices: list[PlaceChoice] = []
    if where and not (len(where) == 4 and is_digits(where)):
        try:
            choices = place_choices(get_gazetteer(), where) if len(where) <= 100 else []
        except InvalidQueryError:  # "12345", "--": nothing a place could be
            choices = []
        if len(choices) == 1:
            args["postcode"] = choices[0].place.postcode
        elif not choices:
            errors["postcode"] = FIELD_MESSAGES["postcode"]
    elif not where and "lat" not in args:
        errors["postcode"] = FIELD_MESSAGES["postcode"]
    if not args.get("radius_km", "").strip():
        mobility = args.get("mobility", "bike")
        args["radius_km"] = str(int(DEFAULT_RADIUS_KM.get(mobility, 25.0)))
    if not args.get("age", "x").strip():  # a blank age is none: the API takes no blanks
        del args["age"]
    if len(choices) > 1:  # never guess which place a name means: ask
        form = _form(state, errors, choices=choices)
        return render_template("home.html", overview=None, **form), 400 if errors else 200
    if not errors and args != request.args.to_dict():  # also drops unknown parameters
        return redirect(url_for("search.results") + "?" + urlencode(args))
    origin: Origin | None = None
    if not errors:
        try:
            origin = read_origin(required=True)
            assert origin is not None  # required
            query = read_search_query(origin, programme, today_in_belgium())
            if query.mobility == "car" and not may_drive(query.wishes.age):
                errors["mobility"] = FIELD_MESSAGES["car"]
        except ParameterError as error:
            errors[error.field] = FIELD_MESSAGES.get(error.field, OTHER_FIELD)
    if errors or origin is None:
        return render_template("home.html", overview=None, **_form(state, errors)), 400
    search = get_settings().search
    ceiling_km = search.widen_ceiling_km(query.mobility)
    filtered = search_old_enough(state, query, origin, ceiling_km)
    return render_template(
        "results.html",
        page=filtered.page,
        cards=result_cards(
            state,
            filtered.page,
            wording(page_language()),
            search,
            page_words()["_"],
            _card_buttons(hit.recognition_id for hit in filtered.page.hits),
        ),
        too_young=filtered.too_young,
        query=query,
        programme_name=_listed_names(state).get(programme, names[programme]),
        max_widen_km=max(ceiling_km, query.radius_km),
        **_form(state, compact=True),
    )


def _card_buttons(recognition_ids: Iterable[int]) -> Interest | None:
    """The cards' *Interessant* buttons, for a signed-in student (`_interest_buttons`)."""
    buttons = _interest_buttons(recognition_ids)
    if not buttons["can_mark"]:
        return None
    macros: Any = current_app.jinja_env.get_template("student/_interest.html").module
    marked = buttons["marked"]

    def button(recognition_id: int, company: str) -> Markup:
        made: Markup = macros.interest_button(
            recognition_id, company, recognition_id in marked, "resultaten"
        )
        return made

    return button


def _interest_buttons(recognition_ids: Iterable[int]) -> dict[str, Any]:
    """What the *Interessant* buttons need: shown to a signed-in student only, pressed
    where they marked the workplace already."""
    if not current_user.is_authenticated or me().role is not Role.STUDENT:
        return {"can_mark": False, "marked": set()}
    marked = interests.marked_among(get_session(), me(), recognition_ids)
    return {"can_mark": True, "marked": marked}


@bp.get("/werkplekken/<int:recognition_id>")
def workplace(recognition_id: int) -> str:
    """One workplace: what the company offers and asks, its places, how to reach it."""
    day = today_in_belgium()
    origin: Origin | None
    try:
        query, origin = read_explain_query(day)
    except ParameterError:  # a mangled link still shows the workplace, without distance
        query, origin = SearchQuery(programme="", lat=0.0, lon=0.0, day=day), None
    state = get_search_index().current()
    with single_read() as connection:
        detail = find_workplace(
            connection, recognition_id, query, origin, get_settings().search, day, state
        )
    if detail is None:
        abort(404)
    code = detail.hit.programme_code
    return render_template(
        "workplace.html",
        detail=detail,
        programme_name=_listed_names(state).get(code, detail.hit.programme_name),
        has_search="programme" in request.args,
        **_interest_buttons([recognition_id]),
    )
