"""Where pledges live: small files per year, ids that name their file, and a roster index that stays right."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from campaign import pledges as pl
from campaign.context import Campaign, open_campaign
from campaign.roster import add_member
from storage.pledge_repos import PLEDGE_BUCKETS, pledge_bucket, rating_partition
from storage.records import Pledge, PledgeCategory, PledgeState
from storage.repositories import Repositories

from ..conftest import SHANGHAI
from .conftest import DUE


def test_a_members_pledges_share_one_small_file_and_ids_find_it(roster: Campaign) -> None:
    me = pl.as_member("T001")
    ids = [pl.create_pledge(roster, me, "T001", "study", f"读书 {n}", "1 本", DUE).id for n in range(3)]
    bucket = pledge_bucket("T001")
    assert [int(i.split("-")[1]) % PLEDGE_BUCKETS for i in ids] == [(bucket + 1) % PLEDGE_BUCKETS] * 3
    files = sorted(p.relative_to(roster.store.dir).as_posix() for p in roster.store.dir.glob("pledges_*/*.json"))
    assert files == [f"pledges_2026/{bucket:02x}.json"]
    assert [pl.get_pledge(roster, i).text for i in ids] == ["读书 0", "读书 1", "读书 2"]
    assert rating_partition(ids[0]) == f"pledge_ratings/2026-{bucket:02x}"
    assert roster.repos.pledges.get("2026-0") is None and roster.repos.pledges.get("abc") is None


def test_the_roster_index_inside_a_transaction_sees_other_processes(roster: Campaign) -> None:
    other = open_campaign(roster.store.root, actor="secretary", clock=roster.clock)
    assert roster.repos.members.get("T009") is None  # the index is built from this snapshot
    add_member(other, "T009", "新党员", "第十八中学")
    with roster.store.transaction():
        assert roster.repos.members.get("T009") is not None
    p = pl.create_pledge(roster, pl.as_member("T009"), "T009", "study", "读书", "1 本", DUE)
    assert p.member == "T009"


def test_pledges_of_a_schema_1_store_move_to_the_new_files(data_dir: Path) -> None:
    from storage import open_store, schema
    from storage.schema import read_schema
    from storage.tinystore import tinydb_for

    store = open_store(data_dir)
    with store.transaction():
        tinydb_for(store, "meta").table("meta").update({"schema": 1}, doc_ids=[1])
        legacy = Pledge(
            id="2026-1",
            member="T001",
            category=PledgeCategory.STUDY,
            text="读书 2 本",
            target="笔记 2 篇",
            due=DUE,
            state=PledgeState.PUBLISHED,
            created=datetime(2026, 3, 1, 9, tzinfo=SHANGHAI),
        )
        tinydb_for(store, "pledges/2026").table("pledges").insert(legacy.to_doc())
    store = open_store(data_dir)
    assert read_schema(store) == schema.CURRENT_SCHEMA
    (moved,) = Repositories(store).pledges.all()
    assert (moved.member, moved.text, moved.state) == ("T001", "读书 2 本", PledgeState.PUBLISHED)
    assert Repositories(store).pledges.get(moved.id) == moved
    assert store.read("pledges/2026") == {}
