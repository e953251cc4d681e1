"""The JSON API under /api/v1: importing the route modules attaches them to `bp`."""

from web.api import availability, openapi, reference, search
from web.api.blueprint import bp

__all__ = ["availability", "bp", "openapi", "reference", "search"]
