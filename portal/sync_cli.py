"""`flask --app portal sync …`: drain the outbox to the clinical record and pull from it."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.record import record_from_config
from portal.record.worker import RunResult, SyncSettings, run


@click.group("sync")
def sync() -> None:
    """Sync with the clinical record (RECORD_ADAPTER: local or fhir)."""


@sync.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop (no waiting for retries).")
@click.option("--max-messages", type=click.IntRange(min=1), default=None, help="Stop after handling this many.")
@click.option("--workers", type=click.IntRange(min=1, max=16), default=1,
              help="Worker threads in this process (PostgreSQL only; SQLite runs one).")
@click.option("--no-pull", is_flag=True, help="Do not pull from the record on the SYNC_PULL_EVERY_MINUTES schedule.")
@with_appcontext
def run_command(once: bool, max_messages: int | None, workers: int, no_pull: bool) -> None:
    """Deliver outbox messages to the clinical record, in order per service user."""
    app: Any = current_app._get_current_object()  # type: ignore[attr-defined]
    from portal.extensions import db

    if workers > 1 and db.engine.dialect.name != "postgresql":
        raise click.ClickException("Several workers need PostgreSQL (FOR UPDATE SKIP LOCKED); on SQLite run one.")
    settings = SyncSettings.from_config(app.config)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    started = time.monotonic()
    results: list[RunResult] = []
    share = None if max_messages is None else -(-max_messages // workers)
    pull = None if (once or no_pull) else _scheduled_pull(app)

    def work(index: int) -> None:
        with app.app_context():
            record = record_from_config(app.config)
            try:
                results.append(run(record, settings, once=once, max_messages=share, stop=stop,
                                   between_batches=pull if index == 0 else None))
            finally:
                record.close()

    threads = [threading.Thread(target=work, args=(i,), name=f"sync-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.5)
    total = RunResult(sum(r.delivered for r in results), sum(r.retried for r in results),
                      sum(r.dead for r in results))
    click.echo(f"Delivered {total.delivered}, to retry {total.retried}, dead letters {total.dead} "
               f"in {time.monotonic() - started:.1f}s.")


def _scheduled_pull(app: Any) -> Any:
    last = {"at": 0.0}

    def pull() -> None:
        if time.monotonic() - last["at"] < 60:
            return
        last["at"] = time.monotonic()
        from portal.services.record_sync import pull_due

        pull_due()

    return pull


@sync.command("pull")
@click.option("--limit", type=click.IntRange(min=1), default=200, help="At most this many service users.")
@with_appcontext
def pull_command(limit: int) -> None:
    """Pull demographics and carers for service users not pulled recently."""
    from portal.services.record_sync import pull_due

    click.echo(f"Pulled {pull_due(limit)} service users from the record.")


@sync.command("status")
@with_appcontext
def status_command() -> None:
    """Print queue depth, failures and dead letters."""
    from portal.services.record_sync import sync_health

    health = sync_health()
    click.echo(f"Adapter: {health.adapter}\nWaiting: {health.waiting} ({health.due_now} due now)\n"
               f"Oldest waiting: {health.oldest_waiting_at or '-'}\nFailing: {health.failing}\n"
               f"Dead letters: {health.dead}\nLast delivered: {health.last_delivered_at or '-'}\n"
               f"Open carer conflicts: {health.open_conflicts}")
