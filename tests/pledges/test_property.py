"""Random sequences of pledge steps by several members and the secretary, with the invariants checked after each.

The model predicts, from the state machine's rules alone, whether each step must be accepted or refused; then:
a refused step changes no file; an accepted one adds exactly one history event (one audit entry when the
secretary took it); states are always legal; an evaluated pledge changes only by a correction; a member rates a
pledge at most once and never their own.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from campaign import pledges as pl
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from campaign.pledge_ratings import close_window, current_window, open_window, rate_pledge
from campaign.pledge_rules import RULES, Action, Who
from campaign.roster import add_member, add_school
from storage.records import PledgeState

from ..conftest import SHANGHAI
from .conftest import store_files

MEMBERS = ("T001", "T002", "T003")
ACTORS = (*MEMBERS, "secretary")
#: Blank texts first: ``TEXTS[2:]`` are the ones a step that needs a text accepts.
TEXTS = ("", "  ", "按时完成", "[bold]x[/] <script>alert(1)</script>")
GRADES = ("excellent", "good", "pass", "fail")
STEPS = [a for a in Action if a is not Action.CREATE]
#: Steps along the cycle (most legal steps taken go forward, so runs reach evaluation and correction).
FORWARD = frozenset(
    {Action.SUBMIT, Action.PUBLISH, Action.PROGRESS, Action.FULFIL, Action.SELF_ASSESS, Action.EVALUATE, Action.CORRECT}
)
SECRETARY_STEPS = frozenset(a for a, r in RULES.items() if r.who is Who.SECRETARY)
DUE = date(2027, 1, 15)


class PledgeMachine(RuleBasedStateMachine):
    pledges = Bundle("pledges")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="pledge-machine-"))
        clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
        self.c: Campaign = open_campaign(self.dir / "data", actor="secretary", clock=clock)
        #: The model: each pledge's expected state and owner, who rated what.
        self.state: dict[str, PledgeState] = {}
        self.owner: dict[str, str] = {}
        self.rated: set[tuple[str, str]] = set()
        self.window = False
        self.frozen: dict[str, dict[str, Any]] = {}

    @initialize()
    def roster(self) -> None:
        add_school(self.c, "第十八中学")
        for code in MEMBERS:
            add_member(self.c, code, f"党员{code}", "第十八中学")

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    # ------------------------------------------------------------------------------------------- helpers
    def _actor(self, name: str) -> pl.Actor:
        return pl.SECRETARY if name == "secretary" else pl.as_member(name)

    def _audit_count(self) -> int:
        return len(self.c.repos.audit.recent(limit=100_000))

    def _history(self, pledge_id: str) -> int:
        return len(pl.get_pledge(self.c, pledge_id).history)

    def _attempt(self, expect: bool, pledge_id: str | None, by_secretary: bool, call: Any) -> Any:
        before_files = store_files(self.c)
        before_history = self._history(pledge_id) if pledge_id else 0
        before_audit = self._audit_count()
        try:
            result = call()
        except Refused as exc:
            assert not expect, f"refused but legal: {exc.key} {exc.message()}"
            _event("refused")
            assert exc.message().strip()
            assert store_files(self.c) == before_files, "a refusal changed the store"
            return None
        assert expect, "accepted but illegal"
        _event("accepted")
        if pledge_id:
            assert self._history(pledge_id) == before_history + 1
        assert self._audit_count() == before_audit + (1 if by_secretary else 0)
        return result

    # --------------------------------------------------------------------------------------------- rules
    @rule(target=pledges, owner=st.sampled_from(MEMBERS), by_secretary=st.booleans())
    def create(self, owner: str, by_secretary: bool) -> str:
        actor = self._actor("secretary" if by_secretary else owner)
        p = self._attempt(
            True, None, by_secretary, lambda: pl.create_pledge(self.c, actor, owner, "service", "每月家访", "4 户", DUE)
        )
        assert len(p.history) == 1 and p.state is PledgeState.DRAFT
        self.state[p.id], self.owner[p.id] = PledgeState.DRAFT, owner
        return str(p.id)

    @rule(actor=st.sampled_from(MEMBERS), owner=st.sampled_from(MEMBERS), target_text=st.sampled_from(TEXTS))
    def create_maybe_refused(self, actor: str, owner: str, target_text: str) -> None:
        expect = actor == owner and bool(target_text.strip())
        p = self._attempt(
            expect,
            None,
            False,
            lambda: pl.create_pledge(self.c, self._actor(actor), owner, "study", "读书", target_text, DUE),
        )
        if p is not None:
            self.state[p.id], self.owner[p.id] = PledgeState.DRAFT, owner

    @rule(
        pledge_id=pledges,
        picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
        text=st.sampled_from(TEXTS[2:]),
        grade=st.sampled_from(GRADES),
    )
    def legal_steps(self, pledge_id: str, picks: list[int], text: str, grade: str) -> None:
        """Steps the model says are legal, so that runs reach published, fulfilled and evaluated pledges."""
        for pick in picks:
            options = [(a, who) for a in STEPS for who in ACTORS if self._legal(pledge_id, who, a, text)]
            forward = [(a, who) for a, who in options if a in FORWARD]
            if forward and pick % 10 < 8:
                options = forward
            if options:
                action, actor = options[pick % len(options)]
                self.step(pledge_id, actor, action, text, grade)
            if self.state[pledge_id] is PledgeState.FULFILLED and (pick // 7) % 2 == 0:
                if not self.window:
                    self.toggle_window()
                self.rate(pledge_id, MEMBERS[pick % len(MEMBERS)], grade)  # sometimes their own, or again: refused

    @rule(
        pledge_id=pledges,
        actor=st.sampled_from(ACTORS),
        action=st.sampled_from(STEPS),
        text=st.sampled_from(TEXTS),
        grade=st.sampled_from(GRADES),
    )
    def step(self, pledge_id: str, actor: str, action: Action, text: str, grade: str) -> None:
        by_secretary = actor == "secretary"
        expect = self._legal(pledge_id, actor, action, text)
        call = self._call(pledge_id, actor, action, text, grade)
        if action in SECRETARY_STEPS and not by_secretary:
            # Secretary-only functions take no actor: a member reaches them only from the kiosk (or the web).
            self.c.actor = "kiosk"
            try:
                self._attempt(False, pledge_id, False, call)
            finally:
                self.c.actor = "secretary"
            return
        p = self._attempt(expect, pledge_id, by_secretary, call)
        if p is None:
            return
        target = RULES[action].target
        if target is not None:
            self.state[pledge_id] = target
        assert p.state is self.state[pledge_id]
        if action is Action.EVALUATE or (action is Action.CORRECT and pledge_id in self.frozen):
            self.frozen[pledge_id] = p.to_doc()

    @rule(actor=st.sampled_from(ACTORS), action=st.sampled_from(STEPS), text=st.sampled_from(TEXTS))
    def step_on_unknown(self, actor: str, action: Action, text: str) -> None:
        self._attempt(False, None, actor == "secretary", self._call("2026-999999", actor, action, text, "good"))

    def _call(self, pledge_id: str, actor: str, action: Action, text: str, grade: str) -> Any:
        by = self._actor(actor)
        calls: dict[Action, Any] = {
            Action.EDIT: lambda: pl.edit_pledge(self.c, by, pledge_id, target=text.strip() or None),
            Action.SUBMIT: lambda: pl.submit_pledge(self.c, by, pledge_id),
            Action.PUBLISH: lambda: pl.publish_pledge(self.c, pledge_id, text),
            Action.RETURN: lambda: pl.return_pledge(self.c, pledge_id, text),
            Action.PROGRESS: lambda: pl.add_progress(self.c, by, pledge_id, text),
            Action.FULFIL: lambda: pl.fulfil_pledge(self.c, by, pledge_id, text),
            Action.SELF_ASSESS: lambda: pl.self_assess(self.c, by, pledge_id, grade, text),
            Action.EVALUATE: lambda: pl.evaluate_pledge(self.c, pledge_id, grade, text),
            Action.UNKEPT: lambda: pl.close_unkept(self.c, pledge_id, text),
            Action.WITHDRAW: lambda: pl.withdraw_pledge(self.c, by, pledge_id, text),
            Action.CORRECT: lambda: pl.correct_pledge(self.c, pledge_id, text, grade=grade),
        }
        return calls[action]

    def _legal(self, pledge_id: str, actor: str, action: Action, text: str) -> bool:
        rule_ = RULES[action]
        owner = self.owner[pledge_id] == actor
        secretary = actor == "secretary"
        who_ok = {Who.SECRETARY: secretary, Who.OWNER: owner, Who.MEMBER: owner or secretary}[rule_.who]
        state = self.state[pledge_id]
        if not (who_ok and state in rule_.sources):
            return False
        if rule_.needs_text and not text.strip():
            return False
        if action is Action.EDIT:
            return True  # a blank target is "no change" (None); the edit is still one event
        if action is Action.CORRECT:
            return state is PledgeState.EVALUATED  # a grade correction needs a grade to correct
        return True

    @rule(pledge_id=pledges, rater=st.sampled_from(MEMBERS), grade=st.sampled_from(GRADES))
    def rate(self, pledge_id: str, rater: str, grade: str) -> None:
        expect = (
            self.window
            and self.state[pledge_id] is PledgeState.FULFILLED
            and self.owner[pledge_id] != rater
            and (rater, pledge_id) not in self.rated
        )
        before = store_files(self.c)
        try:
            rate_pledge(self.c, rater, pledge_id, grade)
        except Refused:
            assert not expect
            assert store_files(self.c) == before
            return
        assert expect
        _event("rated")
        self.rated.add((rater, pledge_id))

    @rule()
    def toggle_window(self) -> None:
        if self.window:
            close_window(self.c)
        else:
            open_window(self.c)
        self.window = not self.window

    # ------------------------------------------------------------------------------------------ invariants
    @invariant()
    def states_are_legal_and_as_modelled(self) -> None:
        stored = {p.id: p for p in self.c.repos.pledges.all()}
        assert set(stored) == set(self.state)
        for pid, p in stored.items():
            assert p.state in PledgeState and p.state is self.state[pid]
            assert [e["state"] for e in p.history][-1] == str(p.state)
            assert p.history[0]["action"] == "create"

    @invariant()
    def evaluated_pledges_change_only_by_correction(self) -> None:
        for pid, doc in self.frozen.items():
            assert pl.get_pledge(self.c, pid).to_doc() == doc

    @invariant()
    def ratings_once_per_rater_never_own(self) -> None:
        ratings = list(self.c.repos.peer_ratings.docs())
        pairs = Counter((r["rater"], r["pledge"]) for r in ratings)
        assert all(n == 1 for n in pairs.values())
        assert all(self.owner[r["pledge"]] != r["rater"] for r in ratings)
        assert set(pairs) == self.rated
        assert (current_window(self.c) is not None) == self.window


PledgeMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_pledge_machine = PledgeMachine.TestCase


def _event(name: str) -> None:
    """Count outcomes in hypothesis' statistics (``--hypothesis-show-statistics``); a no-op outside a test run."""
    with contextlib.suppress(InvalidArgument):
        event(name)
