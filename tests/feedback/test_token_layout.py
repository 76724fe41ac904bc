"""Where slip codes live: one year's codes per file, found from the newest year back, and older stores moved."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from campaign import feedback as fb
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from storage import open_store, schema
from storage.records import FeedbackToken
from storage.repositories import Repositories
from storage.slips import token_partition
from storage.tinystore import tinydb_for


def test_codes_are_filed_by_the_year_their_slips_were_issued(roster: Campaign, clock: FixedClock) -> None:
    last_year = clock.now() - timedelta(days=365)
    clock.set(last_year)
    old = fb.issue_batch(roster, "T001", 3, expires=(last_year + timedelta(days=400)).date())
    clock.set(last_year + timedelta(days=365))
    new = fb.issue_batch(roster, "T002", 3)
    folders = sorted(p.name for p in roster.store.dir.iterdir() if p.name.startswith("tokens"))
    assert folders == [f"tokens_{last_year.year}", f"tokens_{last_year.year + 1}"]
    assert roster.repos.tokens.years() == [str(last_year.year + 1), str(last_year.year)]
    for code in old.codes:
        doc = roster.store.read(token_partition(code, last_year.year))["tokens"]
        assert code in {d["code"] for d in doc.values()}
    # A slip from last year that has not expired is still answered; this year's as well; neither twice.
    fb.answer(roster, old.codes[0], "satisfied")
    fb.answer(roster, new.codes[0], "basically")
    assert roster.repos.tokens.get(old.codes[0]).used_at is not None  # type: ignore[union-attr]
    assert roster.repos.tokens.get(new.codes[0]).used_at is not None  # type: ignore[union-attr]
    assert roster.repos.tokens.get(old.codes[1]).used_at is None  # type: ignore[union-attr]
    assert {t.code for t in roster.repos.tokens.for_batch(old.batch.id)} == set(old.codes)


def test_a_year_folder_made_by_another_program_is_seen_at_once(roster: Campaign, clock: FixedClock) -> None:
    server = open_campaign(roster.store.root, actor="server", clock=clock)
    assert server.repos.tokens.get("K7QM2XHD9RTWP") is None  # lists the (no) year folders now
    issued = fb.issue_batch(roster, "T001", 2)  # the secretary's program makes this year's folder
    assert server.repos.tokens.get(issued.codes[0]) is not None
    fb.answer(server, issued.codes[1], "satisfied")


def test_codes_of_a_schema_3_store_move_to_their_years_files(data_dir: Path, roster: Campaign) -> None:
    issued = fb.issue_batch(roster, "T003", 4)
    fb.answer(roster, issued.codes[0], "satisfied")
    store = roster.store
    # Put the codes back where schema 3 kept them: every year's codes in tokens/<first 2 letters>.
    tokens = list(roster.repos.tokens.all())
    with store.transaction():
        for year in roster.repos.tokens.years():
            for p in store.partitions(f"tokens_{year}"):
                store.write(p, {})
        for t in tokens:
            tinydb_for(store, f"tokens/{t.code[:2]}").table("tokens").insert(
                FeedbackToken(t.code, t.batch, t.member, t.class_label, t.expires).to_doc()
            )
        tinydb_for(store, "meta").table("meta").update({"schema": 3}, doc_ids=[1])
    reopened = open_store(data_dir)
    assert schema.read_schema(reopened) == schema.CURRENT_SCHEMA
    assert all(reopened.read(p) == {} for p in reopened.partitions("tokens"))
    moved = Repositories(reopened).tokens
    assert sorted(t.code for t in moved.all()) == sorted(issued.codes)
    used = moved.get(issued.codes[0])
    assert used is not None and used.used_at is not None  # used stays used
    again = open_campaign(data_dir, actor="server", clock=roster.clock)
    fb.answer(again, issued.codes[1], "unsatisfied")
    assert sum(1 for _ in again.repos.feedback.between()) == 2
