"""What the pledge screens, the CLI and exports show: the board, a member's pledges, the secretary's queues.

Queries filter the stored documents first and build :class:`Pledge` records only for what they return (a year
at stress scale holds ~10,000 pledges). Names and schools come from the roster as it is now.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from storage.records import Pledge, PledgeCategory, PledgeGrade, PledgeState

from . import pledge_rules as rules
from .context import Campaign
from .pledge_digest import FileDigest, Row, digest_for, row_of
from .pledge_ratings import PeerTally, current_window, rated_by, tally_of
from .pledges import today

CATEGORY_ORDER = {str(cat): i for i, cat in enumerate(PledgeCategory)}
#: The board, the queues and the summaries cover the pledges created this year and last year (a school year spans
#: two calendar years; branches pledge every year): they read two years' files, however long the history. Pass
#: ``years`` to look further back; ``list_pledges`` covers every year.
BOARD_YEARS = 2


@dataclass(frozen=True)
class PledgeLine:
    """A pledge with its member's name and school (as on the roster now)."""

    pledge: Pledge
    name: str
    school: str

    @property
    def id(self) -> str:
        return self.pledge.id


@dataclass(frozen=True)
class BoardLine(PledgeLine):
    #: The last day of its 公示 period (published day + ``pledge_publicity_days``), or None if never published.
    publicity_until: date | None
    #: Whether the 公示 period is still running today.
    in_publicity: bool


@dataclass(frozen=True)
class BoardPage:
    """One page of the public board (公示栏)."""

    lines: tuple[BoardLine, ...]
    #: 0-based page number (clamped to the pages there are) and the number of pages (at least 1).
    page: int
    pages: int
    #: Pledges on the board with these filters, on every page.
    total: int
    publicity_days: int


@dataclass(frozen=True)
class EvaluationLine(PledgeLine):
    """A fulfilled pledge waiting for the secretary's grade: the self-assessment and the peer tally beside it."""

    self_grade: PledgeGrade | None
    self_comment: str
    tally: PeerTally


@dataclass(frozen=True)
class MemberSummary:
    code: str
    name: str
    school: str
    #: How many of the member's pledges are in each state (states with none are left out).
    states: dict[PledgeState, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.states.values())


@dataclass(frozen=True)
class CategorySummary:
    category: PledgeCategory
    states: dict[PledgeState, int]
    grades: dict[PledgeGrade, int]

    @property
    def total(self) -> int:
        return sum(self.states.values())


@dataclass(frozen=True)
class _Who:
    name: str
    school: str
    #: How a member sorts: school, pinyin, code.
    key: tuple[str, str, str]
    active: bool


#: The last roster table seen (held, not its id()) and what was derived from it.
_MEMBERS_CACHE: list[tuple[object, dict[str, _Who]]] = []


def _members(c: Campaign) -> dict[str, _Who]:
    """Name, school and sort key of every member, from the raw roster (no records built: 2,000 members); kept
    while the roster's snapshot is the same object."""
    table = c.repos.members.table()
    if _MEMBERS_CACHE and _MEMBERS_CACHE[0][0] is table:
        return _MEMBERS_CACHE[0][1]
    members = {
        code: _Who(d["name"], d["school"], (d["school"], d.get("pinyin_full", ""), code), d.get("active", True))
        for code, d in c.repos.members.docs().items()
    }
    if c.store.current() is None:  # a transaction's own copy may still change in place: never kept
        _MEMBERS_CACHE[:] = [(table, members)]
    return members


def _who(members: dict[str, _Who], code: str) -> _Who:
    return members.get(code) or _Who(code, "", ("", "", code), False)


def _line(doc: dict[str, Any], members: dict[str, _Who]) -> PledgeLine:
    who = _who(members, doc["member"])
    return PledgeLine(Pledge.from_doc(doc), who.name, who.school)


def _id_key(pledge_id: str) -> tuple[int, int]:
    year, _, n = pledge_id.partition("-")
    return (int(year), int(n)) if year.isdigit() and n.isdigit() else (0, 0)


def _recent_years(c: Campaign, count: int) -> list[int]:
    year = today(c).year
    return [y for y in c.repos.pledges.years() if year - count < y <= year + 1]


def _docs(
    c: Campaign,
    *,
    years: list[int] | None = None,
    states: Iterable[PledgeState] | None = None,
    category: PledgeCategory | None = None,
    member: str | None = None,
) -> Iterator[dict[str, Any]]:
    cat = None if category is None else str(category)
    if states is None:
        docs: Iterable[dict[str, Any]] = c.repos.pledges.docs(years)
    else:
        docs = c.repos.pledges.docs_in_states({str(s) for s in states}, years)
    for d in docs:
        if (cat is not None and d["category"] != cat) or (member is not None and d["member"] != member):
            continue
        yield d


