"""Pledges (公开承诺 → 践诺 → 评诺): every step of every pledge, from every screen, the CLI and the phone form.

Each step is one transaction that re-reads the pledge under the lock, checks the step against the state machine
(:mod:`campaign.pledge_rules`), writes the pledge with one more history event, and — when the secretary takes the
step — records the audit entry in the same transaction. A refused step raises :class:`Refused` and writes nothing.

Who acts is an :class:`Actor`: ``as_member(code)`` for a member (the kiosk after their PIN, or their phone link),
or :data:`SECRETARY` for the secretary (``c.actor`` names them in history and audit). Secretary steps are
refused in the kiosk and web programs (``c.actor`` "kiosk" / "web") whatever a screen asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from storage.records import Pledge, PledgeCategory, PledgeEvent, PledgeGrade, PledgeState

from . import pledge_rules as rules
from .context import Campaign
from .errors import Refused
from .pledge_rules import Action
from .roster import active_member

#: Fields whose old and new values a history event records.
TRACKED = frozenset({"category", "text", "target", "due", "grade", "grade_comment", "self_grade", "reason"})
#: The programs in which nobody is the secretary, whatever they ask.
NOT_SECRETARY_PROGRAMS = frozenset({"kiosk", "web"})


@dataclass(frozen=True)
class Actor:
    """Who takes a step: a member (``member`` is their code) or the secretary (``member`` is None)."""

    member: str | None = None

    @property
    def is_secretary(self) -> bool:
        return self.member is None


#: The secretary (named by ``c.actor`` in history and in the audit log).
SECRETARY = Actor(None)


def as_member(code: str) -> Actor:
    """The member with ``code`` acting for themselves (after their PIN, or through their phone link)."""
    return Actor(code.strip())


def member_after_pin(c: Campaign, code: str, pin: str | None) -> Actor:
    """The member with ``code`` acting for themselves once their PIN is right (the same PIN rule and lock-out as
    signing in); refused for an unknown or inactive member or a wrong PIN."""
    from .signin import check_pin

    member = active_member(c, code)
    if member is None:
        raise Refused("pledges.unknown_member", code=code.strip()[:64])
    check_pin(c, member, pin)
    return as_member(member.code)


def today(c: Campaign) -> date:
    return c.now().astimezone(c.tz).date()


def _who(c: Campaign, by: Actor) -> str:
    """The name history records: the member's code, or the secretary's actor name. Refuses impostors."""
    if by.member is None:
        if c.actor in NOT_SECRETARY_PROGRAMS:
            raise Refused("pledges.secretary_program")
        return c.actor
    if active_member(c, by.member) is None:
        raise Refused("pledges.unknown_member", code=by.member)
    return by.member


def get_pledge(c: Campaign, pledge_id: str) -> Pledge:
    """The pledge with ``pledge_id``; refused if there is none."""
    pledge = c.repos.pledges.get(str(pledge_id).strip())
    if pledge is None:
        raise Refused("pledges.no_such_pledge", id=str(pledge_id).strip()[:40])
    return pledge


def events(pledge: Pledge) -> list[PledgeEvent]:
    """The pledge's history, oldest first."""
    return [PledgeEvent.from_doc(d) for d in pledge.history]


def _event(
    c: Campaign,
    who: str,
    action: Action,
    before: PledgeState | None,
    after: PledgeState,
    note: str = "",
    **changes: Any,
) -> dict[str, Any]:
    doc = PledgeEvent(
        at=c.now(), by=who, state=after, note=note, action=str(action), from_state=before, changes=changes, via=c.actor
    ).to_doc()
    # Defaults are left out (a pledge's file holds its whole history): PledgeEvent.from_doc restores them.
    return {k: v for k, v in doc.items() if v not in ("", None, {})}


def _audit(c: Campaign, by: Actor, action: Action, pledge: Pledge, **detail: Any) -> None:
    if by.is_secretary:
        c.audit(f"pledge.{action}", id=pledge.id, member=pledge.member, state=str(pledge.state), **detail)


