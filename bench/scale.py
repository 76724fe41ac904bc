"""Deterministic benchmark data at two scales, written through the store's repositories in large transactions.

* ``typical``: 200 members, 3 years: 120 study sessions, ~24k attendance, ~24k feedback, ~3k pledges.
* ``stress``: 2,000 members, 10 years: 400 study sessions, ~800k attendance, ~800k feedback, ~100k pledges.

Every kind of record is laid out in the store's partitions as the programs write it (a test compares the two):
parents' answers through their slips (batches, codes, used codes) in the group commits of the feedback server.

The last session of each scale starts at :data:`ANCHOR` ("today") and has no attendance yet, so a benchmark can
sign members in to it. Generated data is cached under ``bench/.data/<scale>/`` (gitignored) and reused while
:data:`VERSION` and :data:`SEED` are unchanged. The same data also exists, built on demand, as one stock TinyDB
``JSONStorage`` file and as an SQLite database, for the anchors of the benchmarks.

Run ``python -m bench.scale typical|stress [--force]`` to (re)generate one scale.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from campaign.names import pinyin_keys
from storage import Store, open_store, tinydb_for
from storage.pledge_repos import PLEDGE_BUCKETS, pledge_bucket, pledge_partition
from storage.records import (
    Attendance,
    AttendanceStatus,
    AuditEntry,
    Feedback,
    FeedbackBatch,
    FeedbackOption,
    FeedbackToken,
    Member,
    Pledge,
    PledgeCategory,
    PledgeGrade,
    PledgeState,
    Role,
    School,
    SignInMethod,
    StudySession,
)
from storage.repositories import Repositories

#: Bump when the generated data changes shape, so caches are rebuilt.
VERSION = 7
SEED = 20261127
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: "Today": the start of the last generated session, still open for sign-in.
ANCHOR = datetime(2026, 11, 27, 8, 0, tzinfo=SHANGHAI)
#: Every generated member's PIN.
PIN = "1234"
DATA_ROOT = Path(__file__).resolve().parent / ".data"

SCHOOLS = ("第十八中学", "实验小学", "海滨小学", "城关中学", "育才中学", "东风小学")
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_CHARS = (
    "晓明红伟梅秀英建国丽娟志强海燕俊杰婷磊静军敏玉兰春华庆文博雪德淑珍永刚桂辉宏子涵思远佳怡浩然欣雨"
    "宇轩梓萱若曦嘉懿泽楷语彤一诺铭瑶锦程书瑜雅琴立新振华卫东红霞秀兰凤霞成龙金凤少华建平宁丹彬琳"
)
TOPICS = (
    "学习《中小学教师职业道德规范》",
    "科学发展观与教育改革",
    "家校沟通经验交流",
    "课堂教学质量提升研讨",
    "弘扬正气，树立师德标兵",
    "党章学习：党员的义务和权利",
    "创先争优活动阶段总结",
)
PLEDGE_TEXTS = {
    PledgeCategory.STUDY: ("研读两本教育专著并撰写读书笔记", "读书笔记 2 篇"),
    PledgeCategory.ACHIEVEMENT: ("所教班级期末合格率提高五个百分点", "合格率 +5%"),
    PledgeCategory.SERVICE: ("每月家访不少于四户", "家访 4 户/月"),
    PledgeCategory.DISCIPLINE: ("不从事有偿家教，不收受家长礼品", "零违纪"),
    PledgeCategory.INTEGRITY: ("主动帮扶一名青年教师", "结对 1 名"),
}
COMMENTS = (
    "老师很负责，孩子进步很大。",
    "希望多和家长沟通。",
    "作业批改很认真。",
    "孩子很喜欢这位老师。",
    "家访很及时，谢谢老师！",
    "",
)


@dataclass(frozen=True)
class Scale:
    name: str
    members: int
    years: int
    sessions: int
    feedback: int
    pledges: int


SCALES = {
    "typical": Scale("typical", members=200, years=3, sessions=120, feedback=24_000, pledges=3_000),
    "stress": Scale("stress", members=2_000, years=10, sessions=400, feedback=800_000, pledges=100_000),
}


@dataclass(frozen=True)
class ScaleData:
    scale: Scale
    #: The cache directory of this scale.
    root: Path

    @property
    def data_dir(self) -> Path:
        """The chuangyou data directory (``store/`` inside)."""
        return self.root / "data"

    @property
    def today_session(self) -> int:
        """The id of the open session that has no attendance yet."""
        return self.scale.sessions

    def member_codes(self) -> list[str]:
        return [member_code(i) for i in range(self.scale.members)]


def member_code(i: int) -> str:
    return f"T{i + 1:04d}"


def _fixed_pin_hash(pin: str) -> str:
    """The PIN's scrypt hash with a fixed salt (deterministic data, and 2,000 hashes would take seconds)."""
    from campaign.hashing import PIN_COST

    salt = hashlib.sha256(b"chuangyou-bench").digest()[:16]
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=PIN_COST, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${PIN_COST}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _members(scale: Scale, rng: random.Random) -> list[Member]:
    pin_hash = _fixed_pin_hash(PIN)
    out = []
    for i in range(scale.members):
        given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
        name = rng.choice(SURNAMES) + given
        full, initials = pinyin_keys(name)
        role = Role.SECRETARY if i == 0 else (Role.COMMITTEE if i % 40 == 1 else Role.MEMBER)
        out.append(
            Member(
                code=member_code(i),
                name=name,
                school=SCHOOLS[rng.randrange(len(SCHOOLS))],
                role=role,
                active=rng.random() > 0.01,
                pin_hash=pin_hash,
                pinyin_full=full,
                pinyin_initials=initials,
            )
        )
    return out


