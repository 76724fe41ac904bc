"""From the data directory at rest, nobody can tell which slip of a batch gave which answer.

A teacher's batches are answered one slip at a time, in a random order (each answer its own commit, as at the
kiosk), each answer with a comment the test can recognise. Then the files are read the way an attacker with a
copy of the data directory would, and the linkages the issue names are tried:

* the order of the used codes in ``used/<batch>`` against the order the slips were answered in;
* the order of the answers' ids in their bucket file against the order they were given in;
* equal or nearest modification times of a batch's used codes and an answers' bucket (written in one commit),
  linking the last code of the batch to the last answer of that bucket.

Each attack must do no better than chance. Today's main stored both files in the order of use and gave them the
commit's nanosecond mtime: every one of these attacks succeeded every time.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from campaign import feedback as fb
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.roster import add_member, add_school

BATCHES = 8
SLIPS = 15


@dataclass
class Answered:
    #: code -> the comment given with it; code -> its position in the order of answering.
    comment_of: dict[str, str]
    rank_of: dict[str, int]
    batch_of: dict[str, str]


def answer_in_random_order(c: Campaign, clock: FixedClock, rng: random.Random) -> Answered:
    codes: list[tuple[str, str]] = []
    for _ in range(BATCHES):
        issued = fb.issue_batch(c, "T001", SLIPS)
        codes += [(code, issued.batch.id) for code in issued.codes]
    rng.shuffle(codes)
    out = Answered({}, {}, {})
    for rank, (code, batch) in enumerate(codes):
        comment = f"answer-{rng.getrandbits(48):012x}"
        clock.advance(seconds=37)
        fb.answer(c, code, rng.choice(["satisfied", "basically", "unsatisfied", "unknown"]), comment)
        out.comment_of[code], out.rank_of[code], out.batch_of[code] = comment, rank, batch
    return out


def table(path: Path, name: str) -> list[tuple[int, dict[str, object]]]:
    docs = json.loads(path.read_bytes())[name]
    return sorted(((int(k), d) for k, d in docs.items()), key=lambda kv: kv[0])


def concordance(pairs: list[tuple[int, int]]) -> float:
    """The share of pairs whose two orders agree (0.5 is chance, 1.0 one order gives the other)."""
    agree = total = 0
    for (a1, b1), (a2, b2) in combinations(pairs, 2):
        total += 1
        agree += (a1 < a2) == (b1 < b2)
    return agree / total


def test_no_order_id_or_mtime_links_a_slip_to_its_answer(campaign: Campaign, clock: FixedClock) -> None:
    c = campaign
    add_school(c, "第十八中学")
    add_member(c, "T001", "王晓明", "第十八中学")
    truth = answer_in_random_order(c, clock, random.Random(20261127))
    code_of_comment = {comment: code for code, comment in truth.comment_of.items()}
    store = c.store.dir

    # 1. The order of the used codes against the order of answering, batch by batch. A batch is a class: its used
    #    codes share a file with the teacher's other classes, so which file changed does not name the class.
    used_files = sorted((store / "used").glob("*.json"))
    assert len(used_files) == 1, used_files
    position: dict[str, int] = {}
    for path in used_files:
        for i, (_id, doc) in enumerate(table(path, "used")):
            position[str(doc["code"])] = i
            assert set(doc) == {"code"}  # no time of use at all
    batches = sorted(set(truth.batch_of.values()))
    within_batch = [
        concordance([(position[k], truth.rank_of[k]) for k, b in truth.batch_of.items() if b == batch])
        for batch in batches
    ]
    used_order_score = sum(within_batch) / len(batches)
    print(f"used-code order vs answering order: concordance {used_order_score:.2f} (chance 0.50)")
    assert used_order_score < 0.7

    # 2. The answers' ids (and positions) in their bucket against the order of answering.
    buckets = sorted((store / "feedback").glob("*.json"))
    id_scores: list[float] = []
    last_answer_of_bucket: dict[Path, str] = {}
    for path in buckets:
        rows = table(path, "feedback")
        ranks = [(doc_id, truth.rank_of[code_of_comment[str(doc["comment"])]]) for doc_id, doc in rows]
        if len(ranks) >= 2:
            id_scores.append(concordance(ranks))
        last_answer_of_bucket[path] = code_of_comment[str(rows[-1][1]["comment"])]
    id_score = sum(id_scores) / len(id_scores)
    print(f"answer ids vs answering order: concordance {id_score:.2f} over {len(id_scores)} buckets (chance 0.50)")
    assert id_score < 0.7

    # 3. Modification times: the bucket written in the same commit as a batch's used codes has the same (or the
    #    nearest, a few microseconds away) mtime; then the batch's last used code gave that bucket's last answer.
    #    The attacker guesses only when one bucket is clearly nearest (closer than any other by 1 ms or more).
    guesses = hits = 0
    for path in used_files:
        mtime = os.stat(path).st_mtime_ns
        by_distance = sorted(buckets, key=lambda b: abs(os.stat(b).st_mtime_ns - mtime))
        gaps = [abs(os.stat(b).st_mtime_ns - mtime) for b in by_distance[:2]]
        if len(gaps) == 2 and gaps[1] - gaps[0] < 1_000_000:
            continue
        guesses += 1
        last_code = str(table(path, "used")[-1][1]["code"])
        hits += last_answer_of_bucket[by_distance[0]] == last_code
    print(f"nearest-mtime linkage: {hits} right of {guesses} confident guesses (chance about 1 in {SLIPS})")
    assert guesses == 0 or hits / guesses <= 0.5
    # Nothing finer than a day is left in these files' times.
    for path in [*used_files, *buckets]:
        assert os.stat(path).st_mtime_ns % (86_400 * 10**9) == 0, path


def test_files_written_in_the_order_of_use_are_sorted_at_the_next_answer(campaign: Campaign) -> None:
    c = campaign
    add_school(c, "第十八中学")
    add_member(c, "T001", "王晓明", "第十八中学")
    codes = list(fb.issue_batch(c, "T001", 6).codes)
    token = c.repos.tokens.get(codes[0])
    assert token is not None
    # What main left: a file per batch, used codes in the order they were used.
    legacy = f"used/{token.batch}"
    in_use_order = sorted(codes[:4], reverse=True)
    docs = {str(i): {"code": k, "used_at": "2026-11-27T00:00:00+08:00"} for i, k in enumerate(in_use_order, 1)}
    with c.store.transaction():
        c.store.write(legacy, {"used": docs})
    before = c.repos.tokens.get(codes[0])
    assert before is not None and before.used_at is not None  # the old file is still read
    fb.answer(c, codes[5], "satisfied")
    assert json.loads(c.store.path(legacy).read_bytes()) == {"used": {}}
    (path,) = [p for p in (c.store.dir / "used").glob("*.json") if p.name != f"{token.batch}.json"]
    stored = [d["code"] for d in json.loads(path.read_bytes())["used"].values()]
    assert stored == sorted([*codes[:4], codes[5]])
    assert [t.used_at is not None for t in sorted(c.repos.tokens.for_batch(token.batch), key=lambda t: t.code)] == [
        k in stored for k in sorted(codes)
    ]
