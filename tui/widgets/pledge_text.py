"""A pledge as text for a screen: a few lines, or in full with its history. Every user string is literal.

Shared by the kiosk's and the secretary's pledge screens. Long texts wrap in the widget that shows them (a Static
wraps Content); nothing here is ever parsed as markup.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from textual.content import Content

from campaign.i18n import t
from campaign.pledge_ratings import PeerTally
from storage.records import Pledge, PledgeGrade, PledgeState
from tui.text import clean, literal


def grade_name(grade: PledgeGrade | str | None) -> str:
    return t(f"pledges.grade_{grade}") if grade else t("pledge_ui.none")


def tally_text(tally: PeerTally) -> str:
    """ "优秀 2 · 良好 1 · 合格 0 · 不合格 0 (3)": counts only, never who."""
    parts = " · ".join(f"{t(f'pledges.grade_{g}')} {tally.count(g)}" for g in PledgeGrade)
    return t("pledge_ui.tally", counts=parts, total=tally.total)


def returned_comment(pledge: Pledge) -> str:
    """The secretary's comment when the pledge was last sent back, if it is returned now."""
    if pledge.state is not PledgeState.RETURNED:
        return ""
    for event in reversed(pledge.history):
        if event.get("action") == "return" or event.get("state") == "returned":
            return str(event.get("note", ""))
    return ""


def pledge_summary(pledge: Pledge) -> Content:
    """Category, state, the whole text, target and due date; the return comment or evidence when there is one."""
    lines = [
        Content.assemble(
            (t(f"pledges.category_{pledge.category}"), "bold $secondary"),
            "  ·  ",
            (t(f"pledges.state_{pledge.state}"), "bold"),
            "  ·  ",
            (pledge.id, "dim"),
        ),
        literal(pledge.text, "bold"),
        literal(t("pledge_ui.target_due", target=clean(pledge.target), due=pledge.due.isoformat())),
    ]
    comment = returned_comment(pledge)
    if comment:
        lines.append(literal(t("pledge_ui.returned_comment", comment=comment), "$warning"))
    if pledge.evidence:
        lines.append(literal(t("pledge_ui.evidence", evidence=pledge.evidence)))
    if pledge.self_grade is not None:
        lines.append(
            literal(t("pledge_ui.self_assessed", grade=grade_name(pledge.self_grade), comment=pledge.self_comment))
        )
    if pledge.grade is not None:
        lines.append(literal(t("pledge_ui.graded", grade=grade_name(pledge.grade), comment=pledge.grade_comment)))
    if pledge.reason:
        lines.append(literal(t("pledge_ui.reason", reason=pledge.reason)))
    return Content("\n").join(lines)


def _when(value: Any, tz: tzinfo) -> str:
    try:
        return f"{datetime.fromisoformat(str(value)).astimezone(tz):%Y-%m-%d %H:%M}"
    except ValueError:
        return str(value)


def pledge_full(pledge: Pledge, tz: tzinfo) -> Content:
    """:func:`pledge_summary`, then the progress notes (dated) and the history, oldest first."""
    lines = [pledge_summary(pledge)]
    if pledge.progress:
        lines.append(Content.styled(t("pledge_ui.progress_heading"), "bold underline"))
        for entry in pledge.progress:
            lines.append(literal(f"{entry.get('day', '')}  {entry.get('note', '')}"))
    if pledge.history:
        lines.append(Content.styled(t("pledge_ui.history_heading"), "bold underline"))
        for event in pledge.history:
            state = t(f"pledges.state_{event.get('state')}") if event.get("state") else ""
            note = str(event.get("note", ""))
            line = f"{_when(event.get('at', ''), tz)}  {event.get('by', '')}  {state}"
            lines.append(literal(f"{line}  {note}" if note else line, "dim" if not note else ""))
    return Content("\n").join(lines)
