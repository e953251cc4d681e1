"""Command-line commands: `load-reference`, `seed-demo`, `users create`, `jobs list|run`."""

from datetime import UTC, datetime, time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from models import Company, Partnership, School, Student
from models.base import BELGIUM, today_in_belgium, utcnow
from models.enums import Role
from models.reference_data import sync_reference_data
from models.rules import InvalidKboError, normalize_kbo
from web.config import get_settings
from web.db import get_session, unit_of_work
from web.demo.generator import (
    DatabaseNotEmptyError,
    DemoSize,
    ReferenceDataMissingError,
    seed_demo,
)
from web.jobs import JOBS, last_runs, run_job, schedule_of
from web.params import is_digits
from web.services.accounts import create_user, deactivate, hash_password, set_password
from web.services.errors import InputError, NotFoundError


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(load_reference_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_commands)
    app.cli.add_command(jobs_commands)


@click.command("load-reference")
@with_appcontext
def load_reference_command() -> None:
    """Load the programme catalogue and the postcode gazetteer (safe to repeat)."""
    with unit_of_work() as db:
        counts = sync_reference_data(db)
    click.echo(
        f"Programmes: {counts.programmes_added} added, {counts.programmes_updated} updated. "
        f"Postcodes: {counts.postcodes_added} added, {counts.postcodes_updated} updated."
    )


@click.command("seed-demo")
@with_appcontext
@click.option(
    "--sites",
    "n_sites",
    type=click.IntRange(1, 500_000),
    default=1_200,
    show_default=True,
    help="How many company sites (about 1.2 per company).",
)
@click.option(
    "--students",
    "n_students",
    type=click.IntRange(0, 200_000),
    default=600,
    show_default=True,
    help="How many students.",
)
@click.option(
    "--seed",
    type=click.IntRange(0),
    default=2026,
    show_default=True,
    help="Random seed: the same seed gives the same data.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the demo is built around (default: today); with --seed, the same data.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already holds companies.",
)
def seed_demo_command(
    n_sites: int, n_students: int, seed: int, today: datetime | None, if_empty: bool
) -> None:
    """Fill an empty database with a reproducible, realistic Flanders."""
    if get_settings().is_production:
        raise click.ClickException(
            "seed-demo creates logins whose passwords are published in the README; "
            "it does not run with DUAAL_ENV=production"
        )
    try:
        with unit_of_work() as db:
            summary = seed_demo(
                db,
                DemoSize(n_sites=n_sites, n_students=n_students),
                seed,
                today.date() if today else today_in_belgium(),
            )
    except DatabaseNotEmptyError as error:
        if if_empty:
            click.echo("The database already holds data; demo data not loaded.")
            return
        raise click.ClickException(str(error)) from None
    except ReferenceDataMissingError as error:
        raise click.ClickException(str(error)) from None
    click.echo(summary.describe())


users_commands = AppGroup("users", help="Manage user accounts.")


OPTION_OF_ROLE = {
    Role.COMPANY: "--company",
    Role.SCHOOL_STAFF: "--school",
    Role.STUDENT: "--student",
    Role.CONSULTANT: "--partnership",
}


def _entity_id(role: Role, given: dict[Role, str | int | None]) -> int | None:
    """Find the one party the role acts for, from the option that names it."""
    for other, value in given.items():
        if value is not None and other is not role:
            raise click.UsageError(
                f"the role {role.value} takes no option {OPTION_OF_ROLE[other]}"
                f" (it is for {other.value} users)"
            )
    if role is Role.ADMIN:
        return None
    option, value = OPTION_OF_ROLE[role], given[role]
    if value is None:
        raise click.UsageError(f"the role {role.value} needs {option}")
    text = str(value).strip()
    if role is Role.COMPANY:
        try:
            condition = Company.kbo_number == normalize_kbo(text)
        except InvalidKboError:
            condition = Company.id == _int_or_none(text)
        found = get_session().scalar(select(Company.id).where(condition))
    elif role is Role.CONSULTANT:
        found = get_session().scalar(
            select(Partnership.id).where(
                (Partnership.name == text) | (Partnership.id == _int_or_none(text))
            )
        )
    else:
        model = School if role is Role.SCHOOL_STAFF else Student
        found = get_session().scalar(select(model.id).where(model.id == _int_or_none(text)))
    if found is None:
        raise click.BadParameter(f"no such {option.removeprefix('--')}: {value}", param_hint=option)
    return found


