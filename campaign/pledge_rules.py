"""The pledge state machine and the rules for what a pledge may say: the one place both are written down.

::

    create ─► draft ─submit─► submitted ─publish─► published ─fulfil─► fulfilled ─evaluate─► evaluated
                ▲                 │                  │  ▲ progress         │ self_assess          │ correct
                └── edit ◄─ returned ◄─return─┘      │  └─────┘            │ (互评 ratings apart) │ (secretary,
                    (then submit again)              └──────── unkept ◄────┘                      audited)
    withdraw (with a reason): from draft, submitted, returned, published or fulfilled ─► withdrawn
    unkept (未兑现, the secretary, with a public reason): from published or fulfilled

Who may take each step: ``MEMBER`` steps are the pledge's own member's (at the kiosk after their PIN, or
through a phone link), or the secretary's on their behalf (recorded and audited as the secretary's);
``OWNER`` steps are the member's alone (自评); ``SECRETARY`` steps are the secretary's alone. Evaluated,
unkept and withdrawn pledges are final: only the secretary's audited correction changes an evaluated or unkept
one, and nothing changes a withdrawn one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum, StrEnum

from storage.records import PledgeCategory, PledgeGrade, PledgeState

from .errors import Refused

S = PledgeState


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    PUBLISH = "publish"
    RETURN = "return"
    PROGRESS = "progress"
    FULFIL = "fulfil"
    SELF_ASSESS = "self_assess"
    EVALUATE = "evaluate"
    UNKEPT = "unkept"
    WITHDRAW = "withdraw"
    CORRECT = "correct"


class Who(Enum):
    #: The pledge's member, or the secretary on their behalf.
    MEMBER = "member"
    #: The pledge's member only.
    OWNER = "owner"
    #: The secretary only.
    SECRETARY = "secretary"


@dataclass(frozen=True)
class Rule:
    #: States the step may start from.
    sources: frozenset[PledgeState]
    #: The state after the step; None: the state does not change (a note, an edit, a correction).
    target: PledgeState | None
    who: Who
    #: The step needs a comment / note / reason / evidence (refused when blank).
    needs_text: bool = False


RULES: dict[Action, Rule] = {
    Action.CREATE: Rule(frozenset(), S.DRAFT, Who.MEMBER),
    Action.EDIT: Rule(frozenset({S.DRAFT, S.RETURNED}), None, Who.MEMBER),
    Action.SUBMIT: Rule(frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, Who.MEMBER),
    Action.PUBLISH: Rule(frozenset({S.SUBMITTED}), S.PUBLISHED, Who.SECRETARY),
    Action.RETURN: Rule(frozenset({S.SUBMITTED}), S.RETURNED, Who.SECRETARY, needs_text=True),
    Action.PROGRESS: Rule(frozenset({S.PUBLISHED}), None, Who.MEMBER, needs_text=True),
    Action.FULFIL: Rule(frozenset({S.PUBLISHED}), S.FULFILLED, Who.MEMBER, needs_text=True),
    Action.SELF_ASSESS: Rule(frozenset({S.FULFILLED}), None, Who.OWNER),
    Action.EVALUATE: Rule(frozenset({S.FULFILLED}), S.EVALUATED, Who.SECRETARY),
    Action.UNKEPT: Rule(frozenset({S.PUBLISHED, S.FULFILLED}), S.UNKEPT, Who.SECRETARY, needs_text=True),
    Action.WITHDRAW: Rule(
        frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.FULFILLED}), S.WITHDRAWN, Who.MEMBER, True
    ),
    Action.CORRECT: Rule(frozenset({S.EVALUATED, S.UNKEPT}), None, Who.SECRETARY, needs_text=True),
}

#: States nothing but the secretary's correction changes.
FINAL = frozenset({S.EVALUATED, S.UNKEPT, S.WITHDRAWN})
#: States shown on the public board (公示栏).
PUBLIC = frozenset({S.PUBLISHED, S.FULFILLED, S.EVALUATED, S.UNKEPT})
#: States of a pledge still being worked on (not final).
OPEN = frozenset(set(PledgeState) - FINAL)

MAX_TEXT = 500
MAX_TARGET = 200
MAX_NOTE = 500
#: A due date at most this far ahead (a pledge is for a year or a term, not a career).
MAX_AHEAD = timedelta(days=3 * 366)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BLANKS = re.compile(r"\s+")


def allowed(action: Action, state: PledgeState | None) -> bool:
    """Whether ``action`` may start from ``state`` (None: no pledge yet)."""
    rule = RULES[action]
    return state is None if action is Action.CREATE else state in rule.sources


class Words:
    """Catalog keys to be worded in the language a message is read in (a list joined by the list separator)."""

    def __init__(self, *keys: str) -> None:
        self.keys = keys

    def word(self, lang: str | None) -> str:
        from .i18n import t

        return t("pledges.list_separator", lang=lang).join(t(k, lang=lang) for k in self.keys)

    def __str__(self) -> str:
        return self.word(None)


class PledgeRefused(Refused):
    """A refusal whose :class:`Words` parameters (state and step names) are worded in the reader's language."""

    def message(self, lang: str | None = None) -> str:
        from .i18n import t

        params = {k: v.word(lang) if isinstance(v, Words) else v for k, v in self.params.items()}
        return t(self.key, lang=lang, **params)


