"""Links that carry a search along: only the known parameters, never anything else.

Passing the whole query string to `url_for` would let a crafted URL set url_for's own
options (`_external`, `_method`, `endpoint`, ...) or a path argument.
"""

from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for

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
    query = urlencode(search_args(**changes))
    return url_for(endpoint, **(path or {})) + (f"?{query}" if query else "")


def public_link(endpoint: str, **values: Any) -> str:
    """A link for an e-mail: the site's own address (`PUBLIC_URL`), never the request's
    Host header, which a client chooses. Works in a job too (no request needed)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return get_settings().public_url + path


def init_app(app: Flask) -> None:
    """Make `link` available in templates."""
    app.add_template_global(link)
