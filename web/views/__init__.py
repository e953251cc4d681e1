"""Server-rendered pages: search (public), login, the company's and the partnership's pages."""

from web.views import auth, company, partnership, search

BLUEPRINTS = (search.bp, auth.bp, company.bp, partnership.bp)

__all__ = ["BLUEPRINTS"]
