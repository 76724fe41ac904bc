"""What the TUI asks of the terminal, set before Textual is imported (Textual reads these once, at import).

No Textual import here: :func:`prepare` must run first, in the launcher.
"""

from __future__ import annotations

import os

#: Frames per second at most. Textual's default (60) adds up to 17 ms before a change is drawn; a kiosk shows
#: search results as people type, so it repaints sooner (the timer only runs while something changed).
FPS = "120"


#: Terminals that cannot draw Chinese characters: the Linux text console (its fonts hold 512 glyphs at most).
NO_CJK_TERMS = frozenset({"linux"})


def can_show_chinese(environ: dict[str, str] | None = None) -> bool:
    """Whether this process's terminal can draw Chinese characters (as far as ``TERM`` tells)."""
    env = os.environ if environ is None else environ
    return env.get("TERM", "") not in NO_CJK_TERMS


def prepare() -> None:
    """Set Textual's environment for this process unless the user already did."""
    os.environ.setdefault("TEXTUAL_FPS", FPS)
    # OpenSSH does not forward COLORTERM: Textual would drop to 256 colours and blur the kiosk's theme.
    if "SSH_CONNECTION" in os.environ and "COLORTERM" not in os.environ:
        os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", "truecolor")
