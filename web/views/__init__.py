"""Server-rendered pages, in Dutch."""

from flask import Blueprint, render_template

from models.base import today_in_belgium
from web.db import get_session
from web.services.overview import count_overview

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    """Show that the service is alive: recognised workplaces, free places, programmes."""
    overview = count_overview(get_session(), today_in_belgium())
    return render_template("home.html", overview=overview)
