"""log the rows each data version changed, so a process applies only those

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

The triggers of 0002 become triggers that, besides moving `data_version`, write each
changed row's id into `data_changes` under the new version (reference data, changed
only at release time, writes one entry naming no row: row 0). They keep the last
10,000 versions. On PostgreSQL they run once per statement, read the changed rows from
the statement's transition tables, and a statement that changed no row no longer moves
the version; on SQLite they run once per row.

Beware, as with 0002: on SQLite, Alembic's batch mode rebuilds a table and drops its
triggers; a later migration that batch-alters one of these tables must create them
again (tests/integration/models/test_data_changes.py would catch it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROW_TABLES = ("companies", "sites", "recognitions")  # entries name the row
WHOLE_TABLES = ("programmes", "postcodes")  # entries name no row
EVENTS = ("insert", "update", "delete")
RETAINED_VERSIONS = 10_000
BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "data_changes",
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=20), nullable=False),
        sa.Column("row_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("version", "table_name", "row_id", name=op.f("pk_data_changes")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _drop_postgresql_bumps()
        _create_postgresql_logs()
    else:
        _drop_sqlite_triggers("bump_data_version")
        _create_sqlite_logs()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*ROW_TABLES, *WHOLE_TABLES):
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_{event}_log_change ON {table}")
        for event in EVENTS:
            op.execute(f"DROP FUNCTION log_{event}d_rows()")
        op.execute("DROP FUNCTION next_data_version()")
        _create_postgresql_bumps()
    else:
        _drop_sqlite_triggers("log_change")
        _create_sqlite_bumps()
    op.drop_table("data_changes")


# -- SQLite: one trigger per table and event, run for each row --------------------------


# The statements below are built from this module's own names and numbers, no input.
def _sqlite_log(table: str, row: str) -> str:
    return (
        "INSERT INTO data_changes (version, table_name, row_id)"  # noqa: S608
        f" SELECT version, '{table}', {row} FROM data_version WHERE id = 1"
    )


def _create_sqlite_logs() -> None:
    prune = (
        "DELETE FROM data_changes WHERE version <="  # noqa: S608
        f" (SELECT version FROM data_version WHERE id = 1) - {RETAINED_VERSIONS}"
    )
    for table in (*ROW_TABLES, *WHOLE_TABLES):
        by_row = table in ROW_TABLES
        logs = {
            "insert": [_sqlite_log(table, "NEW.id" if by_row else "0")],
            # An id could change (never by the app): then both rows changed.
            "update": [_sqlite_log(table, "NEW.id" if by_row else "0")]
            + ([f"{_sqlite_log(table, 'OLD.id')} AND OLD.id <> NEW.id"] if by_row else []),
            "delete": [_sqlite_log(table, "OLD.id" if by_row else "0")],
        }
        for event in EVENTS:
            body = "; ".join([BUMP, *logs[event], prune])
            op.execute(
                f"CREATE TRIGGER {table}_{event}_log_change"
                f" AFTER {event.upper()} ON {table} BEGIN {body}; END"
            )


def _create_sqlite_bumps() -> None:
    for table in (*ROW_TABLES, *WHOLE_TABLES):
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_{event}_bump_data_version"
                f" AFTER {event.upper()} ON {table} BEGIN {BUMP}; END"
            )


def _drop_sqlite_triggers(suffix: str) -> None:
    for table in (*ROW_TABLES, *WHOLE_TABLES):
        for event in EVENTS:
            op.execute(f"DROP TRIGGER {table}_{event}_{suffix}")


# -- PostgreSQL: one trigger per table and event, run once per statement ----------------

# The transition tables each event has: new rows, old rows, or both.
TRANSITIONS = {
    "insert": ("REFERENCING NEW TABLE AS new_rows", "new_rows", "SELECT id FROM new_rows"),
    "update": (
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "new_rows",
        "SELECT id FROM new_rows UNION SELECT id FROM old_rows",
    ),
    "delete": ("REFERENCING OLD TABLE AS old_rows", "old_rows", "SELECT id FROM old_rows"),
}


def _create_postgresql_logs() -> None:
    op.execute(
        "CREATE FUNCTION next_data_version() RETURNS bigint LANGUAGE plpgsql AS $$"  # noqa: S608
        " DECLARE v bigint;"
        f" BEGIN {BUMP} RETURNING version INTO v;"
        f" DELETE FROM data_changes WHERE version <= v - {RETAINED_VERSIONS};"
        " RETURN v; END $$"
    )
    for event, (_referencing, rows, ids) in TRANSITIONS.items():
        # TG_ARGV[0] says whether the table's entries name rows; the branch that reads
        # `id` runs only for tables that have one.
        op.execute(
            f"CREATE FUNCTION log_{event}d_rows() RETURNS trigger LANGUAGE plpgsql AS $$"  # noqa: S608
            " DECLARE v bigint;"
            f" BEGIN IF NOT EXISTS (SELECT 1 FROM {rows}) THEN RETURN NULL; END IF;"
            " v := next_data_version();"
            " IF TG_ARGV[0] = 'by_row' THEN"
            " INSERT INTO data_changes (version, table_name, row_id)"
            f" SELECT v, TG_TABLE_NAME, changed.id FROM ({ids}) AS changed;"
            " ELSE INSERT INTO data_changes (version, table_name, row_id)"
            " VALUES (v, TG_TABLE_NAME, 0);"
            " END IF; RETURN NULL; END $$"
        )
    for table in (*ROW_TABLES, *WHOLE_TABLES):
        kind = "by_row" if table in ROW_TABLES else "whole"
        for event, (referencing, _rows, _ids) in TRANSITIONS.items():
            op.execute(
                f"CREATE TRIGGER {table}_{event}_log_change AFTER {event.upper()} ON {table}"
                f" {referencing} FOR EACH STATEMENT EXECUTE FUNCTION log_{event}d_rows('{kind}')"
            )


def _drop_postgresql_bumps() -> None:
    for table in (*ROW_TABLES, *WHOLE_TABLES):
        op.execute(f"DROP TRIGGER {table}_bump_data_version ON {table}")
    op.execute("DROP FUNCTION bump_data_version()")


def _create_postgresql_bumps() -> None:
    op.execute(
        "CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
    )
    for table in (*ROW_TABLES, *WHOLE_TABLES):
        op.execute(
            f"CREATE TRIGGER {table}_bump_data_version"
            f" AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )
