"""The cards of a results page, filled into stencils (web/stencils.py).

A page shows twenty workplaces with three to four reasons each, and most of a card
comes back on every page that shows it. So, for each data version and language:

- each workplace's card is kept with its own facts filled in (its id, link, name and
  municipality), leaving open the search's parameters, the match and the reasons;
- the reasons the matcher shares between results (one object per statement,
  matcher.reasons: the places, what the company asks, the last update) are kept as list
  items, by the objects' identities;
- only the distance, every result's own, is worded per card.
"""

from collections.abc import Callable
from typing import Any

from flask import request, url_for
from markupsafe import Markup, escape

from matcher import Reason
from web.links import query_string
from web.reasons import Wording, reasons_to_say
from web.services.search import SearchPage, WorkplaceHit
from web.services.search_index import IndexState
from web.settings import SearchSettings
from web.stencils import Stencil, stencil

MAX_KEPT = 20_000  # cards and reason lists kept per data version and language
TEMPLATE = "_results.html"
CARD_HOLES = ("card_id", "path", "company", "municipality", "query", "match", "reasons", "interest")
OPEN_HOLES = ("query", "match", "reasons", "interest")  # left open in a workplace's card

Interest = Callable[[int, str], Markup]  # a signed-in student's *Interessant* button


class _Kept:
    """What the cards of one data version and language are made of."""

    def __init__(self, say: Callable[..., Markup]) -> None:
        self.card = stencil(TEMPLATE, "result_card", CARD_HOLES)
        self.items = {
            places: stencil(TEMPLATE, "result_reason", ("words",), places=places)
            for places in ("", "free", "full")
        }
        self.matches = [say("match %(pct)s%%", pct=pct) for pct in range(101)]
        self.cards: dict[int, Stencil] = {}  # by recognition id
        # The reasons other than the distance, by their ids and whether a place is free.
        self.lists: dict[tuple[Any, ...], tuple[tuple[Reason, ...], str]] = {}

    def card_of(self, hit: WorkplaceHit) -> Stencil:
        """A workplace's card with its own facts filled in, made and kept."""
        if len(self.cards) >= MAX_KEPT:
            self.cards = {}
        card = self.cards[hit.recognition_id] = self.card.part_filled(
            card_id=str(hit.recognition_id),
            path=url_for("search.workplace", recognition_id=hit.recognition_id),
            company=hit.company_name,
            municipality=hit.municipality,
        )
        assert card.holes == OPEN_HOLES  # the order `result_cards` fills them in
        return card

    def shared_reasons(
        self, key: tuple[Any, ...], shared: tuple[Reason, ...], available: bool, words: Wording
    ) -> str:
        """The list items of the reasons shared between results, made and kept."""
        if len(self.lists) >= MAX_KEPT:
            self.lists = {}
        places = "free" if available else "full"
        said = "".join(
            self.items[places if reason.factor == "availability" else ""].fill_kept(
                words=words.reason(reason)
            )
            for reason in reasons_to_say(shared)
        )
        # Kept with the reasons: while kept, no other object can have their identity.
        self.lists[key] = (shared, said)
        return said


def result_cards(
    state: IndexState,
    page: SearchPage,
    words: Wording,
    search: SearchSettings,
    say: Callable[..., Markup],
    interest: Interest | None = None,
) -> Markup:
    """The HTML of the page's cards, in order; `say` is the page's gettext."""
    kept: _Kept = state.derive(
        ("result cards", words.language, request.script_root), lambda: _Kept(say)
    )
    query = escape(query_string())
    distance_item, matches = kept.items[""], kept.matches
    distances = words.distances(page.origin, search)
    html = []
    # A page has twenty cards: the memories are read here, without a call each.
    for hit in page.hits:
        assert hit.distance is not None and hit.score is not None  # a search's hits
        card = kept.cards.get(hit.recognition_id) or kept.card_of(hit)
        key = (id(hit.shared), hit.available)
        shared = kept.lists.get(key)
        said = (
            kept.shared_reasons(key, hit.shared, hit.available, words)
            if shared is None
            else shared[1]
        )
        button = "" if interest is None else interest(hit.recognition_id, hit.company_name)
        html.append(
            card.fill_safe(
                query,
                matches[round(hit.score * 100)],
                # The distance first, then the others in the matcher's order.
                "".join((distance_item.fill_kept(words=distances(hit.distance)), said)),
                button,
            )
        )
    return Markup("".join(html))  # noqa: S704  # filled stencils