def state_words(*states: PledgeState) -> Words:
    return Words(*(f"pledges.state_{s}" for s in states))


def action_words(action: Action) -> Words:
    return Words(f"pledges.action_{action}")


def check_step(
    action: Action, pledge_id: str, state: PledgeState, *, by_secretary: bool, is_owner: bool
) -> PledgeState:
    """The state after ``action`` on a pledge in ``state``; refused with the reason when it may not happen."""
    rule = RULES[action]
    if rule.who is Who.SECRETARY and not by_secretary:
        raise PledgeRefused("pledges.secretary_only", action=action_words(action))
    if rule.who is Who.OWNER and not is_owner:
        raise PledgeRefused("pledges.owner_only", id=pledge_id, action=action_words(action))
    if rule.who is Who.MEMBER and not (is_owner or by_secretary):
        raise Refused("pledges.not_yours", id=pledge_id)
    if state not in rule.sources:
        if state is S.EVALUATED or state is S.UNKEPT:
            raise PledgeRefused("pledges.final", id=pledge_id, state=state_words(state))
        if state is S.WITHDRAWN:
            raise Refused("pledges.withdrawn_final", id=pledge_id)
        raise PledgeRefused(
            "pledges.illegal_step",
            id=pledge_id,
            state=state_words(state),
            action=action_words(action),
            allowed=state_words(*sorted(rule.sources, key=list(PledgeState).index)),
        )
    return rule.target or state


# ------------------------------------------------------------------------------------------- what a pledge says


def clean_line(text: str | None) -> str:
    """One line of user text: NFC, control and bidi characters dropped, runs of blanks (newlines too) one space."""
    text = unicodedata.normalize("NFC", text or "")
    return _BLANKS.sub(" ", _CONTROL.sub("", text)).strip()


def clean_note(text: str | None) -> str:
    """A note, comment, reason or evidence: like :func:`clean_line` but line breaks are kept (at most one blank
    line in a row)."""
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(_CONTROL.sub("", line).split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _limit(text: str, limit: int, key: str) -> str:
    if len(text) > limit:
        raise Refused(key, limit=limit, length=len(text))
    return text


def pledge_text(text: str | None) -> str:
    """What is promised, normalised; refused when blank or over :data:`MAX_TEXT` characters."""
    cleaned = clean_line(text)
    if not cleaned:
        raise Refused("pledges.no_text")
    return _limit(cleaned, MAX_TEXT, "pledges.text_too_long")


def pledge_target(target: str | None) -> str:
    """The measurable target, normalised; refused when blank or over :data:`MAX_TARGET` characters."""
    cleaned = clean_line(target)
    if not cleaned:
        raise Refused("pledges.no_target")
    return _limit(cleaned, MAX_TARGET, "pledges.target_too_long")


def note_text(text: str | None, *, required_key: str = "pledges.note_required") -> str:
    """A progress note / evidence / comment / reason that must be given: refused when blank or too long."""
    cleaned = clean_note(text)
    if not cleaned:
        raise Refused(required_key)
    return _limit(cleaned, MAX_NOTE, "pledges.note_too_long")


def optional_note(text: str | None) -> str:
    """A comment that may be blank; refused only when too long."""
    return _limit(clean_note(text), MAX_NOTE, "pledges.note_too_long")


def due_date(due: date | str, today: date) -> date:
    """The due date (``YYYY-MM-DD`` or a date): refused when unreadable, in the past, or more than ~3 years ahead."""
    if isinstance(due, str):
        raw = due.strip()
        try:
            due = date.fromisoformat(raw)
        except ValueError:
            raise Refused("pledges.bad_due", value=raw[:40]) from None
    if due < today:
        raise Refused("pledges.due_past", due=due.isoformat(), today=today.isoformat())
    if due > today + MAX_AHEAD:
        raise Refused("pledges.due_too_far", due=due.isoformat())
    return due


def category(value: str | PledgeCategory) -> PledgeCategory:
    try:
        return PledgeCategory(str(value).strip())
    except ValueError:
        raise Refused("pledges.bad_category", value=str(value)[:40], allowed=", ".join(PledgeCategory)) from None


def grade(value: str | PledgeGrade) -> PledgeGrade:
    try:
        return PledgeGrade(str(value).strip())
    except ValueError:
        raise Refused("pledges.bad_grade", value=str(value)[:40], allowed=", ".join(PledgeGrade)) from None


def state(value: str | PledgeState) -> PledgeState:
    try:
        return PledgeState(str(value).strip())
    except ValueError:
        raise Refused("pledges.bad_state", value=str(value)[:40], allowed=", ".join(PledgeState)) from None
