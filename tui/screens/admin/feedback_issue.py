"""Issuing a batch of feedback slips from the secretary's form: what was typed becomes a call to ``issue_batch``.

The form is the shared :class:`~tui.screens.admin.form.FormScreen`; this module turns its text fields into a
teacher, a count and an expiry date, and refuses what cannot be one, in the same words as the campaign does.
Everything here runs in the form's worker thread (it reads the roster and writes the store).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from campaign import feedback, roster
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.names import search_key
from storage.records import FeedbackBatch, Member

from .form import Field

#: How many candidates an ambiguous name lists before the secretary is asked for the member code.
MAX_LISTED = 5


def issue_fields(today: date, member: str = "") -> list[Field]:
    """The form's fields: teacher, number of slips (one A4 page by default), class, expiry (30 days by default)."""
    expires = today + timedelta(days=feedback.DEFAULT_VALID_DAYS)
    return [
        Field("member", t("admin_feedback.issue_member"), member),
        Field("count", t("admin_feedback.issue_count", limit=feedback.MAX_BATCH), "10"),
        Field("class_label", t("admin_feedback.issue_class")),
        Field("expires", t("admin_feedback.issue_expires"), expires.isoformat(), placeholder="YYYY-MM-DD"),
    ]


def find_teacher(members: list[Member], typed: str) -> Member:
    """The one active member ``typed`` names: an exact member code, an exact name, or a unique search match.

    Refused: nothing typed, nobody matching (the campaign's "unknown member"), or several members matching.
    """
    key = search_key(typed)
    if not key:
        raise Refused("admin_feedback.member_missing")
    active = [m for m in members if m.active]
    exact = [m for m in active if m.code.lower() == key or search_key(m.name) == key]
    if len(exact) == 1:
        return exact[0]
    found = exact or roster.find_members(active, typed)
    if not found:
        raise Refused("feedback.unknown_member", code=typed.strip())
    if len(found) > 1:
        names = t("admin_feedback.name_separator").join(f"{m.name} {m.code}" for m in found[:MAX_LISTED])
        raise Refused("admin_feedback.member_ambiguous", typed=typed.strip(), names=names)
    return found[0]


def parse_count(text: str) -> int:
    """The number of slips typed; refused unless it is a whole number (the range is the campaign's to check)."""
    try:
        return int(text.strip())
    except ValueError:
        raise Refused("admin_feedback.bad_count", limit=feedback.MAX_BATCH) from None


def parse_expiry(text: str) -> date | None:
    """The expiry date typed (YYYY-MM-DD); None when left empty (the campaign's default applies)."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Refused("admin_feedback.bad_date", text=text.strip()) from None


@dataclass(frozen=True)
class Issued:
    """A batch just issued, and the teacher it is for."""

    batch: FeedbackBatch
    codes: tuple[str, ...]
    teacher: Member


def issue_from_form(c: Campaign, values: dict[str, str]) -> Issued:
    """Issue the batch the form describes (audited by :func:`campaign.feedback.issue_batch`); refused otherwise."""
    teacher = find_teacher(roster.list_members(c, include_inactive=False), values["member"])
    count = parse_count(values["count"])
    expires = parse_expiry(values["expires"])
    issued = feedback.issue_batch(c, teacher.code, count, class_label=values["class_label"], expires=expires)
    return Issued(issued.batch, issued.codes, teacher)
