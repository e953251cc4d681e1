"""Server-rendered pages: public search, login, and the pages of companies, partnerships, admins."""

from web.views import admin, auth, company, partnership, search

BLUEPRINTS = (search.bp, auth.bp, company.bp, partnership.bp, admin.bp)

__all__ = ["BLUEPRINTS"]
