"""A deterministic demo district: schools, about sixty members, past and upcoming study sessions with attendance,
pledges at every stage, and parent feedback. Used by ``chuangyou demo`` and by tests that want a lived-in store.

Every demo member's PIN is ``1234`` and the secretary passphrase is :data:`DEMO_PASSPHRASE`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.records import (
    Attendance,
    AttendanceStatus,
    Feedback,
    FeedbackOption,
    Member,
    Role,
    School,
    SignInMethod,
    StudySession,
)

from . import passphrase
from .context import Campaign
from .hashing import hash_pin
from .names import pinyin_keys
from .pledge_demo import demo_pledges

DEMO_PASSPHRASE = "chuangyou-demo"
DEMO_PIN = "1234"
SEED = 20261127
ROOM = "第十八中学 党员活动室"

SCHOOLS = ("第十八中学", "海滨小学", "实验小学", "城关中学")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = (
    "晓明",
    "红",
    "伟",
    "小梅",
    "秀英",
    "建国",
    "丽娟",
    "志强",
    "海燕",
    "俊杰",
    "婷",
    "磊",
    "静",
    "军",
    "敏",
    "玉兰",
    "春华",
    "国庆",
    "文博",
    "雪梅",
    "德明",
    "淑珍",
    "永刚",
    "桂英",
    "明辉",
    "晓燕",
    "宏伟",
    "丽华",
    "子涵",
    "思远",
)
TOPICS = (
    ("学习《中小学教师职业道德规范》", "带头遵规守纪"),
    ("科学发展观与教育改革", "带头学习提高"),
    ("家校沟通经验交流", "带头服务群众"),
    ("课堂教学质量提升研讨", "带头争创佳绩"),
    ("弘扬正气，树立师德标兵", "带头弘扬正气"),
)


@dataclass(frozen=True)
class DemoSummary:
    schools: int
    members: int
    sessions: int
    attendance: int
    pledges: int
    feedback: int


def is_empty(c: Campaign) -> bool:
    return not c.repos.members.all() and not c.repos.sessions.all()


def fill_demo(c: Campaign) -> DemoSummary:
    """Fill an empty campaign with the demo district (deterministic for a given day)."""
    rng = random.Random(SEED)
    now = c.now()
    tz = c.tz
    members = _members(rng)
    sessions = _sessions(now, tz)
    with c.store.transaction():
        for name in SCHOOLS:
            c.repos.schools.add(School(name))
        c.repos.members.add_many(members)
        stored = [c.repos.sessions.add(s) for s in sessions]
    attendance = _attendance(rng, members, [s for s in stored if s.closed_at is not None])
    with c.store.transaction():
        c.repos.attendance.put_many(attendance)
    pledges = demo_pledges(rng, members, now)
    with c.store.transaction():
        for p in pledges:
            c.repos.pledges.add(p)
    answers = _feedback(rng, members, now.date())
    with c.store.transaction():
        c.repos.feedback.add_many(answers)
    passphrase.set_passphrase(c, DEMO_PASSPHRASE)
    return DemoSummary(len(SCHOOLS), len(members), len(stored), len(attendance), len(pledges), len(answers))


def _members(rng: random.Random) -> list[Member]:
    pin = hash_pin(DEMO_PIN)  # one hash for all: the demo has one PIN
    out: list[Member] = []
    seen: set[str] = set()
    while len(out) < 60:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name in seen:
            continue
        seen.add(name)
        n = len(out) + 1
        full, initials = pinyin_keys(name)
        role = Role.SECRETARY if n == 1 else Role.COMMITTEE if n <= 4 else Role.MEMBER
        out.append(Member(f"D{n:03d}", name, SCHOOLS[n % len(SCHOOLS)], role, True, pin, full, initials))
    # Two names that exercise the kiosk search: the examples of the documentation.
    out[5] = Member("D006", "王晓明", out[5].school, Role.MEMBER, True, pin, *pinyin_keys("王晓明"))
    return out


def _sessions(now: datetime, tz: object) -> list[StudySession]:
    out: list[StudySession] = []
    today = now.replace(second=0, microsecond=0)
    for weeks_ago in range(8, 0, -1):
        start = (today - timedelta(weeks=weeks_ago)).replace(hour=15, minute=30)
        title, topic = TOPICS[weeks_ago % len(TOPICS)]
        out.append(
            StudySession(
                0,
                title,
                start,
                start + timedelta(hours=1, minutes=30),
                topic,
                ROOM,
                closed_at=start + timedelta(hours=2),
            )
        )
    # One session open right now, so the kiosk has something to sign in to.
    start = today - timedelta(minutes=5)
    out.append(
        StudySession(
            0,
            "集中学习：创先争优动员会",
            start,
            start + timedelta(hours=1, minutes=30),
            "五个好 五带头",
            "第十八中学 会议室",
        )
    )
    for weeks in (1, 2, 3):
        start = (today + timedelta(weeks=weeks)).replace(hour=15, minute=30)
        title, topic = TOPICS[(weeks + 2) % len(TOPICS)]
        out.append(StudySession(0, title, start, start + timedelta(hours=1, minutes=30), topic, ROOM))
    return out


def _attendance(rng: random.Random, members: list[Member], sessions: list[StudySession]) -> list[Attendance]:
    out: list[Attendance] = []
    for s in sessions:
        for m in members:
            roll = rng.random()
            if roll < 0.78:
                out.append(
                    Attendance(
                        s.id,
                        m.code,
                        AttendanceStatus.ON_TIME,
                        s.start - timedelta(minutes=rng.randint(0, 15)),
                        SignInMethod.KIOSK,
                    )
                )
            elif roll < 0.88:
                late = rng.randint(6, 25)
                out.append(
                    Attendance(
                        s.id,
                        m.code,
                        AttendanceStatus.LATE,
                        s.start + timedelta(minutes=late),
                        SignInMethod.KIOSK,
                        minutes_late=late,
                    )
                )
            elif roll < 0.95:
                out.append(
                    Attendance(
                        s.id,
                        m.code,
                        AttendanceStatus.EXCUSED,
                        s.start - timedelta(days=1),
                        SignInMethod.SECRETARY,
                        by="secretary",
                        reason="外出培训",
                    )
                )
            else:
                out.append(
                    Attendance(s.id, m.code, AttendanceStatus.ABSENT, s.end, SignInMethod.SECRETARY, by="secretary")
                )
    return out


def _feedback(rng: random.Random, members: list[Member], today: date) -> list[Feedback]:
    weights = (0.80, 0.13, 0.03, 0.04)
    options = list(FeedbackOption)
    out: list[Feedback] = []
    for _ in range(400):
        m = rng.choice(members)
        option = rng.choices(options, weights)[0]
        out.append(Feedback(m.code, m.school, option, today - timedelta(days=rng.randint(1, 90))))
    return out
