"""Limits on guessing hold across workers when counted in Redis (issue 20: with 2 workers, 10 wrong
passwords got through, not 5). Each "worker" here has its own Redis connection and limiter, as two
gunicorn processes would. Needs Redis on 127.0.0.1:6379: skipped without it, required in CI."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from portal.services.attempt_limits import AttemptLimits, AttemptRules, Refusal

REDIS = "redis://127.0.0.1:6379/15"
RULES = AttemptRules(per_account="5 per 15 minutes", per_address="100 per 10 minutes",
                     per_known_browser="10 per 15 minutes")


def _redis_answers() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def kind() -> Iterator[str]:
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must answer on 127.0.0.1:6379 in CI", pytrace=False)
        pytest.skip("needs Redis on 127.0.0.1:6379")
    yield f"test-{uuid.uuid4().hex}"  # a namespace of its own: nothing left from another run counts


def _worker(kind: str, uri: str = REDIS) -> AttemptLimits:
    return AttemptLimits(MovingWindowRateLimiter(storage_from_string(uri)), RULES, kind)


def test_wrong_passwords_on_two_workers_add_up(kind: str) -> None:
    first, second = _worker(kind), _worker(kind)
    for worker in (first, second, first, second, first):
        assert worker.refusal("sam", "10.0.0.1", known_browser=False) is None
        worker.failed("sam", "10.0.0.1", known_browser=False)
    assert first.refusal("sam", "10.0.0.1", known_browser=False) is Refusal.ACCOUNT
    assert second.refusal("sam", "10.0.0.9", known_browser=False) is Refusal.ACCOUNT
    assert second.refusal("priya", "10.0.0.1", known_browser=False) is None  # another account is fine
    second.succeeded("sam")
    assert first.refusal("sam", "10.0.0.1", known_browser=False) is None


def test_in_memory_each_worker_counts_alone(kind: str) -> None:
    """Why production needs Redis: with memory storage the second worker knows nothing."""
    first, second = _worker(kind, "memory://"), _worker(kind, "memory://")
    for _ in range(5):
        first.failed("sam", "10.0.0.1", known_browser=False)
    assert first.refusal("sam", "10.0.0.1", known_browser=False) is Refusal.ACCOUNT
    assert second.refusal("sam", "10.0.0.1", known_browser=False) is None