def _sessions(scale: Scale, rng: random.Random) -> list[StudySession]:
    span = timedelta(days=365 * scale.years)
    step = span / (scale.sessions - 1)
    out = []
    for i in range(scale.sessions):
        day = (ANCHOR - span + step * i).date()
        hour = 8 if i == scale.sessions - 1 else rng.choice((8, 16))
        start = datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)
        end = start + timedelta(minutes=90)
        past = i < scale.sessions - 1
        out.append(
            StudySession(
                id=0,
                title=f"第{i + 1}次集中学习：{TOPICS[i % len(TOPICS)]}",
                start=start,
                end=end,
                topic=TOPICS[i % len(TOPICS)],
                place=f"{SCHOOLS[i % len(SCHOOLS)]} 党员活动室",
                forced="closed" if past else "open",
                closed_at=end + timedelta(minutes=30) if past else None,
            )
        )
    return out


def _attendance(session: StudySession, members: list[Member], rng: random.Random) -> Iterator[Attendance]:
    for m in members:
        roll = rng.random()
        if roll < 0.82:
            status, at, late = AttendanceStatus.ON_TIME, session.start - timedelta(minutes=rng.randrange(25)), 0
        elif roll < 0.90:
            late = rng.randrange(6, 40)
            status, at = AttendanceStatus.LATE, session.start + timedelta(minutes=late)
        elif roll < 0.96:
            yield Attendance(
                session.id,
                m.code,
                AttendanceStatus.EXCUSED,
                session.start - timedelta(days=1),
                SignInMethod.SECRETARY,
                by="secretary",
                reason="外出培训",
            )
            continue
        else:
            yield Attendance(
                session.id,
                m.code,
                AttendanceStatus.ABSENT,
                session.closed_at or session.end,
                SignInMethod.SECRETARY,
                by="secretary",
            )
            continue
        how = SignInMethod.SCAN if rng.random() < 0.3 else SignInMethod.KIOSK
        yield Attendance(session.id, m.code, status, at, how, minutes_late=late)


