"""Running campaign services off the UI thread, and telling the secretary when one is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from textual.dom import DOMNode
from textual.worker import WorkerFailed

from campaign.errors import Refused
from storage.errors import StoreError
from tui.cli.common import store_error_message

T = TypeVar("T")


class Failed:
    """What :func:`attempt` returns when the call was refused; ``message`` says why, in the active language."""

    def __init__(self, message: str) -> None:
        self.message = message


async def in_thread(node: DOMNode, call: Callable[[], T], *, group: str = "store") -> T:
    """The result of ``call()`` run in a worker thread (store calls block on a cross-process lock and on fsync).

    Exceptions raised by ``call`` are raised here unchanged.
    """
    worker = node.run_worker(call, thread=True, exit_on_error=False, group=group)
    try:
        await worker.wait()
    except WorkerFailed as failed:
        raise failed.error from None
    return cast(T, worker.result)


def failure_message(exc: BaseException) -> str | None:
    """The message for a refusal or a storage failure; None for anything else (a bug, which must surface)."""
    if isinstance(exc, Refused):
        return exc.message()
    if isinstance(exc, StoreError):
        return store_error_message(exc)
    return None


async def attempt(node: DOMNode, call: Callable[[], T]) -> T | Failed:
    """``call()`` in a worker thread; a refusal or storage failure comes back as :class:`Failed`."""
    try:
        return await in_thread(node, call)
    except (Refused, StoreError) as exc:
        return Failed(failure_message(exc) or "")
