"""`flask --app portal risk …`: escalate flags nobody has acknowledged, queue the daily digests
of routine flags, and send staff their messages.

``risk run`` does one pass and stops: run it from cron every minute or few (an urgent flag's
message goes on the first run after it is raised, in working hours). Two runs at once are safe:
each escalation step is a compare-and-set, each message has a unique key and is claimed by one
worker. Everything it needs is in the database, so a restart loses nothing.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("risk")
def risk() -> None:
    """The risk pathway's scheduler (README "Worrying answers")."""


@risk.command("run")
@click.option("--no-send", is_flag=True, help="Only escalate and queue; do not send messages.")
@with_appcontext
def run_command(no_send: bool) -> None:
    """Escalate unacknowledged urgent flags, queue routine digests, send what is due."""
    from portal.extensions import db
    from portal.notify import notifier_from_config
    from portal.services import risk as service

    escalated = service.escalate()
    digests = service.queue_digests()
    click.echo(f"Escalated {escalated.escalated} to the duty worker and team lead, {escalated.overdue} to the "
               f"team lead again; {escalated.queued} messages and {digests} digests queued.")
    if no_send:
        return
    notifier = notifier_from_config(current_app.config, db.session)
    try:
        sent = service.send_due(notifier)
    finally:
        close = getattr(notifier, "close", None)
        if close is not None:
            close()
    click.echo(f"Sent {sent.sent}, to retry {sent.retried}, could not send {sent.dead}, not needed {sent.cancelled} "
               f"({notifier.name}).")


@risk.command("status")
@with_appcontext
def status_command() -> None:
    """Print how many staff messages are in each state."""
    from portal.services import risk as service

    for status, count in service.queue_counts().items():
        click.echo(f"{status}: {count}")
