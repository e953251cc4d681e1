"""Server-rendered pages: public search, login, and the pages of companies, partnerships,
schools, students and admins."""

from web.views import (
    admin,
    allocation,
    auth,
    company,
    health,
    partnership,
    school,
    search,
    student,
)

BLUEPRINTS = (
    search.bp,
    auth.bp,
    company.bp,
    partnership.bp,
    school.bp,
    allocation.bp,
    student.bp,
    admin.bp,
    health.bp,
)

__all__ = ["BLUEPRINTS"]
