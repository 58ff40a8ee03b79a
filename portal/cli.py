"""Command-line tasks: `flask --app portal <command>`."""

from __future__ import annotations

import click
from flask import Flask, current_app


def init_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(demo_code)
    from portal.sync_cli import sync

    app.cli.add_command(sync)
    from portal.notify.cli import reminders

    app.cli.add_command(reminders)
    from portal.risk_cli import risk

    app.cli.add_command(risk)
    app.cli.add_command(outcomes)


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo accounts and people (safe to run twice)."""
    if not current_app.config["DEMO_DATA"]:
        raise click.ClickException("Demo data is turned off (PORTAL_DEMO_DATA).")
    from portal.services.demo import load_demo_data

    created = load_demo_data()
    click.echo(f"Demo data ready ({created} records created).")


@click.command("demo-code")
def demo_code() -> None:
    """Print the code the demo staff accounts' authenticator app shows now (development only)."""
    if not current_app.config["DEMO_DATA"]:
        raise click.ClickException("Demo data is turned off (PORTAL_DEMO_DATA).")
    import pyotp

    from portal.services.demo import DEMO_TOTP_SECRET

    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@click.group("outcomes")
def outcomes() -> None:
    """The dashboard's outcome figures."""


@outcomes.command("rebuild")
def rebuild_outcomes() -> None:
    """Recompute each score series' first and latest points from the scores (after a bulk load)."""
    from portal.services.outcome_series import rebuild

    click.echo(f"{rebuild()} score series recomputed.")