def _pledges(scale: Scale, year: int, count: int, members: list[Member], rng: random.Random) -> list[Pledge]:
    """A year's pledges with the history production writes (create, submit, publish, fulfil, evaluate): this
    year's are mostly published or fulfilled (a few waiting for review), earlier years' evaluated."""
    out = []
    current = year == ANCHOR.year
    for _ in range(count):
        m = members[rng.randrange(len(members))]
        category = rng.choice(list(PledgeCategory))
        text, target = PLEDGE_TEXTS[category]
        created = datetime(year, 1, 1, 9, tzinfo=SHANGHAI) + timedelta(minutes=rng.randrange(60 * 24 * 300))
        if created > ANCHOR:
            created = ANCHOR - timedelta(days=rng.randrange(1, 300))
        if current:
            state = rng.choices((PledgeState.SUBMITTED, PledgeState.PUBLISHED, PledgeState.FULFILLED), (2, 60, 38))[0]
        else:
            state = PledgeState.EVALUATED
        steps = [("create", PledgeState.DRAFT, m.code), ("submit", PledgeState.SUBMITTED, m.code)]
        if state is not PledgeState.SUBMITTED:
            steps.append(("publish", PledgeState.PUBLISHED, "secretary"))
            steps.append(("progress", PledgeState.PUBLISHED, m.code))
        if state in (PledgeState.FULFILLED, PledgeState.EVALUATED):
            steps.append(("fulfil", PledgeState.FULFILLED, m.code))
        if state is PledgeState.EVALUATED:
            steps.append(("evaluate", PledgeState.EVALUATED, "secretary"))
        history: list[dict[str, Any]] = []
        before: PledgeState | None = None
        for i, (action, after, by) in enumerate(steps):
            at = created + timedelta(days=3 * i)
            event = {
                "at": at.isoformat(),
                "by": by,
                "state": str(after),
                "note": "已完成阶段目标" if action in ("progress", "fulfil") else "",
                "action": action,
                "from_state": str(before) if before else None,
                "via": "kiosk" if by != "secretary" else "secretary",
            }
            # As campaign.pledges writes events: defaults left out.
            history.append({k: v for k, v in event.items() if v not in ("", None)})
            before = after
        grade = rng.choice(list(PledgeGrade)) if state is PledgeState.EVALUATED else None
        published = created + timedelta(days=6) if len(steps) > 2 else None
        out.append(
            Pledge(
                id="",
                member=m.code,
                category=category,
                text=text,
                target=target,
                due=(created + timedelta(days=120)).date(),
                state=state,
                created=created,
                progress=({"at": history[-1]["at"], "day": history[-1]["at"][:10], "note": "已完成阶段目标"},)
                if published
                else (),
                evidence="家访记录、照片" if state in (PledgeState.FULFILLED, PledgeState.EVALUATED) else "",
                grade=grade,
                history=tuple(history),
                published_at=published,
                updated=created + timedelta(days=3 * (len(steps) - 1)),
            )
        )
    return out


def _months(scale: Scale) -> list[date]:
    first = date(ANCHOR.year - scale.years, ANCHOR.month, 1)
    out = []
    y, m = first.year, first.month
    for _ in range(scale.years * 12):
        m += 1
        if m > 12:
            y, m = y + 1, 1
        out.append(date(y, m, 1))
    return out


#: Slips per printed batch, the share of slips that come back answered, and how many answers one group commit of
#: the feedback server holds: the answers of one month are stored the way the server stores them.
SLIPS_PER_BATCH = 40
ANSWERED = 0.9
GROUP_COMMIT = 8


@dataclass
class MonthOfFeedback:
    batches: list[FeedbackBatch]
    tokens: list[FeedbackToken]
    #: The used codes (in order of answering).
    used: list[FeedbackToken]
    #: The answers in the groups the server would commit them in.
    groups: list[list[Feedback]]


def _month_of_feedback(month: date, count: int, members: list[Member], rng: random.Random) -> MonthOfFeedback:
    """``count`` answers in ``month``: slips printed in batches of 40 per teacher, ~90 % answered, committed in
    groups as the feedback server commits them (each group in a bucket of its own choosing)."""
    from campaign.feedback import ALPHABET, CODE_LENGTH

    options = (FeedbackOption.SATISFIED, FeedbackOption.BASICALLY, FeedbackOption.UNSATISFIED, FeedbackOption.UNKNOWN)
    weights = (85, 10, 3, 2)
    last_day = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
    out = MonthOfFeedback([], [], [], [])
    answers: list[tuple[FeedbackToken, Feedback]] = []
    while len(answers) < count:
        m = members[rng.randrange(len(members))]
        issued = datetime(month.year, month.month, rng.randrange(1, last_day + 1), 9, tzinfo=SHANGHAI)
        batch_id = f"{issued:%Y%m%d}-{''.join(rng.choice(ALPHABET) for _ in range(4))}-{len(out.batches)}"
        expires = issued.date() + timedelta(days=30)
        batch = FeedbackBatch(batch_id, m.code, "初二(3)班", SLIPS_PER_BATCH, issued, expires, "secretary")
        out.batches.append(batch)
        for _ in range(SLIPS_PER_BATCH):
            code = "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))
            token = FeedbackToken(code, batch_id, m.code, batch.class_label, expires)
            out.tokens.append(token)
            if rng.random() < ANSWERED and len(answers) < count:
                day = min(issued.date().replace(day=rng.randrange(issued.day, last_day + 1)), ANCHOR.date())
                comment = rng.choice(COMMENTS) if rng.random() < 0.1 else ""
                answer = Feedback(m.code, m.school, rng.choices(options, weights)[0], day, comment)
                answers.append((token, answer))
    answers.sort(key=lambda a: a[1].day)
    out.used = [token for token, _ in answers]
    for i in range(0, len(answers), GROUP_COMMIT):
        out.groups.append([a for _, a in answers[i : i + GROUP_COMMIT]])
    return out


