"""Command-line commands: `flask --app web load-reference`, `seed-demo`."""

from datetime import datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from models.base import today_in_belgium
from web.db import get_session
from web.services.demo import (
    DatabaseNotEmptyError,
    DemoSize,
    ReferenceDataMissingError,
    seed_demo,
)
from web.services.reference import load_reference_data


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(load_reference_command)
    app.cli.add_command(seed_demo_command)


@click.command("load-reference")
@with_appcontext
def load_reference_command() -> None:
    """Load the programme catalogue and the postcode gazetteer (safe to repeat)."""
    counts = load_reference_data(get_session())
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
    try:
        summary = seed_demo(
            get_session(),
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
