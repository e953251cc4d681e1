"""Links that carry a search along: only the known parameters, never anything else.

Passing the whole query string to `url_for` would let a crafted URL set url_for's own
options (`_external`, `_method`, `endpoint`, ...) or a path argument.
"""

from typing import Any
from urllib.parse import quote_plus

from flask import Flask, current_app, g, has_request_context, request, url_for

from web.config import get_settings

SEARCH_PARAMS = (
    "programme",
    "postcode",
    "lat",
    "lon",
    "radius_km",
    "only_available",
    "sort",
    "limit",
    "offset",
    "widen",
    "mobility",
    "age",
    "start_date",
    "languages",
    "hours_pattern",
    "company_size",
    "lang",
)


def search_args(**changes: Any) -> dict[str, str]:
    """The current request's search parameters, with `changes` applied (None removes)."""
    args = {k: v for k, v in request.args.items() if k in SEARCH_PARAMS}
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = str(value)
    return args


def link(endpoint: str, path: dict[str, Any] | None = None, **changes: Any) -> str:
    """URL of `endpoint` with the current search parameters and `changes`."""
    return path_for(endpoint, **(path or {})) + query_string(**changes)


MAX_PATHS = 50_000  # past this the memory starts afresh
_paths: dict[tuple[Any, ...], str] = {}


def path_for(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)`, kept when the values are row ids or a static file's
    name: building a URL costs more than the rest of a result's card, and a page links
    many. A path depends only on the endpoint, its values and where the app is mounted;
    other values (a token in a path) are never kept. The templates' `url_for`."""
    if not (
        has_request_context()
        and (endpoint == "static" or all(type(value) is int for value in values.values()))
    ):
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *values.items())
    path = _paths.get(key)
    if path is None:
        if len(_paths) >= MAX_PATHS:
            _paths.clear()
        path = _paths[key] = url_for(endpoint, **values)
    return path


def query_string(**changes: Any) -> str:
    """`?` and the search parameters with `changes` (None removes), as `urlencode` writes
    them. Each parameter of the request is encoded once per request: a page links its
    results, its other pages and its other language with the same ones."""
    encoded: dict[str, str] = g.get(ENCODED_ARGS_KEY)
    if encoded is None:
        encoded = {name: _encoded(name, value) for name, value in search_args().items()}
        setattr(g, ENCODED_ARGS_KEY, encoded)
    if changes:
        encoded = {**encoded}
        for name, value in changes.items():
            if value is None:
                encoded.pop(name, None)
            else:
                encoded[name] = _encoded(name, str(value))
    return "?" + "&".join(encoded.values()) if encoded else ""


ENCODED_ARGS_KEY = "search_args_encoded"


def _encoded(name: str, value: str) -> str:
    return f"{quote_plus(name)}={quote_plus(value)}"


def public_link(endpoint: str, **values: Any) -> str:
    """A link for an e-mail: the site's own address (`PUBLIC_URL`), never the request's
    Host header, which a client chooses. Works in a job too (no request needed)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return get_settings().public_url + path


def init_app(app: Flask) -> None:
    """Make `link` available in templates, and `url_for` keep the paths it may."""
    app.add_template_global(link)
    app.add_template_global(path_for, "url_for")