def generate(scale: Scale, data_dir: Path, *, log: Any = None) -> None:
    """Fill an empty data directory with the scale's data, through the repositories."""
    rng = random.Random(f"{SEED}-{scale.name}")  # reproducible test data
    store = open_store(data_dir)
    repos = Repositories(store)
    members = _members(scale, rng)
    with store.transaction():
        for school in SCHOOLS:
            repos.schools.add(School(school))
        repos.members.add_many(members)
    _log(log, "members", len(members))
    sessions = []
    with store.transaction():
        for s in _sessions(scale, rng):
            stored = repos.sessions.add(s)
            sessions.append(stored)
            at = stored.closed_at or stored.start
            repos.audit.append(AuditEntry(at, "secretary", "session.create", {"id": stored.id}))
    _log(log, "sessions", len(sessions))
    by_year: dict[int, list[StudySession]] = {}
    for s in sessions[:-1]:
        by_year.setdefault(s.start.year, []).append(s)
    total = 0
    for _year, group in sorted(by_year.items()):
        records = [a for s in group for a in _attendance(s, members, rng)]
        with store.transaction():
            repos.attendance.put_many(records)
        total += len(records)
    _log(log, "attendance", total)
    per_year = scale.pledges // scale.years
    years = list(range(ANCHOR.year - scale.years + 1, ANCHOR.year + 1))
    for year in years:
        pledges = _pledges(scale, year, per_year, members, rng)
        buckets: dict[int, list[Pledge]] = {}
        for pledge in pledges:
            buckets.setdefault(pledge_bucket(pledge.member), []).append(pledge)
        with store.transaction():
            # As Pledges.add files them (a file per year and member bucket, the id encoding file and document),
            # in bulk: ids 1..n in each empty file.
            for bucket, in_bucket in sorted(buckets.items()):
                docs = [p.to_doc() for p in in_bucket]
                for k, doc in enumerate(docs):
                    doc["id"] = f"{year}-{k * PLEDGE_BUCKETS + bucket + 1}"
                table = tinydb_for(store, pledge_partition(year, bucket)).table("pledges")
                if table.insert_multiple(docs) != list(range(1, len(docs) + 1)):
                    raise RuntimeError(f"{pledge_partition(year, bucket)} was not empty")
    _log(log, "pledges", per_year * len(years))
    months = _months(scale)
    per_month = scale.feedback // len(months)
    slips = 0
    for i in range(0, len(months), 12):
        months_of = [_month_of_feedback(month, per_month, members, rng) for month in months[i : i + 12]]
        with store.transaction():
            # As the server writes them: each batch and its codes when issued, each used code with its teacher's,
            # the answers in the group commits they arrived in (each group in a bucket it picks).
            repos.batches.add_many([b for m in months_of for b in m.batches])
            repos.tokens.add_many([t for m in months_of for t in m.tokens])
            for m in months_of:
                for token in m.used:
                    repos.tokens.mark_used(token)
                for answers in m.groups:
                    repos.feedback.add_many(answers)
        slips += sum(len(m.tokens) for m in months_of)
    _log(log, "feedback slips", slips)
    _log(log, "feedback", per_month * len(months))


def _log(log: Any, what: str, n: int) -> None:
    if log is not None:
        log(f"  {what}: {n}")


def _stamp(scale: Scale) -> str:
    from storage.schema import CURRENT_SCHEMA

    # The store's schema too: data stamped with an older one would be migrated (after a backup) in every run.
    return json.dumps({"version": VERSION, "seed": SEED, "scale": scale.name, "schema": CURRENT_SCHEMA})


