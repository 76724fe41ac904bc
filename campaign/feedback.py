"""Parent feedback slips: issuing batches of single-use codes, opening a slip, and answering it.

A code is 13 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/l/I): 13 * log2(31) = 64.4
bits from :mod:`secrets`, so guessing one is hopeless even without the web server's rate limit. People see it
grouped (``K7QM-2XHD-9RTWP``); whatever they type is normalised (case, dashes, spaces) before it is looked up.

An answer is stored **without** its code. The code is marked used in the same transaction, without any time,
in a set kept sorted by code; answers are kept sorted by content: neither order, ids nor a time ties an answer to
its slip (see ``storage.slips.Tokens``).
Every path (the web form, the kiosk) goes through :func:`open_slip` and :func:`answer`.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from storage.records import Feedback, FeedbackBatch, FeedbackOption, FeedbackToken, Member

from .context import Campaign
from .errors import Refused
from .urls import slips_url

#: Easy to read aloud and type: digits 2-9 and capitals without I, L, O.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 13
#: How the code is grouped for people (4-4-5).
GROUPS = (4, 4, 5)
MAX_BATCH = 500
MAX_CLASS_LABEL = 40
MAX_COMMENT = 300
DEFAULT_VALID_DAYS = 30

_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.·]+")
#: Control characters are dropped from comments (newlines and tabs are kept; a CR of CRLF goes too).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def randomness_bits() -> float:
    """The entropy of one code, in bits."""
    return CODE_LENGTH * math.log2(len(ALPHABET))


def new_code() -> str:
    """A fresh random code (normalised form)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """The normalised code a person meant, or None if ``text`` cannot be a code at all."""
    code = _SEPARATORS.sub("", text.strip()).upper()
    return code if _CODE.fullmatch(code) else None


