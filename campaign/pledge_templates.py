"""Common pledges per 带头 category, for a kiosk with no Chinese input method: the member types digits and a date.

A template's words live in the catalogs (``pledge_templates.<key>_text`` and ``<key>_target``, both languages)
with one ``{n}`` placeholder; :func:`fill` puts the member's number in and the result becomes an ordinary draft
through :func:`campaign.pledges.create_pledge` (the text is stored in the language it was written in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.records import Pledge, PledgeCategory

from .context import Campaign
from .errors import Refused
from .i18n import t
from .pledges import Actor, create_pledge

#: The largest number a template takes (4 digits is plenty for hours, visits, books).
MAX_NUMBER = 9999


@dataclass(frozen=True)
class PledgeTemplate:
    key: str
    category: PledgeCategory

    def text(self, n: int | str | None = None, lang: str | None = None) -> str:
        """The promise with ``n`` filled in, or with a blank ``__`` to show on a list."""
        return t(f"pledge_templates.{self.key}_text", lang=lang, n="__" if n is None else n)

    def target(self, n: int | str | None = None, lang: str | None = None) -> str:
        return t(f"pledge_templates.{self.key}_target", lang=lang, n="__" if n is None else n)


TEMPLATES: tuple[PledgeTemplate, ...] = (
    PledgeTemplate("study_books", PledgeCategory.STUDY),
    PledgeTemplate("study_lessons", PledgeCategory.STUDY),
    PledgeTemplate("study_sessions", PledgeCategory.STUDY),
    PledgeTemplate("achievement_open_lessons", PledgeCategory.ACHIEVEMENT),
    PledgeTemplate("achievement_papers", PledgeCategory.ACHIEVEMENT),
    PledgeTemplate("achievement_pass_rate", PledgeCategory.ACHIEVEMENT),
    PledgeTemplate("service_home_visits", PledgeCategory.SERVICE),
    PledgeTemplate("service_tutoring", PledgeCategory.SERVICE),
    PledgeTemplate("service_volunteer", PledgeCategory.SERVICE),
    PledgeTemplate("discipline_attendance", PledgeCategory.DISCIPLINE),
    PledgeTemplate("discipline_self_checks", PledgeCategory.DISCIPLINE),
    PledgeTemplate("integrity_mentoring", PledgeCategory.INTEGRITY),
    PledgeTemplate("integrity_talks", PledgeCategory.INTEGRITY),
)


def templates(category: PledgeCategory | str | None = None) -> list[PledgeTemplate]:
    """The templates of ``category`` (every template when None), in catalog order."""
    return [tpl for tpl in TEMPLATES if category is None or str(tpl.category) == str(category)]


def get_template(key: str) -> PledgeTemplate:
    for tpl in TEMPLATES:
        if tpl.key == key:
            return tpl
    raise Refused("pledges.no_such_template", name=key[:40])


def parse_number(raw: str | int) -> int:
    """The member's number: digits only (ASCII or full-width), 1..MAX_NUMBER; refused otherwise."""
    text = str(raw).strip()
    if not text or not text.isdecimal() or len(text) > 6:
        raise Refused("pledges.bad_number", value=text[:20], limit=MAX_NUMBER)
    n = int(text)
    if not 1 <= n <= MAX_NUMBER:
        raise Refused("pledges.bad_number", value=text[:20], limit=MAX_NUMBER)
    return n


def fill(key: str, number: str | int, lang: str | None = None) -> tuple[PledgeCategory, str, str]:
    """(category, text, target) of template ``key`` with the member's number."""
    tpl = get_template(key)
    n = parse_number(number)
    return tpl.category, tpl.text(n, lang), tpl.target(n, lang)


def create_from_template(
    c: Campaign, by: Actor, member: str, key: str, number: str | int, due: date | str, lang: str | None = None
) -> Pledge:
    """A draft pledge from template ``key``: the same rules as any draft (due date, the member's own)."""
    category, text, target = fill(key, number, lang)
    return create_pledge(c, by, member, category, text, target, due)
