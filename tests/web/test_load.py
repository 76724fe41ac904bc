"""A small version of ``bench.feedback_load``: real server and sign-in processes, correctness only (no timing)."""

from __future__ import annotations

import pytest

from bench.feedback_load import run_load

pytestmark = pytest.mark.e2e


def test_concurrent_answers_beside_a_signing_in_process_are_each_stored_once() -> None:
    outcome = run_load(clients=10, answers=200, anchor=False, signin=True, signin_rate=50, timeout_s=120)
    check = outcome.check
    ours, _ = outcome.saturated
    assert ours.statuses == {303: 200} and ours.errors == 0
    assert check.stored == 200
    assert (check.lost, check.duplicated, check.wrong, check.unused_codes) == ([], [], [], 0)
    assert check.signins > 0  # the other process really was committing meanwhile
