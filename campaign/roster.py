"""Schools and members: the roster."""

from __future__ import annotations

from dataclasses import replace

from storage.records import Member, Role, School

from .context import Campaign
from .errors import Refused
from .hashing import hash_pin
from .names import (
    MAX_NAME,
    check_pin_digits,
    keys_start_with,
    normalize_name,
    normalize_school,
    pinyin_keys,
    search_key,
)

__all__ = ["MAX_NAME"]
MAX_CODE = 64
#: PINs are 4 to 8 ASCII digits.
MAX_PIN = 8


def add_school(c: Campaign, name: str) -> School:
    name = normalize_school(name)
    if not name:
        raise Refused("roster.school_name_empty")
    with c.store.transaction():
        if c.repos.schools.exists(name):
            raise Refused("roster.school_exists", name=name)
        school = School(name=name)
        c.repos.schools.add(school)
        c.audit("school.add", name=name)
    return school


def list_schools(c: Campaign) -> list[School]:
    return sorted(c.repos.schools.all(), key=lambda s: s.name)


def active_member(c: Campaign, code: str) -> Member | None:
    """The active member with ``code`` (surrounding blanks ignored), or None: who may sign in or be rated."""
    member = c.repos.members.get(code.strip())
    return member if member is not None and member.active else None


def member_to_sign_in(c: Campaign, code: str) -> Member:
    """The active member with ``code``; refused as unknown, or as inactive (not "no such member") when deactivated."""
    member = c.repos.members.get(code.strip())
    if member is None:
        raise Refused("signin.not_on_roster", code=code.strip())
    if not member.active:
        raise Refused("names.inactive", code=member.code, name=member.name)
    return member


def check_pin(pin: str) -> None:
    if not check_pin_digits(pin):
        raise Refused("roster.pin_format")


def check_code(code: str) -> None:
    if not code or len(code) > MAX_CODE or not code.isprintable() or " " in code:
        raise Refused("roster.code_format", code=code)


def new_member(
    code: str, name: str, school: str, *, role: Role = Role.MEMBER, pin: str | None = None, active: bool = True
) -> Member:
    """A validated member record (not yet stored)."""
    code, school = code.strip(), normalize_school(school)
    check_code(code)
    name = normalize_name(name, code=code)
    if pin is not None:
        check_pin(pin)
    full, initials = pinyin_keys(name)
    return Member(
        code=code,
        name=name,
        school=school,
        role=role,
        active=active,
        pin_hash=hash_pin(pin) if pin else None,
        pinyin_full=full,
        pinyin_initials=initials,
    )


def add_member(
    c: Campaign, code: str, name: str, school: str, *, role: Role = Role.MEMBER, pin: str | None = None
) -> Member:
    """Add a member. An unknown school or a code already in use is refused."""
    member = new_member(code, name, school, role=role, pin=pin)
    with c.store.transaction():
        if not c.repos.schools.exists(member.school):
            raise Refused("roster.unknown_school", school=member.school)
        if c.repos.members.get(member.code) is not None:
            raise Refused("roster.code_taken", code=member.code)
        member = replace(member, joined=c.now())
        c.repos.members.add(member)
        c.audit("member.add", code=member.code, name=member.name, school=member.school, role=str(role))
    return member


def get_member(c: Campaign, code: str) -> Member:
    member = c.repos.members.get(code.strip())
    if member is None:
        raise Refused("roster.no_such_member", code=code)
    return member


def edit_member(
    c: Campaign,
    code: str,
    *,
    name: str | None = None,
    school: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
) -> Member:
    with c.store.transaction():
        member = get_member(c, code)
        changes: dict[str, object] = {}
        if name is not None and normalize_name(name, code=member.code) != member.name:
            updated = new_member(member.code, name, member.school)
            changes.update(name=updated.name, pinyin_full=updated.pinyin_full, pinyin_initials=updated.pinyin_initials)
        if school is not None and normalize_school(school) != member.school:
            if not c.repos.schools.exists(normalize_school(school)):
                raise Refused("roster.unknown_school", school=school)
            changes["school"] = normalize_school(school)
        if role is not None and role != member.role:
            changes["role"] = role
        if active is not None and active != member.active:
            changes["active"] = active
        if not changes:
            return member
        member = replace(member, **changes)  # type: ignore[arg-type]
        c.repos.members.put(member)
        c.audit("member.edit", code=code, **{k: str(v) for k, v in changes.items() if not k.startswith("pinyin")})
    return member


def set_pin(c: Campaign, code: str, pin: str) -> None:
    check_pin(pin)
    with c.store.transaction():
        member = get_member(c, code)
        c.repos.members.put(replace(member, pin_hash=hash_pin(pin)))
        c.audit("member.set_pin", code=member.code)


def list_members(c: Campaign, *, include_inactive: bool = True) -> list[Member]:
    members = c.repos.members.all()
    if not include_inactive:
        members = [m for m in members if m.active]
    return sorted(members, key=lambda m: (m.school, m.pinyin_full, m.code))


def find_members(members: list[Member], typed: str, *, limit: int = 20) -> list[Member]:
    """Members matching what was typed at the kiosk: member code, pinyin initials, full pinyin, or characters.

    Exact code matches come first, then initials, then full-pinyin prefixes, then characters.
    """
    key = search_key(typed)
    if not key:
        return []
    ranked: list[tuple[int, str, Member]] = []
    for m in members:
        if not m.active:
            continue
        code = m.code.lower()
        if code == key:
            rank = 0
        elif keys_start_with(m.pinyin_initials, key):
            rank = 1
        elif keys_start_with(m.pinyin_full, key):
            rank = 2
        elif key in m.name.lower():
            rank = 3
        elif code.startswith(key):
            rank = 4
        else:
            continue
        ranked.append((rank, m.pinyin_full, m))
    ranked.sort(key=lambda r: (r[0], r[1], r[2].code))
    return [m for _, _, m in ranked[:limit]]
