"""Group commit: answers that arrive together are stored in one store transaction.

Each answer costs a durable multi-file commit (its batch's used codes and the month's answers, through the
journal), so committing them one at a time caps throughput at roughly one fsync chain per answer. Here answers
queue on the event loop; one drain task at a time hands the queue to a worker thread, which takes the store's
lock, then every answer waiting at that moment, and stores them with :func:`campaign.feedback.answer_many`.
Each caller's future then gets its own outcome. One thread hand-off per group, not per answer; the event loop
never waits on the lock (the worker thread does), and each answer is acknowledged only after its commit.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

from anyio import to_thread

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.feedback import AnswerRequest, answer_taken

#: At most this many answers per commit, so one commit stays short.
MAX_GROUP = 128


@dataclass
class _Waiting:
    request: AnswerRequest
    future: asyncio.Future[Refused | None]


class GroupCommit:
    def __init__(self, c: Campaign, max_group: int = MAX_GROUP) -> None:
        self.c = c
        self.max_group = max_group
        # Appended to on the event loop, taken from in the worker thread (under the store's lock).
        self._mutex = threading.Lock()
        self._pending: list[_Waiting] = []
        self._drain: asyncio.Task[None] | None = None
        self.commits = 0

    @property
    def busy(self) -> bool:
        """Whether a commit is being made or waited for (answers are queued behind it)."""
        return self._drain is not None and not self._drain.done()

    async def answer(self, request: AnswerRequest) -> None:
        """Store one answer once its group is committed. Raises :class:`Refused` like ``campaign.feedback.answer``."""
        waiting = _Waiting(request, asyncio.get_running_loop().create_future())
        with self._mutex:
            self._pending.append(waiting)
        if not self.busy:
            self._drain = asyncio.create_task(self._drain_queue())
        # The commit goes on if this caller gives up (a client hanging up): shielded from its cancellation.
        outcome = await asyncio.shield(waiting.future)
        if outcome is not None:
            raise outcome

    def _take(self) -> list[_Waiting]:
        with self._mutex:
            group, self._pending = self._pending[: self.max_group], self._pending[self.max_group :]
        return group

    def _commit(self) -> tuple[list[_Waiting], list[Refused | None] | Exception]:
        # Worker thread. Take the group only once the store's lock is held: answers that arrive while another
        # process holds it join this commit instead of queueing behind it.
        taken: list[_Waiting] = []

        def take() -> list[_Waiting]:
            taken.extend(self._take())
            return taken

        try:
            return answer_taken(self.c, take, lambda w: w.request)
        except Exception as exc:  # every waiter of this group must hear about a failed commit
            return taken or self._take(), exc

    async def _drain_queue(self) -> None:
        while True:
            with self._mutex:
                if not self._pending:
                    return
            group, outcomes = await to_thread.run_sync(self._commit)
            self.commits += 1
            for i, w in enumerate(group):
                if w.future.done():
                    continue
                if isinstance(outcomes, Exception):
                    w.future.set_exception(outcomes)
                else:
                    w.future.set_result(outcomes[i])
