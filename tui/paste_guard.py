"""A bracketed paste that never ends must not freeze the kiosk.

Textual's terminal parser treats everything after ``ESC [200~`` as pasted text until ``ESC [201~`` arrives: a
paste start without its end (a stray sequence, a misconfigured badge scanner, someone at the kiosk typing it)
freezes every key, ctrl+c included, for as long as the end does not come. :class:`PasteGuardParser` ends such a
paste itself :data:`PASTE_TIMEOUT_S` after it started, whatever arrives meanwhile (keys pressed to get out of it
must not keep it open): what was received is delivered as an ordinary paste (which the focused field takes only up
to its ``max_length``, see tui/limits.py) and keys work again.

It also turns a flood of typed characters (a run of more than :data:`BURST_KEYS` printable characters in one
read: no person or badge scanner types that fast) into one paste after its first :data:`BURST_KEYS` keys, so that
20,000 typed characters cost one capped paste instead of 20,000 key events.

Installed into Textual's Linux driver by :func:`install` before the app runs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
#: A real paste arrives whole within milliseconds, even over SSH; one still open this long after it started has no end.
PASTE_TIMEOUT_S = 1.0
#: Printable characters in one read beyond which the rest of the run is delivered as one paste.
BURST_KEYS = 256
_FLOOD = re.compile(r"[^\x00-\x1f\x7f]{" + str(BURST_KEYS + 1) + ",}")


class PasteGuardParser(XTermParser):
    """Textual's parser, with a bracketed paste ended at the latest :data:`PASTE_TIMEOUT_S` after it started."""

    def __init__(self, debug: bool = False, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(debug)
        self._clock = clock
        #: When the open paste started (clock); None when no paste is open.
        self._paste_seen: float | None = None
        #: The end of the data fed last, to find a marker split across two reads.
        self._tail = ""

    @property
    def in_paste(self) -> bool:
        return self._paste_seen is not None

    def feed(self, data: str) -> Iterable[Message]:
        flood = _FLOOD.search(data) if len(data) > BURST_KEYS and not self.in_paste else None
        if flood is None or PASTE_START in data:
            return self._feed(data)
        # The first keys of the run stay keys (they also finish any escape sequence in progress); the rest is
        # one paste, then whatever follows the run.
        cut = flood.start() + BURST_KEYS
        out = self._feed(data[:cut])
        out.append(events.Paste(data[cut : flood.end()]))
        out.extend(self.feed(data[flood.end() :]) if flood.end() < len(data) else [])
        return out

    def _feed(self, data: str) -> list[Message]:
        out = list(super().feed(data))
        if data:
            self._track(data)
        return out

    def tick(self) -> Iterable[Message]:
        events = list(super().tick())
        if self._paste_seen is not None and self._clock() - self._paste_seen >= PASTE_TIMEOUT_S:
            events.extend(self.end_paste())
        return events

    def _track(self, data: str) -> None:
        window = self._tail + data
        start, end = window.rfind(PASTE_START), window.rfind(PASTE_END)
        if start > end:
            if self._paste_seen is None:
                self._paste_seen = self._clock()  # a paste opened
        elif end > start:
            self._paste_seen = None  # it ended
        self._tail = window[-(len(PASTE_START) - 1) :]

    def end_paste(self) -> list[Message]:
        """End the open paste as if its end had arrived."""
        self._paste_seen = None
        self._tail = ""
        return list(super().feed(PASTE_END))


def install() -> None:
    """Make Textual's Linux driver use :class:`PasteGuardParser` (it builds its parser when input starts)."""
    from textual.drivers import linux_driver

    driver: Any = linux_driver
    driver.XTermParser = PasteGuardParser