def _int_or_none(text: str) -> int | None:
    return int(text) if is_digits(text) else None


@users_commands.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--company", help="Company id or KBO number (role company).")
@click.option("--school", type=int, help="School id (role school_staff).")
@click.option("--student", type=int, help="Student id (role student).")
@click.option("--partnership", help="Partnership id or name (role consultant).")
@click.password_option(help="Asked for when left out (at least 10 characters).")
@with_appcontext
def create_user_command(
    role: str,
    email: str,
    company: str | None,
    school: int | None,
    student: int | None,
    partnership: str | None,
    password: str,
) -> None:
    """Create a user tied to the party its role acts for."""
    chosen = Role(role)
    given = {
        Role.COMPANY: company,
        Role.SCHOOL_STAFF: school,
        Role.STUDENT: student,
        Role.CONSULTANT: partnership,
    }
    entity_id = _entity_id(chosen, given)
    try:
        with unit_of_work() as db:
            user = create_user(db, chosen, email, hash_password(password), entity_id)
    except InputError as error:
        raise click.BadParameter(str(error.message), param_hint=f"--{error.field}") from None
    click.echo(f"User {user.email} created with role {chosen.value}.")


@users_commands.command("set-password")
@click.option("--email", required=True)
@click.password_option(help="Asked for when left out (at least 10 characters).")
@with_appcontext
def set_password_command(email: str, password: str) -> None:
    """Give an account a new password; every session of it ends."""
    try:
        with unit_of_work() as db:
            user = set_password(db, email, password, utcnow())
    except NotFoundError:
        raise click.BadParameter(f"no account with {email}", param_hint="--email") from None
    except InputError as error:
        raise click.BadParameter(str(error.message), param_hint="--password") from None
    click.echo(f"New password set for {user.email}; its sessions have ended.")


@users_commands.command("deactivate")
@click.option("--email", required=True)
@with_appcontext
def deactivate_command(email: str) -> None:
    """Close an account: it cannot log in any more, and every session of it ends."""
    try:
        with unit_of_work() as db:
            user = deactivate(db, email, utcnow())
    except NotFoundError:
        raise click.BadParameter(f"no account with {email}", param_hint="--email") from None
    click.echo(f"{user.email} is deactivated; its sessions have ended.")


jobs_commands = AppGroup("jobs", help="Run the scheduled jobs by hand, or list them.")


@jobs_commands.command("list")
@with_appcontext
def list_jobs_command() -> None:
    """List the jobs with their schedule and last run."""
    latest = last_runs(get_session())
    for name, job in JOBS.items():
        click.echo(f"{name}: {schedule_of(job, get_settings())}")
        click.echo(f"  {job.description}")
        for run in latest[name]:
            counts = ", ".join(f"{k} {v}" for k, v in run.counts.items()) or "-"
            started = f"{run.started_at:%Y-%m-%d %H:%M} UTC"
            click.echo(f"  last run {started} ({run.trigger}): {run.status}; {counts}")
        if not latest[name]:
            click.echo("  never run")


@jobs_commands.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as on this day (03:00 in Belgium), today or earlier.",
)
def run_job_command(name: str, today: datetime | None) -> None:
    """Run one job now, with the same lock and log as the clock process."""
    now = None
    if today is not None:
        if today.date() > today_in_belgium():
            # Expiry cannot be undone: a run "as of" a future day would end recognitions
            # that are still valid.
            raise click.BadParameter("a day in the future cannot be run", param_hint="--today")
        now = datetime.combine(today.date(), time(3), BELGIUM).astimezone(UTC)
    run = run_job(current_app._get_current_object(), name, "hand", now)  # type: ignore[attr-defined]
    counts = ", ".join(f"{k} {v}" for k, v in run.counts.items())
    click.echo(
        f"{name}: {run.status}"
        + (f"; {counts}" if counts else "")
        + (f" ({run.error})" if run.error else "")
    )
    if run.status != "succeeded":
        raise SystemExit(1)
