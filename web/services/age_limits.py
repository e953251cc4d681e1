"""Leave out of a search the workplaces whose minimum age the student does not reach.

The engine weighs a company's minimum age as one of its intake preferences (a misfit
lowers the score, and the reason says so), which suits the API and a workplace's own
page. A student who gives their age on the search pages asks for more: a workplace that
will not take them yet is no result (issue 14, item 4). So the page keeps the engine's
order and radius, and drops those workplaces from every result at that radius, so that
the total and the paging count only what is left.
"""

from dataclasses import dataclass, replace

from matcher import SearchQuery
from web.services.search import Origin, SearchPage, WorkplaceHit, search_workplaces
from web.services.search_index import IndexState

# Belgium's driving licence B is for 18 and over: a younger student does not search
# by car (issue 14, item 3).
MIN_DRIVING_AGE = 18


def may_drive(age: int | None) -> bool:
    """Whether the search may offer the car to a student of this age (unknown: yes)."""
    return age is None or age >= MIN_DRIVING_AGE


@dataclass(frozen=True)
class AgeFilteredPage:
    """A page of results without the workplaces the student is too young for."""

    page: SearchPage
    too_young: int  # workplaces at this radius left out for their minimum age


def is_too_young(hit: WorkplaceHit) -> bool:
    """Whether the company asks a higher age than the student's (its preference check)."""
    return any(
        check.code == "min_age" and not check.fits
        for reason in hit.reasons
        if reason.factor == "preferences"
        for check in reason.values.get("checks", ())
    )


def search_old_enough(
    state: IndexState, query: SearchQuery, origin: Origin, widen_ceiling_km: float | None = None
) -> AgeFilteredPage:
    """Rank the workplaces for `query`, leaving out those its age is too young for;
    widening stops at `widen_ceiling_km` (see `search_workplaces`)."""
    page = search_workplaces(state, query, origin, widen_ceiling_km)
    if query.wishes.age is None:
        return AgeFilteredPage(page, 0)
    everything = page
    if query.offset > 0 or page.total > len(page.hits):
        # Every result at the radius the search settled on, to count and page what is left.
        whole = replace(
            query, radius_km=page.radius_km, widen=False, offset=0, limit=max(page.total, 1)
        )
        everything = search_workplaces(state, whole, origin)
    old_enough = [hit for hit in everything.hits if not is_too_young(hit)]
    shown = old_enough[query.offset : query.offset + query.limit]
    return AgeFilteredPage(
        replace(page, total=len(old_enough), hits=shown), everything.total - len(old_enough)
    )
