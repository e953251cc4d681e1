"""Figures that show the service is alive (home page).

Counting them takes four aggregate queries over every recognition (hundreds of
milliseconds at 60,000 sites on PostgreSQL): a process counts once per data version and
day, with the search index (`IndexState.derive`), not per request.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Programme, Recognition, Site
from models.workplaces import available_on, valid_on
from web.services.search_index import IndexState


@dataclass(frozen=True)
class Overview:
    n_recognised_workplaces: int
    n_available_workplaces: int
    n_free_places: int
    n_companies: int
    n_programmes: int
    n_programmes_with_workplaces: int


def count_overview(session: Session, today: date, stale_after_days: int) -> Overview:
    """Count recognised workplaces, free places and programmes as of `today`."""
    valid = valid_on(today)
    n_recognised, n_programmes_with = session.execute(
        select(func.count(), func.count(func.distinct(Recognition.programme_id))).where(valid)
    ).one()
    n_available, n_free = session.execute(
        select(func.count(), func.coalesce(func.sum(Recognition.n_free_places), 0)).where(
            available_on(today, stale_after_days)
        )
    ).one()
    n_companies = session.scalar(
        select(func.count(func.distinct(Site.company_id)))
        .join(Recognition, Recognition.site_id == Site.id)
        .where(valid)
    )
    n_programmes = session.scalar(select(func.count()).select_from(Programme))
    return Overview(
        n_recognised_workplaces=n_recognised,
        n_available_workplaces=n_available,
        n_free_places=int(n_free),
        n_companies=n_companies or 0,
        n_programmes=n_programmes or 0,
        n_programmes_with_workplaces=n_programmes_with,
    )


def overview_on(
    state: IndexState, session: Session, today: date, stale_after_days: int
) -> Overview:
    """Return the figures of `state`'s data version on `today`, counting them once."""
    return state.derive(
        ("overview", today, stale_after_days),
        lambda: count_overview(session, today, stale_after_days),
    )
