"""The JSON API under /api/v1: importing the route modules attaches them to `bp`."""

from web.api import openapi, reference, search
from web.api.blueprint import bp

__all__ = ["bp", "openapi", "reference", "search"]
