"""The JSON API under /api/v1: importing the route modules attaches them to `bp`; `docs`
adds the page that describes the API for people."""

from web.api import availability, docs, openapi, reference, search
from web.api.blueprint import bp

__all__ = ["availability", "bp", "docs", "openapi", "reference", "search"]
