"""Server-rendered pages: the search form, the results and one workplace."""

from web.views.search import bp

__all__ = ["bp"]