def display_code(code: str) -> str:
    """The grouped form printed on slips and shown on screens: ``K7QM-2XHD-9RTWP``."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


@dataclass(frozen=True)
class IssuedBatch:
    batch: FeedbackBatch
    codes: tuple[str, ...]


@dataclass(frozen=True)
class SlipView:
    """What a parent sees before answering: whom the slip is about. Carries nothing about other slips."""

    code: str
    teacher: str
    school: str
    class_label: str
    expires: date

    @property
    def display_code(self) -> str:
        return display_code(self.code)


def today(c: Campaign) -> date:
    return c.now().astimezone(c.tz).date()


def issue_batch(
    c: Campaign, member_code: str, count: int, *, class_label: str = "", expires: date | None = None
) -> IssuedBatch:
    """Issue ``count`` single-use codes for a teacher (and a class), valid up to and including ``expires``.

    Refused: unknown or inactive member, a count outside 1..MAX_BATCH, a class label that is too long, an
    expiry date in the past. The batch and its codes are written in one transaction and audited (without codes).
    """
    slips_url(c.settings)  # no slip before phones can open what it points at
    member = c.repos.members.get(member_code.strip())
    if member is None or not member.active:
        raise Refused("feedback.unknown_member", code=member_code.strip())
    if not 1 <= count <= MAX_BATCH:
        raise Refused("feedback.bad_count", limit=MAX_BATCH)
    class_label = " ".join(class_label.split())
    if len(class_label) > MAX_CLASS_LABEL or not class_label.isprintable():
        raise Refused("feedback.bad_class_label", limit=MAX_CLASS_LABEL)
    now = c.now()
    day = now.astimezone(c.tz).date()
    if expires is None:
        expires = day + timedelta(days=DEFAULT_VALID_DAYS)
    if expires < day:
        raise Refused("feedback.expiry_past", expires=expires.isoformat())
    with c.store.transaction():
        batch_id = _new_batch_id(c, day)
        codes: list[str] = []
        taken: set[str] = set()
        while len(codes) < count:
            code = new_code()
            # 64 bits make a clash practically impossible; checking costs one read of a small bucket.
            if code in taken or c.repos.tokens.get(code) is not None:
                continue
            taken.add(code)
            codes.append(code)
        batch = FeedbackBatch(
            id=batch_id,
            member=member.code,
            class_label=class_label,
            count=count,
            issued_at=now,
            expires=expires,
            by=c.actor,
        )
        c.repos.batches.add(batch)
        c.repos.tokens.add_many(
            [
                FeedbackToken(code=k, batch=batch_id, member=member.code, class_label=class_label, expires=expires)
                for k in codes
            ]
        )
        c.audit(
            "feedback.issue",
            batch=batch_id,
            member=member.code,
            class_label=class_label,
            count=count,
            expires=expires.isoformat(),
        )
    return IssuedBatch(batch, tuple(codes))


def _new_batch_id(c: Campaign, day: date) -> str:
    while True:
        batch_id = f"{day:%Y%m%d}-{''.join(secrets.choice(ALPHABET) for _ in range(4))}"
        if c.repos.batches.get(batch_id) is None:
            return batch_id


@dataclass(frozen=True)
class BatchSummary:
    """A batch with how many of its slips are still unused."""

    batch: FeedbackBatch
    unused: int


def list_batches(c: Campaign) -> list[BatchSummary]:
    """Every batch, newest first, with its unused slips (one pass over all slips, however many batches)."""
    unused: dict[str, int] = {}
    for token in c.repos.tokens.all():
        if token.used_at is None:
            unused[token.batch] = unused.get(token.batch, 0) + 1
    batches = sorted(c.repos.batches.all(), key=lambda b: (b.issued_at, b.id), reverse=True)
    return [BatchSummary(b, unused.get(b.id, 0)) for b in batches]


def batch_slips(c: Campaign, batch_id: str) -> tuple[FeedbackBatch, Member | None, list[FeedbackToken]]:
    """A batch, its teacher, and its codes (sorted as issued codes were: by code); refused if unknown."""
    batch = c.repos.batches.get(batch_id.strip())
    if batch is None:
        raise Refused("feedback.unknown_batch", batch=batch_id.strip())
    tokens = sorted(c.repos.tokens.for_batch(batch.id), key=lambda t: t.code)
    return batch, c.repos.members.get(batch.member), tokens


def _usable_token(c: Campaign, text: str, day: date | None = None) -> FeedbackToken:
    code = normalize_code(text)
    token = c.repos.tokens.get(code) if code else None
    if token is None:
        raise Refused("feedback.unknown_code")
    if token.used_at is not None:
        raise Refused("feedback.used_code")
    if (day or today(c)) > token.expires:
        raise Refused("feedback.expired_code", expires=token.expires.isoformat())
    return token


def open_slip(c: Campaign, code: str) -> SlipView:
    """The slip behind ``code`` if it can still be answered; refused (unknown / used / expired) otherwise.

    Reading only: nothing is written, so opening a link twice costs nothing.
    """
    token = _usable_token(c, code)
    member = c.repos.members.get(token.member)
    return SlipView(
        code=token.code,
        teacher=member.name if member else token.member,
        school=member.school if member else "",
        class_label=token.class_label,
        expires=token.expires,
    )


def parse_option(value: str | FeedbackOption) -> FeedbackOption:
    """The option named ``value`` ("satisfied", "basically", "unsatisfied", "unknown"); refused otherwise."""
    try:
        return FeedbackOption(value)
    except ValueError:
        raise Refused("feedback.bad_option") from None


def clean_comment(comment: str | None) -> str:
    """The comment as stored: control characters dropped, trimmed; refused above MAX_COMMENT characters."""
    text = _CONTROL.sub("", comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise Refused("feedback.comment_too_long", limit=MAX_COMMENT)
    return text


T = TypeVar("T")


@dataclass(frozen=True)
class AnswerRequest:
    code: str
    option: str | FeedbackOption
    comment: str = ""


def answer(c: Campaign, code: str, option: str | FeedbackOption, comment: str | None = "") -> None:
    """Store a parent's answer for ``code`` and use the code up, in one transaction.

    Refused (and nothing written): an invalid option, a comment over the limit, an unknown, used or expired
    code. Two answers for one code at the same moment (two phones, a kiosk): exactly one is stored.
    """
    (outcome,) = answer_many(c, [AnswerRequest(code, option, comment or "")])
    if outcome is not None:
        raise outcome


def answer_taken(
    c: Campaign, take: Callable[[], list[T]], request_of: Callable[[T], AnswerRequest]
) -> tuple[list[T], list[Refused | None]]:
    """Take the lock, then the answers waiting at that moment (``take()``), and store them as :func:`answer_many`.

    For a group commit: answers that arrive while another process holds the lock join this commit instead of
    queueing behind it. Returns what was taken and each one's outcome, in order.
    """
    with c.store.transaction():
        group = take()
        return group, answer_many(c, [request_of(item) for item in group])


def answer_many(c: Campaign, requests: Sequence[AnswerRequest]) -> list[Refused | None]:
    """Answer several slips in one transaction (a group commit); each one stands or is refused on its own.

    Returns, for each request in order, None if it was stored or the :class:`Refused` that explains why not.
    Validation happens before the lock is taken, so a bad request never costs a commit.
    """
    outcomes: list[Refused | None] = [None] * len(requests)
    valid: list[tuple[int, str, FeedbackOption, str]] = []
    for i, req in enumerate(requests):
        try:
            option = parse_option(req.option)
            text = clean_comment(req.comment)
            code = normalize_code(req.code)
            if code is None:
                raise Refused("feedback.unknown_code")
            valid.append((i, code, option, text))
        except Refused as exc:
            outcomes[i] = exc
    if not valid:
        return outcomes
    with c.store.transaction():
        day = c.now().astimezone(c.tz).date()
        used: set[str] = set()
        answers: list[Feedback] = []
        schools: dict[str, str] = {}
        for i, code, option, text in valid:
            try:
                if code in used:
                    raise Refused("feedback.used_code")
                token = _usable_token(c, code, day)
            except Refused as exc:
                outcomes[i] = exc
                continue
            if token.member not in schools:
                member = c.repos.members.get(token.member)
                schools[token.member] = member.school if member else ""
            c.repos.tokens.mark_used(token)
            used.add(code)
            answers.append(Feedback(token.member, schools[token.member], option, day, text))
        if answers:
            c.repos.feedback.add_many(answers)
    return outcomes
