"""Workplace hits as the API writes them: JSON put together from pieces kept per data
version and per statement.

Most of a hit is the same from search to search: its company, site and programme, its
places and their confirmation, and its reasons other than the distance. A search answers
twenty hits, so each of those pieces is encoded once, and only what is the search's own
(the distance, the availability, the score and the distance's reason) is encoded per
hit. Every piece is orjson's own output, so a hit is the same JSON as one encoded whole.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple, cast

import orjson

from matcher import Check, Match, Reason
from web.i18n import LANGUAGES
from web.reasons import ByReason, Wording, wording
from web.services.search import Origin, WorkplaceHit, workplace_hits
from web.services.search_index import IndexState
from web.settings import SearchSettings

MAX_LISTINGS = 50_000  # listings kept per data version; past this the memory starts afresh
MAX_AROUND = 50_000  # hits' shared reasons kept joined, per language; likewise


# The reasons other than a distance, and their JSON before and after the distance's.
Around = tuple[tuple[Reason, ...], bytes, bytes]


class Listing(NamedTuple):
    """A hit's JSON that is its workplace's, around the places for the search's values."""

    head: bytes  # from "{" up to the distance
    places: bytes  # the open places, up to the availability
    confirmed: bytes  # the confirmation, up to the score


def listing(hit: WorkplaceHit) -> Listing:
    """Encode the part of a hit that is its workplace's."""
    head = orjson.dumps(
        {
            "recognition_id": hit.recognition_id,
            "company": {"id": hit.company_id, "name": hit.company_name},
            "site": {
                "id": hit.site_id,
                "postcode": hit.postcode,
                "municipality": hit.municipality,
                "lat": hit.lat,
                "lon": hit.lon,
            },
            "programme": {"code": hit.programme_code, "name": hit.programme_name},
        }
    )
    return Listing(
        head[:-1] + b',"distance_km":',
        b',"open_places":' + orjson.dumps(hit.open_places) + b',"available":',
        # orjson writes a datetime in ISO 8601 as isoformat does.
        b',"confirmed_at":' + orjson.dumps(hit.confirmed_at) + b',"score":',
    )


class HitWriter:
    """Writes the hits of one answer: in one language, with distances from one origin
    (None: no distances) worded against the travel ceilings of `search`. A search's
    matches are written against the index `state` they were ranked with, keeping
    listings for its data version and joined reasons for its engine; one workplace's
    hit (no `state`) keeps nothing."""

    def __init__(
        self,
        language: str,
        origin: Origin | None,
        search: SearchSettings,
        state: IndexState | None = None,
    ) -> None:
        self._distances = wording(language).distances(origin, search)
        self._shared = _SHARED_REASONS[language]
        self._state = state
        # Without an index (one workplace's answer, explained by an engine of its own),
        # nothing another answer could use is kept.
        self._around = {} if state is None else _AROUND_DISTANCES[language]

    def write(self, hit: WorkplaceHit, more: bytes = b"") -> bytes:
        """One hit as JSON, with `more` members (",..." or nothing) at its end."""
        parts: list[bytes] = []
        self._add(
            parts,
            listing(hit),
            hit.distance_km,
            hit.available,
            hit.score,
            hit.distance,
            hit.shared,
        )
        parts += (more, b"}")
        return b"".join(parts)

    def answer(self, fields: Mapping[str, Any], matches: Sequence[Match]) -> bytes:
        """The JSON object of `fields` (at least one) and `results`: the matches of the
        index's engine, written as hits.

        Put together in one join: the twenty hits' pieces are copied once. A match
        needs no hit of its own: its workplace's listing is kept, written."""
        head = orjson.dumps(fields)
        assert head != b"{}"  # the results follow a member
        parts = [head[:-1], b',"results":[']
        comma = b""
        add = self._add
        for match, kept in zip(matches, self._listed(matches), strict=True):
            parts.append(comma)
            add(
                parts,
                kept,
                match.distance_km,
                match.is_available,
                match.score,
                match.distance,
                match.shared,
            )
            parts.append(b"}")
            comma = b","
        parts.append(b"]}")
        return b"".join(parts)

    def _listed(self, matches: Sequence[Match]) -> list[Listing]:
        """The matches' listings, kept for the data version; the new ones read at once."""
        assert self._state is not None  # matches are ranked with an index
        listings: dict[int, Listing] = self._state.derive("api listings", dict)
        found = [listings.get(m.recognition_id) for m in matches]
        if None not in found:
            return cast(list[Listing], found)
        new = [m for m, listed in zip(matches, found, strict=True) if listed is None]
        made = {h.recognition_id: listing(h) for h in workplace_hits(self._state, new)}
        if len(listings) >= MAX_LISTINGS:
            listings.clear()
        listings.update(made)
        return [listed or made[m.recognition_id] for m, listed in zip(matches, found, strict=True)]

    def _add(
        self,
        parts: list[bytes],
        listed: Listing,
        distance_km: float | None,
        available: bool,
        score: float | None,
        distance: Reason | None,
        shared: tuple[Reason, ...],
    ) -> None:
        """Append a hit's pieces, all but its closing brace, to `parts`."""
        if distance is None:  # no origin (one workplace's own answer)
            before = b',"reasons":[' + b",".join(self._shared.get(r) for r in shared)
            written, after = b"", b"]"
        else:
            around = self._around.get(id(shared)) or self._keep_around(shared)
            before, written, after = around[1], self._distance(distance), around[2]
        parts += (
            listed.head,
            orjson.dumps(distance_km),
            listed.places,
            b"true" if available else b"false",
            listed.confirmed,
            orjson.dumps(score),
            before,
            written,
            after,
        )

    def _keep_around(self, shared: tuple[Reason, ...]) -> Around:
        """The JSON of the reasons before and after a distance (the programme; the
        others), joined once; kept with the reasons, so that no other object can have
        their identity meanwhile."""
        if len(self._around) >= MAX_AROUND:
            self._around.clear()
        programme, *others = shared
        around = self._around[id(shared)] = (
            shared,
            b',"reasons":[' + self._shared.get(programme) + b",",
            b"".join(b"," + self._shared.get(r) for r in others) + b"]",
        )
        return around

    def _distance(self, reason: Reason) -> bytes:
        """A distance's reason: every hit's own."""
        return orjson.dumps(
            {
                "factor": reason.factor,
                "score": reason.score,
                "weight": reason.weight,
                "code": reason.code,
                # A distance's values are a whole number and a word already.
                "values": reason.values,
                "text": self._distances(reason),
            }
        )


def _reason_json(reason: Reason, words: Wording) -> bytes:
    """A reason other than a distance: a statement many hits share."""
    return orjson.dumps(
        {
            "factor": reason.factor,
            "score": reason.score,
            "weight": reason.weight,
            "code": reason.code,
            "values": {name: _json_value(value) for name, value in reason.values.items()},
            "text": words.reason(reason),
        }
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value and isinstance(value[0], Check):
        return [{"code": c.code, "fits": c.fits, "value": _json_value(c.value)} for c in value]
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def _shared_reasons(language: str) -> ByReason[bytes]:
    words = wording(language)
    return ByReason(lambda reason: _reason_json(reason, words))


# The reasons the matcher shares, as finished JSON per language, made once each; and
# those of a hit around its distance, joined, by the identity of the matcher's tuple.
_SHARED_REASONS = {language: _shared_reasons(language) for language in LANGUAGES}
_AROUND_DISTANCES: dict[str, dict[int, Around]] = {language: {} for language in LANGUAGES}