#: Per pledge file: its public pledges' rows with their board sort keys, kept while the file's rows and the roster
#: are the same objects (the digest's rows are replaced, never changed, when a file changes).
_BOARD_CACHE: dict[str, tuple[object, object, list[tuple[tuple[Any, ...], Row]]]] = {}
_PUBLIC = frozenset(str(s) for s in rules.PUBLIC)


def _public_sorted(
    c: Campaign, path: str, rows: Sequence[Row], roster: object, members: dict[str, _Who]
) -> list[tuple[tuple[Any, ...], Row]]:
    cached = _BOARD_CACHE.get(path)
    if cached is not None and cached[0] is rows and cached[1] is roster:
        return cached[2]
    # The board's order: category (the plan's), the member's school and pinyin, due date, id. Written out, not a
    # key function: a program that starts sorts ~20,000 rows at stress.
    order, public = CATEGORY_ORDER, _PUBLIC
    keyed = sorted(
        ((order.get(r[2], 9), (members.get(r[1]) or _who(members, r[1])).key, r[4], r[0]), r)
        for r in rows
        if r[3] in public
    )
    if c.store.current() is None:  # a transaction's own copy may still change in place: never kept
        _BOARD_CACHE[path] = (rows, roster, keyed)
    return keyed


def pledge_board(
    c: Campaign,
    *,
    category: str | PledgeCategory | None = None,
    school: str | None = None,
    page: int = 0,
    per_page: int = 8,
) -> BoardPage:
    """The public board: published, fulfilled, evaluated and unkept (未兑现, with its reason) pledges of this year
    and last year, by category, then school, then member; ``page`` is 0-based and clamped.

    A program that starts finds the whole board's order in the pledge digest while no pledge file and not the
    roster changed (kept by the first open ever, and by each program's read-ahead: :func:`keep_board_order`).
    Otherwise each file's public pledges, kept sorted while the file is unchanged, are merged up to the page asked
    for: ~512 short sorted lists, not a sort of ~20,000 pledges (~100 ms at stress scale) while someone waits;
    after another program's step only that file is sorted again.
    """
    cat = str(rules.category(category)) if category else None
    roster_file = c.store.signature("core")  # before the roster is read: a change in between sorts again next time
    roster = c.repos.members.table()
    members = _members(c)
    root = str(c.store.dir)
    years = _recent_years(c, BOARD_YEARS)
    per_page = max(1, per_page)
    if c.store.current() is None:  # the digest's rows: no pledge file parsed but the page's (pledge_digest.py)
        digest = digest_for(c.store)
        files = list(digest.files(years))
        if cat is None and school is None:
            # The whole board's order, if kept and no pledge file and not the roster changed since. None was ever
            # kept (the first open ever, or the digest was lost: already seconds of parsing): sort it and keep it.
            key, fingerprint = _order_key(years), _fingerprint(files, roster_file)
            ids = digest.board_order(key, fingerprint)
            if ids is None and not digest.has_board_order(key):
                ids = _whole_order(c, files, roster, members)
                digest.keep_board_order(key, fingerprint, ids)
            if ids is not None:
                pages = max(1, -(-len(ids) // per_page))
                page = min(max(0, page), pages - 1)
                docs = (c.repos.pledges.doc(i) for i in ids[page * per_page : (page + 1) * per_page])
                return _board_page(c, [d for d in docs if d is not None], members, page, pages, len(ids))
        tables: Iterable[tuple[str, Sequence[Row]]] = ((p, f.rows) for p, f in files)
    else:  # the files as this transaction sees them
        tables = ((p, tuple(row_of(d) for d in t.values())) for p, t in c.repos.pledges.tables(years))
    lists = [_public_sorted(c, f"{root}/{p}", rows, roster, members) for p, rows in tables]
    merged: Iterable[tuple[tuple[Any, ...], Row]] = heapq.merge(*lists)
    if cat is not None or school is not None:
        merged = (
            row
            for row in merged
            if (cat is None or row[1][2] == cat) and (school is None or _who(members, row[1][1]).school == school)
        )
        rows = list(merged)
        total = len(rows)
    else:
        total = sum(len(x) for x in lists)
        rows = []
    pages = max(1, -(-total // per_page))
    page = min(max(0, page), pages - 1)
    if cat is None and school is None:
        rows = list(itertools.islice(merged, (page + 1) * per_page))
    shown = (c.repos.pledges.doc(row[0]) for _, row in rows[page * per_page : (page + 1) * per_page])
    return _board_page(c, [d for d in shown if d is not None], members, page, pages, total)


def _order_key(years: list[int]) -> str:
    return ",".join(map(str, years))


def _fingerprint(files: list[tuple[str, FileDigest]], roster: object) -> str:
    """What a board order was sorted from: every pledge file's signature and the roster file's."""
    text = repr(([(p, f.signature) for p, f in files], roster))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _board_page(
    c: Campaign, docs: list[dict[str, Any]], members: dict[str, _Who], page: int, pages: int, total: int
) -> BoardPage:
    days = c.settings.pledge_publicity_days
    day = today(c)
    lines = []
    for d in docs:
        line = _line(d, members)
        published = line.pledge.published_at
        until = published.astimezone(c.tz).date() + timedelta(days=days) if published else None
        lines.append(
            BoardLine(
                line.pledge,
                line.name,
                line.school,
                publicity_until=until,
                in_publicity=until is not None and line.pledge.state is PledgeState.PUBLISHED and day <= until,
            )
        )
    return BoardPage(tuple(lines), page, pages, total, days)


def keep_board_order(c: Campaign) -> None:
    """Sort the whole board (``pledge_board`` with no filter) and keep its order in the pledge digest, for programs
    that start afterwards, unless the order kept is still current. Sorting ~20,000 pledges takes ~100 ms at stress
    scale: done by the read-ahead, never while someone waits."""
    roster_file = c.store.signature("core")  # before the roster is read: a change in between sorts again next time
    roster = c.repos.members.table()
    members = _members(c)
    years = _recent_years(c, BOARD_YEARS)
    digest = digest_for(c.store)
    files = list(digest.files(years))
    key, fingerprint = _order_key(years), _fingerprint(files, roster_file)
    if digest.board_order(key, fingerprint) is None:
        digest.keep_board_order(key, fingerprint, _whole_order(c, files, roster, members))


def _whole_order(
    c: Campaign, files: list[tuple[str, FileDigest]], roster: object, members: dict[str, _Who]
) -> list[str]:
    """The ids of the whole board (no filter), in order: each file's public pledges sorted, then merged."""
    root = str(c.store.dir)
    lists = [_public_sorted(c, f"{root}/{p}", f.rows, roster, members) for p, f in files]
    return [row[0] for _, row in heapq.merge(*lists)]


def warm_up(c: Campaign) -> None:
    """Read what the board and the queues need (every pledge file once), e.g. in a worker when a program starts,
    so that the first screen that opens them does not pay for parsing the files."""
    keep_board_order(c)
    pledge_board(c)
    review_queue(c)
    digest_for(c.store).save_if_changed()  # for the next program to start


def list_pledges(
    c: Campaign,
    *,
    member: str | None = None,
    state: str | PledgeState | None = None,
    category: str | PledgeCategory | None = None,
    years: list[int] | None = None,
) -> list[PledgeLine]:
    """Pledges matching the filters (every year unless ``years``), oldest first."""
    st = rules.state(state) if state else None
    cat = rules.category(category) if category else None
    members = _members(c)
    if member is not None:
        member = member.strip()
        pledges = c.repos.pledges.for_member(member, years)
        docs: Iterable[dict[str, Any]] = [
            p.to_doc() for p in pledges if (st is None or p.state is st) and (cat is None or p.category is cat)
        ]
    else:
        docs = _docs(c, years=years, states=None if st is None else [st], category=cat)
    lines = [_line(d, members) for d in docs]
    lines.sort(key=lambda line: (line.pledge.created, _id_key(line.id)))
    return lines


def member_pledges(c: Campaign, member: str) -> list[PledgeLine]:
    """A member's own pledges, every state: open ones first (by due date), then final ones (newest first)."""
    lines = list_pledges(c, member=member)
    open_lines = sorted((x for x in lines if x.pledge.state in rules.OPEN), key=lambda x: (x.pledge.due, x.id))
    final = sorted((x for x in lines if x.pledge.state not in rules.OPEN), key=lambda x: _id_key(x.id), reverse=True)
    return open_lines + final


def _years(c: Campaign, years: list[int] | None) -> list[int]:
    return _recent_years(c, BOARD_YEARS) if years is None else years


def review_queue(c: Campaign, *, years: list[int] | None = None) -> list[PledgeLine]:
    """Submitted pledges waiting for 审定 (this year's and last year's unless ``years``), oldest submission first."""
    members = _members(c)
    if c.store.current() is None:  # whole in the digest: no pledge file parsed (pledge_digest.py)
        docs: Iterable[dict[str, Any]] = (
            d for _, f in digest_for(c.store).files(_years(c, years)) for d in f.whole if d["state"] == "submitted"
        )
    else:
        docs = _docs(c, years=_years(c, years), states=[PledgeState.SUBMITTED])
    lines = [_line(d, members) for d in docs]
    lines.sort(key=lambda x: (x.pledge.updated or x.pledge.created, _id_key(x.id)))
    return lines


def evaluation_queue(c: Campaign, *, years: list[int] | None = None) -> list[EvaluationLine]:
    """Fulfilled pledges waiting for 评诺 (this year's and last year's unless ``years``), by due date, each with
    its self-assessment and peer tally."""
    members = _members(c)
    docs = list(_docs(c, years=_years(c, years), states=[PledgeState.FULFILLED]))
    grades: dict[str, list[str]] = {d["id"]: [] for d in docs}
    if docs:
        for r in c.repos.peer_ratings.docs():
            if r["pledge"] in grades:
                grades[r["pledge"]].append(r["grade"])
    out = []
    for d in docs:
        line = _line(d, members)
        p = line.pledge
        out.append(EvaluationLine(p, line.name, line.school, p.self_grade, p.self_comment, tally_of(grades[p.id])))
    out.sort(key=lambda x: (x.pledge.due, _id_key(x.id)))
    return out


def due_soon(c: Campaign, member: str, days: int | None = None) -> list[PledgeLine]:
    """The member's published pledges due from today to ``days`` days ahead (the setting when None), soonest
    first: what the kiosk mentions after a sign-in."""
    if days is None:
        days = c.settings.pledge_due_soon_days
    day = today(c)
    lines = list_pledges(c, member=member, state=PledgeState.PUBLISHED)
    return sorted((x for x in lines if day <= x.pledge.due <= day + timedelta(days=days)), key=lambda x: x.pledge.due)


def overdue(c: Campaign, member: str | None = None, *, years: list[int] | None = None) -> list[PledgeLine]:
    """Published pledges whose due date has passed without being marked fulfilled, most overdue first (a member's
    of every year; everyone's of this year and last year unless ``years``)."""
    day = today(c).isoformat()
    if member is not None:
        lines = list_pledges(c, member=member, state=PledgeState.PUBLISHED)
        return sorted((x for x in lines if x.pledge.due.isoformat() < day), key=lambda x: x.pledge.due)
    members = _members(c)
    published = _docs(c, years=_years(c, years), states=[PledgeState.PUBLISHED])
    lines = [_line(d, members) for d in published if d["due"] < day]
    return sorted(lines, key=lambda x: (x.pledge.due, _id_key(x.id)))


def member_summaries(c: Campaign, *, years: list[int] | None = None) -> list[MemberSummary]:
    """Per member (every active member, and anyone with pledges): pledges by state and how many are overdue
    (this year's and last year's pledges unless ``years``)."""
    members = _members(c)
    states: dict[str, Counter[PledgeState]] = {code: Counter() for code, who in members.items() if who.active}
    late: Counter[str] = Counter()
    day = today(c).isoformat()
    for d in _docs(c, years=_years(c, years)):
        states.setdefault(d["member"], Counter())[PledgeState(d["state"])] += 1
        if d["state"] == "published" and d["due"] < day:
            late[d["member"]] += 1
    out = [
        MemberSummary(code, _who(members, code).name, _who(members, code).school, dict(counts), late[code])
        for code, counts in states.items()
    ]
    out.sort(key=lambda s: _who(members, s.code).key)
    return out


def category_summaries(c: Campaign, *, years: list[int] | None = None) -> list[CategorySummary]:
    """Per 带头 category, in the plan's order: pledges by state, and evaluated ones by grade (this year's and last
    year's pledges unless ``years``)."""
    states: dict[str, Counter[PledgeState]] = {str(cat): Counter() for cat in PledgeCategory}
    grades: dict[str, Counter[PledgeGrade]] = {str(cat): Counter() for cat in PledgeCategory}
    for d in _docs(c, years=_years(c, years)):
        states[d["category"]][PledgeState(d["state"])] += 1
        if d["state"] == "evaluated" and d.get("grade"):
            grades[d["category"]][PledgeGrade(d["grade"])] += 1
    return [CategorySummary(cat, dict(states[str(cat)]), dict(grades[str(cat)])) for cat in PledgeCategory]


def pledges_to_rate(c: Campaign, rater: str) -> list[PledgeLine]:
    """Other members' fulfilled pledges ``rater`` has not rated yet; empty while no window is open."""
    if current_window(c) is None:
        return []
    done = rated_by(c, rater)
    members = _members(c)
    lines = [
        _line(d, members)
        for d in _docs(c, years=_recent_years(c, BOARD_YEARS), states=[PledgeState.FULFILLED])
        if d["member"] != rater and d["id"] not in done
    ]
    lines.sort(key=lambda x: (CATEGORY_ORDER[str(x.pledge.category)], _who(members, x.pledge.member).key, x.id))
    return lines
