"""Where pledges live: small files per year, ids that name their file, and a roster index that stays right."""

from __future__ import annotations

from campaign import pledges as pl
from campaign.context import Campaign, open_campaign
from campaign.roster import add_member
from storage.repositories import PLEDGE_BUCKETS, pledge_bucket, rating_partition

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
