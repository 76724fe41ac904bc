"""What the parent-feedback screens share: their style sheets, and running a campaign call in a worker thread
with a refusal coming back as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import ClassVar, TypeVar

from textual.message import Message

from campaign.errors import Refused
from storage.errors import StoreError

from .base import AdminScreen
from .calls import failure_message

T = TypeVar("T")


@dataclass
class Problem(Message):
    """A campaign call was refused (or the store failed); ``text`` says why in the active language."""

    text: str


class FeedbackBase(AdminScreen):
    """A secretary screen about parent feedback (its binding descriptions are catalog keys, as on every
    :class:`AdminScreen`)."""

    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = ["admin.tcss", "feedback.tcss"]

    def outcome(self, call: Callable[[], T]) -> T | None:
        """``call()`` (from a worker thread); a refusal or store failure is posted as :class:`Problem`.

        Anything else is a bug and propagates: the worker fails loudly instead of showing a wrong screen.
        """
        try:
            return call()
        except (Refused, StoreError) as exc:
            self.post_message(Problem(failure_message(exc) or ""))
            return None
