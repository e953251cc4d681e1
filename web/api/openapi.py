"""GET /api/v1/openapi.json: the document generated from the routes' descriptions."""

from flask import Response, jsonify

from web.api.schemas import POSTCODES, PROGRAMME_CODES
from web.api.spec import openapi_document, route
from web.db import get_session
from web.resources import get_gazetteer
from web.services.reference import list_programmes


@route("GET", "/openapi.json", answer=None)
def openapi() -> Response:
    """Serve this document (OpenAPI 3.1).

    The enums of programme codes and postcodes follow the reference data.
    """
    live = {
        PROGRAMME_CODES: [p.code for p in list_programmes(get_session())],
        POSTCODES: [p.postcode for p in get_gazetteer().places()],
    }
    return jsonify(openapi_document(live))
