"""Reading ahead (the kiosk after its first screen, the feedback server before it listens): a failure only costs
speed, it never ends the program."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from campaign import feedback, pledge_queries
from campaign.context import Campaign, open_campaign
from campaign.logfile import setup_logging
from campaign.warm_up import warm_up, warm_up_server
from storage import Store
from storage.slips import token_partition


def test_a_failure_while_reading_ahead_is_logged_not_raised(roster: Campaign, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(c: Campaign) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pledge_queries, "warm_up", broken)
    setup_logging(roster.store.root)
    warm_up(roster)  # no exception
    log = Path(roster.store.root) / "logs" / "chuangyou.log"
    assert "warm-up" in log.read_text(encoding="utf-8")


def test_the_server_reads_this_years_codes_before_its_first_answer(
    roster: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = feedback.issue_batch(roster, "T001", 30)
    server = open_campaign(roster.store.root, actor="web")
    warm_up_server(server)
    parsed: list[str] = []
    parse = Store._parse

    def counted(self: Store, path: Path, raw: bytes) -> dict[str, Any]:
        parsed.append(path.parent.name)
        return parse(self, path, raw)

    monkeypatch.setattr(Store, "_parse", counted)
    for code in issued.codes[:10]:
        feedback.answer(server, code, "satisfied")
    # Each answer parsed its used codes and its month's file afresh (to change them), never a file of codes.
    assert parsed and not [folder for folder in parsed if folder.startswith("tokens_")]


def test_a_damaged_file_of_codes_does_not_keep_the_server_from_starting(roster: Campaign) -> None:
    issued = feedback.issue_batch(roster, "T001", 30)
    damaged = roster.store.path(token_partition(issued.codes[0], roster.now().year))
    damaged.write_text("{not json", encoding="utf-8")
    setup_logging(roster.store.root)
    server = open_campaign(roster.store.root, actor="web")
    warm_up_server(server)  # no exception: logged
    log = Path(roster.store.root) / "logs" / "chuangyou.log"
    assert "warm-up" in log.read_text(encoding="utf-8")
    elsewhere = next(code for code in issued.codes if code[:2] != issued.codes[0][:2])
    feedback.answer(server, elsewhere, "satisfied")  # a code in another file is answered as ever
