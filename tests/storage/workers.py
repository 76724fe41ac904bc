"""Code that runs in other OS processes during the store's tests (spawned: nothing is inherited but arguments).

Every writer appends one acknowledgement line to its own file *after* each transaction has committed, with
``os.write`` on an ``O_APPEND`` descriptor (no buffering), so after a ``kill -9`` the file lists exactly the
writes the killed process had been told were durable (plus possibly none of the one in flight).
"""

from __future__ import annotations

import os
import random
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The fixed time of every worker: during the torture session's window.
NOW = datetime(2026, 11, 27, 8, 1, tzinfo=SHANGHAI)
SCHOOL = "第十八中学"


class Acks:
    """One line per acknowledged write, appended unbuffered."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def ack(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode("utf-8"))


def read_acks(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    # A line cut by a kill (no newline yet) was never acknowledged.
    return [line for line in text.split("\n")[:-1] if line]


def torture_plan(
    worker: int, distinct: list[str], colliding: list[str], members: int, pledges: int, audits: int
) -> list[str]:
    """The shuffled list of writes one torture worker makes. A sign-in is ``signin:<session>/<member>``: the
    ``distinct`` ones only this worker makes, the ``colliding`` ones every worker makes."""
    ops = [f"signin:{key}" for key in distinct + colliding]
    ops += [f"member:N{worker}-{i:04d}" for i in range(members)]
    ops += [f"pledge:w{worker}-{i:04d}" for i in range(pledges)]
    ops += [f"audit:w{worker}-{i:04d}" for i in range(audits)]
    random.Random(worker).shuffle(ops)
    return ops


def torture_worker(data_dir: str, worker: int, ops: list[str], ack_path: str, go: object) -> None:
    """Run ``ops`` through the campaign services (the ones the CLI calls); ack each committed write."""
    from datetime import date

    from campaign.clock import FixedClock
    from campaign.context import open_campaign
    from campaign.errors import Refused
    from campaign.roster import add_member
    from campaign.signin import sign_in
    from storage.records import Pledge, PledgeCategory, PledgeState, SignInMethod

    c = open_campaign(Path(data_dir), actor=f"worker{worker}", clock=FixedClock(NOW))
    acks = Acks(Path(ack_path))
    go.wait()  # type: ignore[attr-defined]  # a multiprocessing Event: start together
    for op in ops:
        kind, _, key = op.partition(":")
        if kind == "signin":
            session_id, _, code = key.partition("/")
            try:
                sign_in(c, int(session_id), code, None, how=SignInMethod.SCRIPT)
                acks.ack(f"signin:{key}")
            except Refused as exc:
                if exc.key != "signin.already":
                    raise
                acks.ack(f"already:{key}")
        elif kind == "member":
            add_member(c, key, "王晓明", SCHOOL)
            acks.ack(op)
        elif kind == "pledge":
            with c.store.transaction():
                stored = c.repos.pledges.add(
                    Pledge(
                        id="",
                        member=f"D{worker}-00",
                        category=PledgeCategory.SERVICE,
                        text=key,
                        target="家访 4 户/月",
                        due=date(2026, 12, 31),
                        state=PledgeState.DRAFT,
                        created=c.now(),
                    )
                )
            acks.ack(f"pledge:{key}={stored.id}")
        elif kind == "audit":
            with c.store.transaction():
                c.audit("torture.note", note=key)
            acks.ack(op)
        else:
            raise ValueError(op)


def crash_writer(data_dir: str, ack_path: str, run: int) -> None:
    """Write forever (until killed): audit notes (one file), members with their audit entry (two files, through
    the journal), and sign-ins of those members (attendance bucket). Ack each write after its commit."""
    from campaign.clock import FixedClock
    from campaign.context import open_campaign
    from campaign.signin import sign_in
    from storage.records import Member, SignInMethod

    c = open_campaign(Path(data_dir), actor="crash", clock=FixedClock(NOW))
    acks = Acks(Path(ack_path))
    print("ready", flush=True)  # the test starts its random countdown to kill -9 here
    session_id = 1
    i = 0
    while True:
        key = f"r{run}-{i:05d}"
        if i % 3 == 0:
            with c.store.transaction():
                c.audit("crash.note", note=key)
            acks.ack(f"audit:{key}")
        elif i % 3 == 1:
            # The member and its audit entry: two files in one commit, through the journal. (Not add_member:
            # its pinyin dictionary takes longer to load than the kill's random delay.)
            with c.store.transaction():
                c.repos.members.add(Member(code=key, name="李红", school=SCHOOL))
                c.audit("member.add", code=key)
            acks.ack(f"member:{key}")
        else:
            sign_in(c, session_id, f"r{run}-{i - 1:05d}", None, how=SignInMethod.SCRIPT)
            acks.ack(f"signin:r{run}-{i - 1:05d}")
        i += 1


def main() -> None:
    """``python -m tests.storage.workers crash DATA_DIR ACKS RUN``: the crash test's writer as a plain process."""
    if sys.argv[1] == "crash":
        crash_writer(sys.argv[2], sys.argv[3], int(sys.argv[4]))


if __name__ == "__main__":
    main()
