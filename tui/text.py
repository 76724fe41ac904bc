"""The one place where text a person typed (names, titles, comments, imported cells) becomes something Textual draws.

User text is never markup: ``[bold]x[/]``, ``[@click=app.quit]x[/]`` or a lone ``[/`` must show as typed, in every
widget, DataTable cells included. Build what you display from these helpers instead of passing ``str`` to a widget
(``Static``, ``Label``, ``Button``, ``DataTable.add_row`` and ``notify`` all parse a ``str`` as markup).
Catalog messages are text too: their placeholders often carry a name, so :func:`message` never parses them either.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content

from campaign.errors import Refused
from campaign.i18n import t
from storage.records import Member

ELLIPSIS = "…"


#: Control characters (C0 but tab and newline, DEL, C1): an ESC in a name must not reach the terminal as a sequence.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` without control characters (tab and newline stay)."""
    return _CONTROL.sub("", text)


def literal(text: str, style: str = "") -> Content:
    """``text`` exactly as typed (control characters removed), optionally in ``style``; never parsed as markup."""
    text = clean(text)
    return Content.styled(text, style) if style else Content(text)


def cell(text: str, *, max_width: int | None = None, style: str = "") -> Text:
    """A DataTable cell showing ``text`` literally, cut to ``max_width`` terminal cells with an ellipsis."""
    shown = fit(clean(text), max_width) if max_width else one_line(clean(text))
    return Text(shown, style=style, no_wrap=True, end="")


def message(key: str, /, style: str = "", **params: Any) -> Content:
    """The catalog message ``key`` with ``params`` filled in, as literal content (params may be user text)."""
    return literal(t(key, **params), style)


def refusal(exc: Refused, style: str = "") -> Content:
    """The message of a refused action, as literal content."""
    return literal(exc.message(), style)


def one_line(text: str) -> str:
    """``text`` on one line: newlines and tabs become spaces (a name or title is never multi-line on screen)."""
    return " ".join(text.split()) if any(ch in text for ch in "\n\r\t") else text


def fit(text: str, width: int | None) -> str:
    """``text`` on one line without control characters, cut to at most ``width`` terminal cells (CJK characters
    take two), ending in "…"."""
    text = one_line(clean(text))
    if width is None or cell_len(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, width: int) -> str:
    """``text`` fitted to ``width`` cells and padded with spaces to exactly ``width`` (so CJK columns line up)."""
    shown = fit(text, width)
    return shown + " " * max(width - cell_len(shown), 0)


def member_name(member: Member, *, max_width: int | None = None) -> str:
    """How a member's name is written everywhere: the name as recorded, on one line, cut to ``max_width`` cells."""
    return fit(member.name, max_width)


def member_label(member: Member, *, max_width: int | None = None) -> Content:
    """A member for a list or a heading: the name in bold, then school and member code, all literal."""
    return Content.assemble(
        (member_name(member, max_width=max_width), "bold"),
        "  ",
        (fit(member.school, None), "dim"),
        "  ",
        (clean(member.code), "dim"),
    )
