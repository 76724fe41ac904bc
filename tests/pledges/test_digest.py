"""The pledge digest: a program that starts opens the board and the review queue without parsing every pledge file,
and what it shows is what the files say, whichever program changed them and whatever became of the digest."""

from __future__ import annotations

import hashlib
import json

import pytest

from campaign import pledge_queries as q
from campaign import pledges as pl
from campaign.context import Campaign, open_campaign
from campaign.pledge_digest import FILE_NAME, digest_for
from campaign.roster import add_member, edit_member
from storage.cache_files import cache_path
from storage.records import PledgeState

from .conftest import bring_to

STATES = (
    PledgeState.DRAFT,
    PledgeState.SUBMITTED,
    PledgeState.PUBLISHED,
    PledgeState.FULFILLED,
    PledgeState.EVALUATED,
    PledgeState.WITHDRAWN,
)


def _fill(c: Campaign) -> None:
    for i in range(12):
        add_member(c, f"D{i:03d}", f"党员{'甲乙丙丁戊己庚辛壬癸子丑'[i]}", "第十八中学" if i % 2 else "实验小学")
    for i in range(12):
        bring_to(c, STATES[i % len(STATES)], member=f"D{i:03d}", text=f"承诺 {i}")


def _from_files(c: Campaign, **board: object) -> tuple[q.BoardPage, list[q.PledgeLine]]:
    """The board and the queue as the pledge files say (inside a transaction the queries read the files)."""
    with c.store.transaction():
        return q.pledge_board(c, **board), q.review_queue(c)  # type: ignore[arg-type]


def _program(c: Campaign) -> Campaign:
    """Another program on the same data (a kiosk, the secretary's app, a script)."""
    return open_campaign(c.store.root, actor="secretary", clock=c.clock)


def test_a_program_that_starts_reads_the_digest_not_the_pledge_files(roster: Campaign) -> None:
    _fill(roster)
    first = q.pledge_board(roster, per_page=4), q.review_queue(roster)  # reads the files, keeps the digest
    assert cache_path(roster.store.root, FILE_NAME).is_file()

    later = _program(roster)
    board, queue = q.pledge_board(later, per_page=4), q.review_queue(later)
    assert digest_for(later.store).files_read == 0
    assert (board, queue) == first == _from_files(later, per_page=4)
    assert sorted(line.pledge.text for line in queue) == ["承诺 1", "承诺 7"]
    assert board.total == 6 and len(board.lines) == 4  # two each published, fulfilled and evaluated
    for page in range(board.pages):
        assert q.pledge_board(later, page=page, per_page=4) == _from_files(later, page=page, per_page=4)[0]
    assert q.pledge_board(later, school="实验小学") == _from_files(later, school="实验小学")[0]
    assert q.pledge_board(later, category="service") == _from_files(later, category="service")[0]


def test_a_step_in_another_program_shows_at_once_and_only_its_file_is_read_again(roster: Campaign) -> None:
    _fill(roster)
    kiosk = _program(roster)
    before = q.review_queue(kiosk)
    read = digest_for(kiosk.store).files_read
    submitted = before[0]
    pl.publish_pledge(roster, submitted.id)  # the secretary, in her own program
    after = q.review_queue(kiosk)
    assert [line.id for line in after] == [line.id for line in before[1:]]
    assert digest_for(kiosk.store).files_read == read + 1
    board = q.pledge_board(kiosk, per_page=50)
    assert submitted.id in {line.id for line in board.lines}
    assert board == _from_files(kiosk, per_page=50)[0]


def test_a_damaged_or_foreign_digest_is_rebuilt_from_the_files(roster: Campaign) -> None:
    _fill(roster)
    q.pledge_board(roster)
    path = cache_path(roster.store.root, FILE_NAME)
    expected = _from_files(roster)
    foreign = b'{"version": 2, "files": {"pledges_2026/00": 7}}'
    signed = hashlib.sha256(foreign).hexdigest().encode() + b"\n" + foreign
    cut = path.read_bytes()[:-100]
    for damage in (b"", b"\x00garbage", b"[]", cut, foreign, signed):
        path.write_bytes(damage)
        later = _program(roster)
        assert (q.pledge_board(later), q.review_queue(later)) == expected
        checksum, _, body = path.read_bytes().partition(b"\n")  # written afresh for the next program
        assert checksum == hashlib.sha256(body).hexdigest().encode() and json.loads(body)["files"]


def test_a_digest_that_cannot_be_written_costs_only_speed(roster: Campaign) -> None:
    _fill(roster)
    cache_path(roster.store.root, FILE_NAME).parent.write_text("not a folder")  # the cache folder is a file
    assert (q.pledge_board(roster), q.review_queue(roster)) == _from_files(roster)
    later = _program(roster)
    assert q.review_queue(later) == _from_files(later)[1]


def test_the_board_order_is_kept_until_a_pledge_or_the_roster_changes(
    roster: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(roster)
    q.pledge_board(roster)  # sorts, and keeps the order in the digest
    later = _program(roster)
    expected = _from_files(later, page=1, per_page=4)[0]
    with monkeypatch.context() as m:
        m.setattr(q, "_public_sorted", _must_not_sort)
        assert q.pledge_board(later, page=1, per_page=4) == expected
    # A member moves school: the board's order changes, in every program.
    edit_member(roster, "D003", school="实验小学")
    again = _program(roster)
    for page in range(2):
        assert q.pledge_board(again, page=page, per_page=4) == _from_files(again, page=page, per_page=4)[0]
    bring_to(roster, PledgeState.PUBLISHED, member="D000", text="新的承诺")  # and a pledge is published
    third = _program(roster)
    assert q.pledge_board(third, per_page=50) == _from_files(third, per_page=50)[0]
    assert "新的承诺" in {line.pledge.text for line in q.pledge_board(third, per_page=50).lines}


def test_after_a_step_the_board_is_not_sorted_whole_while_someone_waits(
    roster: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(roster)
    kiosk = _program(roster)
    q.pledge_board(kiosk)  # the first open ever: sorted whole, the order kept
    bring_to(roster, PledgeState.PUBLISHED, member="D001", text="又一条承诺")  # another program's step
    with monkeypatch.context() as m:
        m.setattr(type(digest_for(kiosk.store)), "keep_board_order", _must_not_sort)
        for page in range(2):
            assert q.pledge_board(kiosk, page=page, per_page=4) == _from_files(kiosk, page=page, per_page=4)[0]
    # A program's read-ahead sorts it whole again, so the next program to start finds the order kept.
    q.warm_up(_program(roster))
    later = _program(roster)
    with monkeypatch.context() as m:
        m.setattr(q, "_public_sorted", _must_not_sort)
        board = q.pledge_board(later, per_page=50)
    assert board == _from_files(later, per_page=50)[0]
    assert "又一条承诺" in {line.pledge.text for line in board.lines}


def _must_not_sort(*args: object) -> object:
    raise AssertionError("the board was sorted again though nothing changed")


def test_an_empty_board_stays_empty_in_the_next_program(roster: Campaign) -> None:
    bring_to(roster, PledgeState.SUBMITTED)  # a pledge, but none on the board yet
    assert q.pledge_board(roster).total == 0
    later = _program(roster)
    board = q.pledge_board(later)
    assert (board.total, board.pages, board.lines) == (0, 1, ())
    assert [line.pledge.state for line in q.review_queue(later)] == [PledgeState.SUBMITTED]
