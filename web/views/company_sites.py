"""The company's sites and contact details under /bedrijf: add a site, edit its address
(placed again by its postcode), remove it once nothing runs there (after a confirmation
page, without JavaScript), and change how students and schools reach the company.

Rows are found through the signed-in company (web/services/policy.py): another
company's site, or a removed one, answers 404.
"""

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from models import Site
from models.base import today_in_belgium, utcnow
from models.enums import Role
from web.auth import me, role_required
from web.db import get_session, unit_of_work
from web.forms import POSTCODE, ButtonForm, ContactForm, SiteForm, also_check, show_error
from web.services import companies, sites
from web.services.errors import ConflictError, InputError, NotFoundError

Page = Response | str | tuple[str, int]
company_only = role_required(Role.COMPANY)


def add_site_routes(bp: Blueprint) -> None:
    """Put the pages of the company's sites and contact on the company's blueprint."""
    bp.add_url_rule("/vestigingen/nieuw", "new_site", new_site, methods=["GET", "POST"])
    bp.add_url_rule("/vestigingen/<int:site_id>", "edit_site", edit_site, methods=["GET", "POST"])
    bp.add_url_rule(
        "/vestigingen/<int:site_id>/verwijderen",
        "remove_site",
        remove_site,
        methods=["GET", "POST"],
    )
    bp.add_url_rule("/contact", "contact", contact, methods=["GET", "POST"])


def _site_or_404(site_id: int) -> Site:
    try:
        return sites.find_site(get_session(), me(), site_id)
    except NotFoundError:
        abort(404)


def _postcode(form: SiteForm) -> str:
    match = re.match(POSTCODE, form.postcode.data or "")
    assert match is not None  # the form's validator checked it
    return match[1]


def _site_page(form: SiteForm, site: Site | None) -> Page:
    """The site form again, with what was typed: a 400 after a refused post."""
    page = render_template("company/site_form.html", form=form, site=site)
    return (page, 400) if form.is_submitted() else page


@company_only
def new_site() -> Page:
    """Add a site: an address whose postcode places it on the map."""
    form = SiteForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as db:
                sites.add_site(
                    db, me(), form.name.data or "", form.street.data or "", _postcode(form)
                )
        except InputError as error:
            show_error(form, error)
        else:
            flash(_l("De vestiging is toegevoegd. Vraag nu een erkenning aan."))
            return redirect(url_for("company.dashboard"))
    return _site_page(form, None)


@company_only
def edit_site(site_id: int) -> Page:
    """Change a site's name and address; a new postcode places it again."""
    site = _site_or_404(site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        try:
            with unit_of_work() as db:
                sites.edit_site(
                    db, me(), site_id, form.name.data or "", form.street.data or "", _postcode(form)
                )
        except InputError as error:
            show_error(form, error)
        else:
            flash(_l("De vestiging is opgeslagen. Leerlingen zien het nieuwe adres meteen."))
            return redirect(url_for("company.dashboard"))
    return _site_page(form, site)


@company_only
def remove_site(site_id: int) -> Page:
    """Ask, then remove a site without a running recognition (its history stays); one
    with a running recognition stays, and the page says why."""
    site = _site_or_404(site_id)
    form = ButtonForm()
    running = sites.running_recognitions(site, today_in_belgium())
    context: dict[str, Any] = {"site": site, "form": form, "running": running}
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("company/site_remove.html", **context), status
    try:
        with unit_of_work() as db:
            sites.remove_site(db, me(), site_id, today_in_belgium(), utcnow())
    except ConflictError as error:
        context["problem"] = error.message
        return render_template("company/site_remove.html", **context), 409
    flash(_l("De vestiging %(name)s is verwijderd.", name=site.name))
    return redirect(url_for("company.dashboard"))


@company_only
def contact() -> Page:
    """Change the e-mail address, phone and website shown with every workplace."""
    company = companies.get_company(get_session(), me())
    form = ContactForm(obj=company)
    details = companies.Contact(form.email.data, form.phone.data, form.website.data)
    if not form.validate_on_submit():
        also_check(form, companies.check_contact, details)
    else:
        try:
            with unit_of_work() as db:
                companies.update_contact(db, me(), details)
        except InputError as error:
            show_error(form, error)
        else:
            flash(_l("De contactgegevens zijn opgeslagen."))
            return redirect(url_for("company.dashboard"))
    page = render_template("company/contact.html", form=form, company=company)
    return (page, 400) if form.is_submitted() else page