def ensure(name: str, *, force: bool = False, log: Any = None) -> ScaleData:
    """The cached data of scale ``name``, generated first if missing or stale."""
    scale = SCALES[name]
    root = DATA_ROOT / name
    ready = root / "READY"
    if not force and ready.exists() and ready.read_text() == _stamp(scale):
        return ScaleData(scale, root)
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    work = DATA_ROOT / f".{name}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    started = time.perf_counter()
    if log:
        log(f"generating {name} data in {root} ...")
    generate(scale, work / "data", log=log)
    (work / "READY").write_text(_stamp(scale))
    shutil.rmtree(root, ignore_errors=True)
    os.replace(work, root)
    if log:
        log(f"  done in {time.perf_counter() - started:.1f} s")
    return ScaleData(scale, root)


def link_copy(data: ScaleData, dest: Path) -> Path:
    """A private data directory for one benchmark run, sharing the cached files by hard link.

    Safe because the store never writes a file in place: a commit renames a new file over the old name, so the
    cached inode is never modified.
    """
    src_store = data.data_dir / "store"
    for dirpath, _dirs, names in os.walk(src_store):
        rel = Path(dirpath).relative_to(data.data_dir)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for n in names:
            os.link(Path(dirpath) / n, dest / rel / n)
    return dest


def all_tables(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    """Every table of the store merged into one TinyDB layout (``{table: {doc_id: doc}}``), ids renumbered."""
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    for partition in store.all_partitions():
        for table, docs in store.read(partition).items():
            target = merged.setdefault(table, {})
            for doc in docs.values():
                target[str(len(target) + 1)] = doc
    return merged


def tinydb_file(data: ScaleData) -> Path:
    """The same data as one stock TinyDB ``JSONStorage`` file (built once, then cached)."""
    path = data.root / "tinydb.json"
    if not path.exists():
        from tinydb import TinyDB

        store = Store(data.data_dir)
        work = path.with_suffix(".part")
        db = TinyDB(work)  # the default JSONStorage
        db.storage.write(all_tables(store))
        db.close()
        os.replace(work, path)
    return path


SQL_SCHEMA = """
CREATE TABLE members (code TEXT PRIMARY KEY, name TEXT, school TEXT, doc TEXT);
CREATE TABLE sessions (id INTEGER PRIMARY KEY, doc TEXT);
CREATE TABLE attendance (session_id INTEGER, member TEXT, status TEXT, at TEXT, doc TEXT,
                         PRIMARY KEY (session_id, member));
CREATE TABLE feedback (id INTEGER PRIMARY KEY, member TEXT, day TEXT, doc TEXT);
CREATE TABLE pledges (id TEXT PRIMARY KEY, member TEXT, doc TEXT);
CREATE TABLE other (tbl TEXT, doc TEXT);
"""


def sqlite_file(data: ScaleData) -> Path:
    """The same data in SQLite (one row per record, the record's JSON beside its keys; built once, cached)."""
    path = data.root / "sqlite.db"
    if not path.exists():
        store = Store(data.data_dir)
        tables = all_tables(store)
        work = path.with_suffix(".part")
        work.unlink(missing_ok=True)
        con = sqlite3.connect(work)
        con.executescript(SQL_SCHEMA)

        def dumps(d: dict[str, Any]) -> str:
            return json.dumps(d, ensure_ascii=False)

        with con:
            con.executemany(
                "INSERT INTO members VALUES (?,?,?,?)",
                ((d["code"], d["name"], d["school"], dumps(d)) for d in tables.pop("members").values()),
            )
            con.executemany(
                "INSERT INTO sessions VALUES (?,?)", ((d["id"], dumps(d)) for d in tables.pop("sessions").values())
            )
            con.executemany(
                "INSERT INTO attendance VALUES (?,?,?,?,?)",
                (
                    (d["session_id"], d["member"], d["status"], d["at"], dumps(d))
                    for d in tables.pop("attendance").values()
                ),
            )
            con.executemany(
                "INSERT INTO feedback (member, day, doc) VALUES (?,?,?)",
                ((d["member"], d["day"], dumps(d)) for d in tables.pop("feedback").values()),
            )
            con.executemany(
                "INSERT INTO pledges VALUES (?,?,?)",
                ((d["id"], d["member"], dumps(d)) for d in tables.pop("pledges").values()),
            )
            for name, docs in tables.items():
                con.executemany("INSERT INTO other VALUES (?,?)", ((name, dumps(d)) for d in docs.values()))
        con.close()
        os.replace(work, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description="Generate benchmark data.")
    parser.add_argument("scale", choices=sorted(SCALES))
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args(argv)
    data = ensure(args.scale, force=args.force, log=print)
    print(f"{args.scale}: {data.data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