def _step(
    c: Campaign,
    by: Actor,
    pledge_id: str,
    action: Action,
    *,
    note: str = "",
    fields: dict[str, Any] | Callable[[Pledge], dict[str, Any]] | None = None,
    audit: dict[str, Any] | None = None,
) -> Pledge:
    """Take ``action`` on the pledge in one transaction: check, write the pledge with one more event, audit.

    ``fields`` are the pledge's fields the step sets (or a function of the pledge as read under the lock).
    """
    with c.store.transaction():
        who = _who(c, by)
        pledge = get_pledge(c, pledge_id)
        after = rules.check_step(
            action, pledge.id, pledge.state, by_secretary=by.is_secretary, is_owner=by.member == pledge.member
        )
        fields = fields(pledge) if callable(fields) else (fields or {})
        changes = {
            k: [_plain(getattr(pledge, k)), _plain(v)]
            for k, v in fields.items()
            if k in TRACKED and getattr(pledge, k) != v
        }
        now = c.now()
        extra: dict[str, Any] = {}
        if action is Action.PUBLISH:
            extra["published_at"] = now
        updated = replace(
            pledge,
            **fields,
            **extra,
            state=after,
            updated=now,
            history=(*pledge.history, _event(c, who, action, pledge.state, after, note, **changes)),
        )
        c.repos.pledges.put(updated)
        _audit(c, by, action, updated, **(audit or {}), **({"note": note} if note else {}))
    return updated


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value is not None and not isinstance(value, int | float | bool | str) else value


# ------------------------------------------------------------------------------------------------ the member's


def create_pledge(
    c: Campaign,
    by: Actor,
    member: str,
    category: str | PledgeCategory,
    text: str,
    target: str,
    due: date | str,
) -> Pledge:
    """A new draft pledge of ``member``. Refused: another member's, an unknown or inactive member, no text, no
    target, a text over 500 characters, a due date that is unreadable, past or over three years ahead."""
    cat = rules.category(category)
    text, target = rules.pledge_text(text), rules.pledge_target(target)
    due_on = rules.due_date(due, today(c))
    member = member.strip()
    with c.store.transaction():
        who = _who(c, by)
        if not by.is_secretary and by.member != member:
            raise Refused("pledges.not_yours_to_create")
        if active_member(c, member) is None:
            raise Refused("pledges.unknown_member", code=member)
        now = c.now()
        draft = Pledge(
            id="",
            member=member,
            category=cat,
            text=text,
            target=target,
            due=due_on,
            state=PledgeState.DRAFT,
            created=now,
            updated=now,
            history=(_event(c, who, Action.CREATE, None, PledgeState.DRAFT),),
        )
        stored = c.repos.pledges.add(draft)
        _audit(c, by, Action.CREATE, stored, category=str(cat), due=due_on.isoformat())
    return stored


def edit_pledge(
    c: Campaign,
    by: Actor,
    pledge_id: str,
    *,
    category: str | PledgeCategory | None = None,
    text: str | None = None,
    target: str | None = None,
    due: date | str | None = None,
) -> Pledge:
    """Change a draft or returned pledge (then submit it again). The event records each field's old and new value."""
    fields: dict[str, Any] = {}
    if category is not None:
        fields["category"] = rules.category(category)
    if text is not None:
        fields["text"] = rules.pledge_text(text)
    if target is not None:
        fields["target"] = rules.pledge_target(target)
    if due is not None:
        fields["due"] = rules.due_date(due, today(c))
    return _step(c, by, pledge_id, Action.EDIT, fields=fields)


def submit_pledge(c: Campaign, by: Actor, pledge_id: str) -> Pledge:
    """Send a draft (or a returned pledge) to the secretary for review (审定). A past due date must be moved first."""
    pledge = get_pledge(c, pledge_id)
    if pledge.state in (PledgeState.DRAFT, PledgeState.RETURNED) and pledge.due < today(c):
        raise Refused("pledges.due_past", due=pledge.due.isoformat(), today=today(c).isoformat())
    return _step(c, by, pledge_id, Action.SUBMIT)


def add_progress(c: Campaign, by: Actor, pledge_id: str, note: str) -> Pledge:
    """A dated progress note (践诺) on a published pledge."""
    text = rules.note_text(note)
    entry = {"at": c.now().isoformat(), "day": today(c).isoformat(), "note": text}
    return _step(c, by, pledge_id, Action.PROGRESS, note=text, fields=lambda p: {"progress": (*p.progress, entry)})


def fulfil_pledge(c: Campaign, by: Actor, pledge_id: str, evidence: str) -> Pledge:
    """Mark a published pledge fulfilled, with a note of the evidence (it then waits for 评诺)."""
    text = rules.note_text(evidence, required_key="pledges.evidence_required")
    return _step(c, by, pledge_id, Action.FULFIL, note=text, fields={"evidence": text})


def self_assess(c: Campaign, by: Actor, pledge_id: str, grade: str | PledgeGrade, comment: str = "") -> Pledge:
    """The member's own assessment (自评) of their fulfilled pledge; may be rewritten until it is evaluated."""
    g, text = rules.grade(grade), rules.optional_note(comment)
    return _step(c, by, pledge_id, Action.SELF_ASSESS, note=text, fields={"self_grade": g, "self_comment": text})


