"""Server-rendered pages: public search, login, and the pages of companies, partnerships, admins."""

from web.views import admin, auth, company, health, partnership, school, search

BLUEPRINTS = (search.bp, auth.bp, company.bp, partnership.bp, school.bp, admin.bp, health.bp)

__all__ = ["BLUEPRINTS"]
