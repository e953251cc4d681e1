"""The OpenAPI 3 document of every /api/v1 route, served at /api/v1/openapi.json."""

from typing import Any

from flask import Response, jsonify

from matcher import COMPANY_SIZES, HOURS_PATTERNS, LANGUAGES, MOBILITIES, SORTS
from web.api.blueprint import bp


def _param(
    name: str,
    schema: dict[str, Any],
    description: str,
    *,
    required: bool = False,
    where: str = "query",
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema,
    }


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "Bad parameter; `field` names it",
        401: "No valid token",
        404: "Not found",
        409: "The recognition is not valid now (requested, refused, withdrawn or expired)",
    }
    return {
        str(s): {
            "description": text[s],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for s in statuses
    }


def _ok(schema: str) -> dict[str, Any]:
    return {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


_ORIGIN = [
    _param(
        "postcode",
        {"type": "string", "pattern": "^[0-9]{4}$"},
        "Belgian postcode to measure from; or give lat and lon",
    ),
    _param("lat", {"type": "number", "minimum": 49, "maximum": 52}, "Latitude (WGS 84)"),
    _param("lon", {"type": "number", "minimum": 2, "maximum": 7}, "Longitude (WGS 84)"),
]
_WISHES = [
    _param(
        "lang",
        {"type": "string", "enum": ["nl", "en"], "default": "nl"},
        "Language of the reasons' sentences",
    ),
    _param(
        "mobility",
        {"type": "string", "enum": list(MOBILITIES), "default": "bike"},
        "How the student travels; sets how fast the distance score falls",
    ),
    _param(
        "age", {"type": "integer", "minimum": 12, "maximum": 99}, "The student's age at the start"
    ),
    _param("start_date", {"type": "string", "format": "date"}, "When the student starts"),
    _param(
        "languages",
        {"type": "string"},
        f"Comma-separated languages the student speaks: {', '.join(LANGUAGES)}",
    ),
    _param(
        "hours_pattern", {"type": "string", "enum": list(HOURS_PATTERNS)}, "Wished working hours"
    ),
    _param(
        "company_size",
        {"type": "string", "enum": list(COMPANY_SIZES)},
        "Wished company size (klein < 10, middelgroot 10-49, groot 50+ employees)",
    ),
]
_SEARCH = [
    _param("programme", {"type": "string"}, "Programme code (see /programmes)", required=True),
    *_ORIGIN,
    _param(
        "radius_km",
        {"type": "number", "minimum": 1, "maximum": 200, "default": 25},
        "Search radius",
    ),
    _param(
        "only_available",
        {"type": "boolean", "default": True},
        "Only workplaces with a free place by the start, confirmed within 180 days",
    ),
    _param("sort", {"type": "string", "enum": list(SORTS), "default": "score"}, "Order"),
    _param("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Page size"),
    _param(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0},
        "Results to skip",
    ),
    _param(
        "widen",
        {"type": "boolean", "default": False},
        "Widen the radius in steps when fewer than offset + limit are found",
    ),
    *_WISHES,
]

_NUMBER = {"type": "number"}
_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
_WORKPLACE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "recognition_id": _INTEGER,
        "company": {"type": "object", "properties": {"id": _INTEGER, "name": _STRING}},
        "site": {
            "type": "object",
            "properties": {
                "id": _INTEGER,
                "postcode": _STRING,
                "municipality": _STRING,
                "lat": _NUMBER,
                "lon": _NUMBER,
            },
        },
        "programme": {"type": "object", "properties": {"code": _STRING, "name": _STRING}},
        "distance_km": {"type": "number", "nullable": True},
        "open_places": _INTEGER,
        "available": {"type": "boolean"},
        "confirmed_at": {"type": "string", "format": "date-time", "nullable": True},
        "score": {"type": "number", "minimum": 0, "maximum": 1, "nullable": True},
        "reasons": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "factor": {
                        "type": "string",
                        "enum": [
                            "programme",
                            "distance",
                            "availability",
                            "preferences",
                            "freshness",
                        ],
                    },
                    "score": _NUMBER,
                    "weight": _NUMBER,
                    "text": _STRING,
                },
            },
        },
    },
}
_INTAKE_PREFERENCES: dict[str, Any] = {
    "type": "object",
    "properties": {
        "min_age": {"type": "integer", "minimum": 15, "maximum": 25, "nullable": True},
        "start_months": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 12},
        },
        "languages": {"type": "array", "items": {"type": "string", "enum": list(LANGUAGES)}},
        "hours_pattern": {"type": "string", "enum": list(HOURS_PATTERNS), "nullable": True},
        "first_interview_at_school": {"type": "boolean"},
    },
}
_AVAILABILITY_FIELDS: dict[str, Any] = {
    "n_places": {"type": "integer", "minimum": 0, "maximum": 99},
    "n_free_places": {"type": "integer", "minimum": 0, "description": "At most n_places"},
    "available_from": {"type": "string", "format": "date", "nullable": True},
    "intake_preferences": _INTAKE_PREFERENCES,
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Duaal Match API",
        "version": "1",
        "description": "Recognised dual-learning workplaces in Flanders. Public answers "
        'never contain student data. Errors: {"error": {"code", "message", "field"}}.',
    },
    "paths": {
        "/api/v1/programmes": {
            "get": {"summary": "The programme catalogue", "responses": _ok("Programmes")}
        },
        "/api/v1/postcodes": {
            "get": {
                "summary": "Find postcodes by prefix or municipality name (Dutch or French)",
                "parameters": [
                    _param(
                        "q",
                        {"type": "string", "maxLength": 200},
                        "Postcode prefix or (part of) a municipality name",
                        required=True,
                    ),
                    _param(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                        "How many",
                    ),
                ],
                "responses": {**_ok("Postcodes"), **_errors(400)},
            }
        },
        "/api/v1/search": {
            "get": {
                "summary": "Rank recognised workplaces for a programme around a place",
                "parameters": _SEARCH,
                "responses": {**_ok("SearchResult"), **_errors(400)},
            }
        },
        "/api/v1/workplaces/{recognition_id}": {
            "get": {
                "summary": "One recognised workplace, with intake preferences and contact",
                "parameters": [
                    _param(
                        "recognition_id", _INTEGER, "Recognition id", required=True, where="path"
                    ),
                    *_ORIGIN,
                    *_WISHES,
                ],
                "responses": {**_ok("Workplace"), **_errors(400, 404)},
            }
        },
        "/api/v1/recognitions/{recognition_id}/availability": {
            "put": {
                "summary": "Set a recognised workplace's places (the company's own system)",
                "description": "Needs an API token the company made on its pages, as "
                "`Authorization: Bearer <token>`. Fields left out keep their value; "
                "`intake_preferences`, when given, replaces the preferences as a whole. "
                "Stating the places confirms them (`confirm` defaults to true); "
                '`{"confirm": true}` alone only confirms. Search shows the change within '
                "seconds.",
                "security": [{"token": []}],
                "parameters": [
                    _param(
                        "recognition_id", _INTEGER, "Recognition id", required=True, where="path"
                    ),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {
                                    **_AVAILABILITY_FIELDS,
                                    "confirm": {"type": "boolean", "default": True},
                                },
                            }
                        }
                    },
                },
                "responses": {**_ok("Availability"), **_errors(400, 401, 404, 409)},
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3 document"}},
            }
        },
    },
    "components": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Availability": {
                "type": "object",
                "properties": {
                    "recognition_id": _INTEGER,
                    **_AVAILABILITY_FIELDS,
                    "last_confirmed_at": {
                        "type": "string",
                        "format": "date-time",
                        "nullable": True,
                    },
                    "is_available": {"type": "boolean"},
                },
            },
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "code": _STRING,
                            "message": _STRING,
                            "field": {"type": "string", "nullable": True},
                        },
                    }
                },
            },
            "Programmes": {
                "type": "object",
                "properties": {
                    "programmes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "code": _STRING,
                                "name": _STRING,
                                "study_domain": _STRING,
                                "level": _STRING,
                                "sector": _STRING,
                                "learner_type": _STRING,
                                "workplace_hours": _INTEGER,
                                "agreement_type": {
                                    "type": "string",
                                    "enum": ["SAO", "OAO", "DA", "ODO", "ODO-statuut"],
                                },
                            },
                        },
                    }
                },
            },
            "Postcodes": {
                "type": "object",
                "properties": {
                    "postcodes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "postcode": _STRING,
                                "municipality_nl": _STRING,
                                "municipality_fr": _STRING,
                                "lat": _NUMBER,
                                "lon": _NUMBER,
                                "places": {
                                    "type": "array",
                                    "items": _STRING,
                                    "description": "Villages and former municipalities",
                                },
                            },
                        },
                    }
                },
            },
            "SearchResult": {
                "type": "object",
                "properties": {
                    "total": _INTEGER,
                    "radius_km": _NUMBER,
                    "widened": {"type": "boolean"},
                    "origin": {
                        "type": "object",
                        "properties": {
                            "postcode": _STRING,
                            "municipality": _STRING,
                            "lat": _NUMBER,
                            "lon": _NUMBER,
                        },
                    },
                    "results": {"type": "array", "items": _WORKPLACE},
                },
            },
            "Workplace": {
                "allOf": [
                    _WORKPLACE,
                    {
                        "type": "object",
                        "properties": {
                            "intake_preferences": _INTAKE_PREFERENCES,
                            "contact": {
                                "type": "object",
                                "properties": {
                                    "street": _STRING,
                                    "postcode": _STRING,
                                    "municipality": _STRING,
                                    "email": {"type": "string", "nullable": True},
                                    "phone": {"type": "string", "nullable": True},
                                    "website": {"type": "string", "nullable": True},
                                },
                            },
                        },
                    },
                ]
            },
        },
    },
}


@bp.get("/openapi.json")
def openapi() -> Response:
    """Serve the OpenAPI document."""
    return jsonify(DOCUMENT)
