"""What the parent-feedback screens share: their style sheets, footer keys worded from the ``admin_feedback``
catalog, and running a campaign call in a worker thread with a refusal coming back as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar, TypeVar

from textual.binding import ActiveBinding
from textual.message import Message

from campaign.errors import Refused
from campaign.i18n import t
from storage.errors import StoreError

from .base import AdminScreen
from .calls import failure_message

T = TypeVar("T")
CATALOG_PREFIX = "admin_feedback."


@dataclass
class Problem(Message):
    """A campaign call was refused (or the store failed); ``text`` says why in the active language."""

    text: str


class FeedbackBase(AdminScreen):
    """A secretary screen about parent feedback. Binding descriptions may be ``admin_feedback.*`` catalog keys."""

    # The admin style sheet plus this one; AdminScreen declares CSS_PATH as a plain str, hence the ignore.
    CSS_PATH: ClassVar[list[str]] = ["admin.tcss", "feedback.tcss"]  # type: ignore[assignment]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        out: dict[str, ActiveBinding] = {}
        for key, active in super().active_bindings.items():
            description = active.binding.description
            if description.startswith(CATALOG_PREFIX):
                active = active._replace(binding=replace(active.binding, description=t(description)))
            out[key] = active
        return out

    def outcome(self, call: Callable[[], T]) -> T | None:
        """``call()`` (from a worker thread); a refusal or store failure is posted as :class:`Problem`.

        Anything else is a bug and propagates: the worker fails loudly instead of showing a wrong screen.
        """
        try:
            return call()
        except (Refused, StoreError) as exc:
            self.post_message(Problem(failure_message(exc) or ""))
            return None
