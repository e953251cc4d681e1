"""Reference data endpoints: the programme catalogue and the postcode gazetteer."""

from flask import Response, jsonify

from matcher import InvalidQueryError
from web.api.blueprint import bp
from web.db import get_session
from web.params import ParameterError, int_param, string_param
from web.resources import get_gazetteer
from web.services.reference import list_programmes


@bp.get("/programmes")
def programmes() -> Response:
    """List every programme with its study domain, level and agreement type."""
    return jsonify(
        programmes=[
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
    )


@bp.get("/postcodes")
def postcodes() -> Response:
    """Find postcodes by prefix or by municipality name (Dutch or French)."""
    query = string_param("q", required=True)
    assert query is not None
    limit = int_param("limit", default=10, minimum=1, maximum=50)
    try:
        places = get_gazetteer().search(query, limit=limit)
    except InvalidQueryError as error:
        raise ParameterError("invalid_parameter", error.message, error.field) from None
    return jsonify(
        postcodes=[
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
    )
