"""The demo district's pledges: every state of the cycle, with the history production would have written."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from storage.records import Member, Pledge, PledgeCategory, PledgeGrade, PledgeState

from .pledge_rules import Action

S = PledgeState
TEXTS = {
    PledgeCategory.STUDY: ("本学期研读两本教育专著并撰写读书笔记", "读书笔记 2 篇"),
    PledgeCategory.ACHIEVEMENT: ("所带班级期末平均分提高 5 分", "平均分 +5"),
    PledgeCategory.SERVICE: ("每月家访不少于 3 户学生", "家访 15 户"),
    PledgeCategory.DISCIPLINE: ("全年无迟到早退，按时参加组织生活", "出勤 100%"),
    PledgeCategory.INTEGRITY: ("拒收家长礼品礼金，带头抵制有偿家教", "零投诉"),
}
#: The steps (action, state after, by the secretary?) that bring a pledge to each state.
PATHS: dict[PledgeState, list[tuple[Action, PledgeState, bool]]] = {
    S.DRAFT: [(Action.CREATE, S.DRAFT, False)],
    S.SUBMITTED: [(Action.CREATE, S.DRAFT, False), (Action.SUBMIT, S.SUBMITTED, False)],
    S.RETURNED: [
        (Action.CREATE, S.DRAFT, False),
        (Action.SUBMIT, S.SUBMITTED, False),
        (Action.RETURN, S.RETURNED, True),
    ],
}
PATHS[S.PUBLISHED] = [*PATHS[S.SUBMITTED], (Action.PUBLISH, S.PUBLISHED, True), (Action.PROGRESS, S.PUBLISHED, False)]
PATHS[S.FULFILLED] = [*PATHS[S.PUBLISHED], (Action.FULFIL, S.FULFILLED, False)]
PATHS[S.EVALUATED] = [
    *PATHS[S.FULFILLED],
    (Action.SELF_ASSESS, S.FULFILLED, False),
    (Action.EVALUATE, S.EVALUATED, True),
]
PATHS[S.UNKEPT] = [*PATHS[S.PUBLISHED], (Action.UNKEPT, S.UNKEPT, True)]
PATHS[S.WITHDRAWN] = [*PATHS[S.SUBMITTED], (Action.WITHDRAW, S.WITHDRAWN, False)]
NOTES = {
    Action.RETURN: "请写明具体数量和完成时间",
    Action.PROGRESS: "已完成一半",
    Action.FULFIL: "记录本和照片已交支部",
    Action.UNKEPT: "长期病假，无法完成",
    Action.WITHDRAW: "工作调整，改为其他承诺",
    Action.EVALUATE: "按时完成，效果好",
}
REASONS = {S.UNKEPT: NOTES[Action.UNKEPT], S.WITHDRAWN: NOTES[Action.WITHDRAW]}
STATES = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.PUBLISHED, S.FULFILLED, S.EVALUATED, S.EVALUATED)


def demo_pledges(rng: random.Random, members: list[Member], now: datetime) -> list[Pledge]:
    """Two pledges per member in random states (a few unkept or withdrawn), ids assigned when stored."""
    out: list[Pledge] = []
    for i, m in enumerate(members):
        for k, category in enumerate(rng.sample(list(PledgeCategory), k=2)):
            state = S.UNKEPT if (i, k) == (3, 0) else S.WITHDRAWN if (i, k) == (5, 1) else rng.choice(STATES)
            out.append(_pledge(rng, m, category, state, now))
    return out


def _pledge(rng: random.Random, m: Member, category: PledgeCategory, state: PledgeState, now: datetime) -> Pledge:
    text, target = TEXTS[category]
    created = now - timedelta(days=rng.randint(20, 80))
    if state is S.PUBLISHED and rng.random() < 0.3:
        created = now - timedelta(days=rng.randint(6, 8))  # published 2-4 days ago: still in its 公示 period
    history: list[dict[str, Any]] = []
    before: PledgeState | None = None
    published = None
    for n, (action, after, secretary) in enumerate(PATHS[state]):
        at = created + timedelta(days=2 * n)
        if action is Action.PUBLISH:
            published = at
        history.append(
            {
                "at": at.isoformat(),
                "by": "secretary" if secretary else m.code,
                "state": str(after),
                "note": NOTES.get(action, ""),
                "action": str(action),
                "from_state": str(before) if before else None,
                "changes": {},
                "via": "secretary" if secretary else "kiosk",
            }
        )
        before = after
    if state in (S.EVALUATED, S.UNKEPT):
        due = (now - timedelta(days=rng.randint(1, 15))).date()
    elif state is S.PUBLISHED and rng.random() < 0.3:
        due = (now + timedelta(days=rng.randint(0, 7))).date()  # due soon: the sign-in result mentions it
    else:
        due = (now + timedelta(days=rng.randint(30, 150))).date()
    done = state in (S.FULFILLED, S.EVALUATED)
    grade = rng.choice(list(PledgeGrade)) if state is S.EVALUATED else None
    return Pledge(
        id="",
        member=m.code,
        category=category,
        text=text,
        target=target,
        due=due,
        state=state,
        created=created,
        progress=tuple(
            {"at": h["at"], "day": h["at"][:10], "note": h["note"]} for h in history if h["action"] == "progress"
        ),
        evidence=NOTES[Action.FULFIL] if done else "",
        grade=grade,
        grade_comment=NOTES[Action.EVALUATE] if grade else "",
        history=tuple(history),
        self_grade=PledgeGrade.GOOD if state is S.EVALUATED else None,
        reason=NOTES.get(Action.UNKEPT if state is S.UNKEPT else Action.WITHDRAW, "")
        if state in (S.UNKEPT, S.WITHDRAWN)
        else "",
        published_at=published,
        updated=created + timedelta(days=2 * (len(history) - 1)),
    )
