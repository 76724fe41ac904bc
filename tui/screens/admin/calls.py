"""Running campaign services off the UI thread, and telling the secretary when one is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from textual.dom import DOMNode
from textual.worker import WorkerFailed

from campaign.context import Campaign
from campaign.errors import Refused
from storage.errors import StoreError
from tui.cli.common import store_error_message
from tui.fault import classify, record

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


def failure_message(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """The message for a refusal or a storage failure (what went wrong and what to do, see :mod:`tui.fault`);
    None for anything else (a bug, which must surface: the app's fault guard logs it and shows no detail)."""
    if isinstance(exc, Refused):
        return exc.message()
    if isinstance(exc, StoreError | OSError):
        if data_dir is None:
            return store_error_message(exc) if isinstance(exc, StoreError) else exc.strerror or type(exc).__name__
        return classify(exc, data_dir).explanation
    return None


def _data_dir(node: DOMNode) -> Path | None:
    campaign = getattr(node.app, "campaign", None)
    return campaign.store.root if isinstance(campaign, Campaign) else None


async def attempt(node: DOMNode, call: Callable[[], T]) -> T | Failed:
    """``call()`` in a worker thread; a refusal or storage failure comes back as :class:`Failed` (and a storage
    failure's details go to the log file)."""
    try:
        return await in_thread(node, call)
    except Refused as exc:
        return Failed(exc.message())
    except (StoreError, OSError) as exc:
        data_dir = _data_dir(node)
        if data_dir is not None:
            record(exc, data_dir, "admin")
        return Failed(failure_message(exc, data_dir) or "")