def withdraw_pledge(c: Campaign, by: Actor, pledge_id: str, reason: str) -> Pledge:
    """Withdraw a pledge that is not evaluated yet, with a reason."""
    text = rules.note_text(reason, required_key="pledges.reason_required")
    return _step(c, by, pledge_id, Action.WITHDRAW, note=text, fields={"reason": text})


# ------------------------------------------------------------------------------------------------ the secretary's


def publish_pledge(c: Campaign, pledge_id: str, comment: str = "") -> Pledge:
    """审定 and publish a submitted pledge on the board (公示 starts now). Audited."""
    return _step(c, SECRETARY, pledge_id, Action.PUBLISH, note=rules.optional_note(comment))


def return_pledge(c: Campaign, pledge_id: str, comment: str) -> Pledge:
    """Send a submitted pledge back to its member with a comment saying what to make concrete. Audited."""
    text = rules.note_text(comment, required_key="pledges.comment_required")
    return _step(c, SECRETARY, pledge_id, Action.RETURN, note=text)


def evaluate_pledge(c: Campaign, pledge_id: str, grade: str | PledgeGrade, comment: str = "") -> Pledge:
    """组织评定: the final grade of a fulfilled pledge, with a comment (self-assessment optional). Audited.

    Refused when 优秀 would exceed the branch's cap (setting ``pledge_excellent_max_fraction``) for the year.
    """
    g, text = rules.grade(grade), rules.optional_note(comment)
    with c.store.transaction():
        pledge = get_pledge(c, pledge_id)
        if g is PledgeGrade.EXCELLENT:
            # The step's own refusals (a draft, a withdrawn pledge) say more than the cap would.
            rules.check_step(Action.EVALUATE, pledge.id, pledge.state, by_secretary=True, is_owner=False)
            check_excellent_cap(c, pledge)
        return _step(
            c,
            SECRETARY,
            pledge_id,
            Action.EVALUATE,
            note=text,
            fields={"grade": g, "grade_comment": text},
            audit={"grade": str(g)},
        )


def close_unkept(c: Campaign, pledge_id: str, reason: str) -> Pledge:
    """Close a published or fulfilled pledge as 未兑现 (not kept for an objective reason); the reason is public.
    Audited."""
    text = rules.note_text(reason, required_key="pledges.reason_required")
    return _step(c, SECRETARY, pledge_id, Action.UNKEPT, note=text, fields={"reason": text})


def correct_pledge(
    c: Campaign, pledge_id: str, comment: str, *, grade: str | PledgeGrade | None = None, reason: str | None = None
) -> Pledge:
    """The only change after evaluation: the secretary corrects the grade (or an unkept pledge's reason), saying
    why in ``comment``. The event keeps the old and new values; audited."""
    why = rules.note_text(comment, required_key="pledges.comment_required")
    fields: dict[str, Any] = {}
    with c.store.transaction():
        pledge = get_pledge(c, pledge_id)
        rules.check_step(Action.CORRECT, pledge.id, pledge.state, by_secretary=True, is_owner=False)
        if grade is not None:
            g = rules.grade(grade)
            if pledge.state is not PledgeState.EVALUATED:
                raise Refused("pledges.grade_needs_evaluated", id=pledge.id)
            if g is PledgeGrade.EXCELLENT and pledge.grade is not PledgeGrade.EXCELLENT:
                check_excellent_cap(c, pledge)
            fields["grade"] = g
        if reason is not None:
            fields["reason"] = rules.note_text(reason, required_key="pledges.reason_required")
        return _step(c, SECRETARY, pledge_id, Action.CORRECT, note=why, fields=fields, audit={"comment": why})


def check_excellent_cap(c: Campaign, pledge: Pledge) -> None:
    """Refuse one more 优秀 in the pledge's year if it would pass the cap: at most ``fraction`` of the year's
    pledges that reached 评诺 (fulfilled, evaluated or unkept) may be excellent."""
    fraction = c.settings.pledge_excellent_max_fraction
    if fraction >= 1:
        return
    year = int(pledge.id.split("-")[0])
    reached = excellent = 0
    for d in c.repos.pledges.docs([year]):
        if d["state"] in ("fulfilled", "evaluated", "unkept"):
            reached += 1
            if d["state"] == "evaluated" and d.get("grade") == "excellent":
                excellent += 1
    limit = int(fraction * reached + 1e-9)
    if excellent + 1 > limit:
        raise Refused("pledges.excellent_cap", limit=limit, total=reached, percent=f"{fraction * 100:.0f}%")
