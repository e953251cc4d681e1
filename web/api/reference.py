"""Reference data endpoints: the programme catalogue and the postcode gazetteer."""

from flask import Response, jsonify

from matcher import InvalidQueryError
from web.api import schemas
from web.api.spec import route
from web.db import get_session
from web.params import ParameterError
from web.resources import get_gazetteer
from web.services.geography import find_places
from web.services.reference import list_programmes


@route("GET", "/programmes", answer=schemas.Programmes)
def programmes() -> Response:
    """List every programme with its study domain, level and agreement type."""
    answer: schemas.Programmes = {
        "programmes": [
            {
                "code": p.code,
                "name": p.name,
                "study_domain": p.study_domain,
                "level": p.level,
                "sector": p.sector,
                "learner_type": p.learner_type.value,
                "workplace_hours": p.workplace_hours,
                "agreement_type": p.agreement_type.value,
            }
            for p in list_programmes(get_session())
        ]
    }
    return jsonify(answer)


@route("GET", "/postcodes", answer=schemas.Postcodes, query=schemas.PostcodeParams)
def postcodes(query: schemas.PostcodeParams) -> Response:
    """Find postcodes by prefix or by municipality name (Dutch or French).

    Names are matched case- and accent-insensitively, villages and former
    municipalities too; the most likely place comes first: a municipality of that
    name, then the town a merged municipality is named after (Beveren: 9120
    Beveren-Waas), then villages of that name, then names that start with it.
    """
    try:
        places = find_places(get_gazetteer(), query.q, query.limit)
    except InvalidQueryError as error:  # the parameter's pattern leaves nothing it refuses
        raise ParameterError("invalid_parameter", error.message, error.field) from None
    answer: schemas.Postcodes = {
        "postcodes": [
            {
                "postcode": p.postcode,
                "municipality_nl": p.municipality_nl,
                "municipality_fr": p.municipality_fr,
                "lat": p.lat,
                "lon": p.lon,
                "places": list(p.places),
            }
            for p in places
        ]
    }
    return jsonify(answer)
