"""Group commit: answers that arrive together are stored in one store transaction.

Each answer costs a durable multi-file commit (its slip's bucket and the month's answers, through the
journal), so committing them one at a time caps throughput at roughly one fsync chain per answer. Here the
first caller that finds no commit running becomes the *leader*: it takes the store's lock, then every answer
waiting at that moment, and stores them with :func:`campaign.feedback.answer_many`. The others wait; when the
leader is done it wakes them with their own outcome and hands leadership to the first answer that arrived
meanwhile. Every caller runs in a worker thread (never on the event loop, which never waits on the lock), and
each answer is acknowledged only after its commit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.feedback import AnswerRequest, answer_many

#: At most this many answers per commit, so one commit stays short.
MAX_GROUP = 128


@dataclass
class _Slot:
    request: AnswerRequest
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    outcome: Refused | None = None
    error: BaseException | None = None


class GroupCommit:
    def __init__(self, c: Campaign, max_group: int = MAX_GROUP) -> None:
        self.c = c
        self.max_group = max_group
        self._mutex = threading.Lock()
        self._pending: list[_Slot] = []
        self._busy = False
        self.commits = 0

    @property
    def busy(self) -> bool:
        """Whether a commit is being made or waited for (answers are queued behind it)."""
        return self._busy

    def answer(self, request: AnswerRequest) -> None:
        """Store one answer (blocking; call from a worker thread). Raises :class:`Refused` like ``answer``."""
        slot = _Slot(request)
        with self._mutex:
            self._pending.append(slot)
            lead = not self._busy
            self._busy = True
        if not lead:
            slot.wake.wait()
        if slot.lead or lead:
            self._lead()
        if slot.error is not None:
            raise slot.error
        if slot.outcome is not None:
            raise slot.outcome

    def _take(self) -> list[_Slot]:
        with self._mutex:
            group, self._pending = self._pending[: self.max_group], self._pending[self.max_group :]
        return group

    def _lead(self) -> None:
        group: list[_Slot] = []
        try:
            # Take the group only once the store's lock is held: answers that arrive while another process
            # holds it join this commit instead of queueing behind it.
            with self.c.store.transaction():
                group = self._take()
                outcomes = answer_many(self.c, [s.request for s in group])
            for s, o in zip(group, outcomes, strict=True):
                s.outcome = o
        except BaseException as exc:  # every waiter must hear about a failed commit
            group = group or self._take()
            for s in group:
                s.error = exc
        self.commits += 1
        with self._mutex:
            if self._pending:
                successor = self._pending[0]
                successor.lead = True
                successor.wake.set()
            else:
                self._busy = False
        for s in group:
            s.wake.set()
