"""`flask --app portal reminders …`: queue the reminders that are due and send them.

``reminders run`` does one pass (queue, send, check delivery) and stops: run it from cron every
few minutes. Two runs at once are safe: each reminder is queued once (a unique key) and each
queued message is claimed by one worker.
"""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("reminders")
def reminders() -> None:
    """Reminders by text message and email (NOTIFIER: local or govuk_notify)."""


@reminders.command("run")
@click.option("--no-send", is_flag=True, help="Only queue reminders; do not send them.")
@with_appcontext
def run_command(no_send: bool) -> None:
    """Queue the reminders that are due, send what is due, check what was delivered."""
    from portal.extensions import db
    from portal.notify import notifier_from_config
    from portal.services import reminders as service

    started = time.monotonic()
    scheduled = service.schedule()
    click.echo(f"Queued {scheduled.queued} reminders "
               f"(not sent now: {', '.join(f'{k} {v}' for k, v in sorted(scheduled.skipped.items())) or 'none'}).")
    if no_send:
        return
    notifier = notifier_from_config(current_app.config, db.session)
    try:
        sent = service.send_due(notifier)
        checked = service.refresh_statuses(notifier)
    finally:
        close = getattr(notifier, "close", None)
        if close is not None:
            close()
    click.echo(f"Sent {sent.sent}, to retry {sent.retried}, could not send {sent.dead}, not needed {sent.cancelled}, "
               f"waiting for quiet hours to end {sent.deferred}; delivery updates {checked} "
               f"in {time.monotonic() - started:.1f}s ({notifier.name}).")


@reminders.command("status")
@with_appcontext
def status_command() -> None:
    """Print how many reminders are in each state."""
    from portal.services import reminders as service

    for status, count in service.queue_counts().items():
        click.echo(f"{status}: {count}")
