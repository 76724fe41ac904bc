""" "Write it on your phone": a short-lived, single-use link that lets one member write a pledge on their phone.

The kiosk (after the member's PIN) calls :func:`create_phone_link` and shows its URL as a QR code; the phone opens
``/p/<code>`` on the feedback server, whose form goes through :func:`open_phone_link` and :func:`use_phone_link`;
meanwhile the kiosk polls :func:`phone_link_result` to show the draft when it arrives. The link is bound to its
member: whatever the form says, the pledge is theirs. It is used up by the first accepted form (a refused form —
no target, a past date — can be corrected and sent again), and expires after ``pledge_link_minutes``.

A link for a published pledge (``pledge_id``) writes a progress note (践诺) instead of a new draft.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from storage.records import Pledge, PledgeCategory, PledgeLink, PledgeState

from .context import Campaign
from .errors import Refused
from .feedback import ALPHABET
from .pledges import add_progress, as_member, create_pledge, get_pledge
from .roster import active_member
from .urls import base_url

#: 10 characters of 31: 49 bits, for a link that lives 15 minutes behind the server's rate limit.
LINK_LENGTH = 10
#: Path prefix of a phone link on the feedback server.
LINK_PATH = "/p/"
#: Expired links are forgotten after this long (the kiosk has long stopped polling by then).
KEEP_EXPIRED = timedelta(days=1)


class LinkState(StrEnum):
    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PhoneLink:
    """A link just made: show ``url`` as a QR code (and ``code`` as text) until ``expires_at``."""

    code: str
    member: str
    url: str
    expires_at: datetime
    #: The published pledge a progress note is for, or "" for a new draft.
    pledge: str


@dataclass(frozen=True)
class LinkView:
    """What the phone form shows: whose link it is, and the pledge a progress note is for (if any)."""

    code: str
    member: str
    name: str
    expires_at: datetime
    pledge: Pledge | None


@dataclass(frozen=True)
class LinkResult:
    """What the kiosk polls: pending, used (``pledge_id`` is the draft or the noted pledge) or expired."""

    state: LinkState
    pledge_id: str = ""


def normalize_link_code(text: str) -> str | None:
    code = text.strip().upper()
    return code if len(code) == LINK_LENGTH and all(ch in ALPHABET for ch in code) else None


def link_url(c: Campaign, code: str) -> str:
    return f"{base_url(c.settings)}{LINK_PATH}{code}"


def create_phone_link(c: Campaign, member_code: str, *, pledge_id: str | None = None) -> PhoneLink:
    """A new link for ``member_code`` (an active member, after their PIN at the kiosk); with ``pledge_id``, for a
    progress note on that published pledge of theirs. Expired links are pruned in the same small write."""
    member = active_member(c, member_code)
    if member is None:
        raise Refused("pledges.unknown_member", code=member_code.strip())
    if pledge_id:
        pledge = get_pledge(c, pledge_id)
        if pledge.member != member.code:
            raise Refused("pledges.not_yours", id=pledge.id)
        if pledge.state is not PledgeState.PUBLISHED:
            raise Refused("pledges.link_needs_published", id=pledge.id)
    now = c.now()
    expires = now + timedelta(minutes=c.settings.pledge_link_minutes)
    with c.store.transaction():
        c.repos.pledge_links.prune(now - KEEP_EXPIRED)
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(LINK_LENGTH))
            if c.repos.pledge_links.get(code) is None:
                break
        c.repos.pledge_links.put(
            PledgeLink(code=code, member=member.code, created=now, expires_at=expires, pledge=pledge_id or "")
        )
    return PhoneLink(code, member.code, link_url(c, code), expires, pledge_id or "")


def _usable(c: Campaign, text: str) -> PledgeLink:
    code = normalize_link_code(text)
    link = c.repos.pledge_links.get(code) if code else None
    if link is None:
        raise Refused("pledges.link_unknown")
    if link.used_at is not None:
        raise Refused("pledges.link_used")
    if c.now() >= link.expires_at:
        raise Refused("pledges.link_expired")
    return link


def open_phone_link(c: Campaign, code: str) -> LinkView:
    """The link's form, if it can still be used (refused: unknown, used, expired). Reads only."""
    link = _usable(c, code)
    member = active_member(c, link.member)
    if member is None:
        raise Refused("pledges.link_unknown")
    pledge = get_pledge(c, link.pledge) if link.pledge else None
    return LinkView(link.code, member.code, member.name, link.expires_at, pledge)


def use_phone_link(
    c: Campaign,
    code: str,
    *,
    category: str | PledgeCategory = "",
    text: str = "",
    target: str = "",
    due: str = "",
    note: str = "",
) -> Pledge:
    """Write what the phone sent — a draft (category, text, target, due) or, for a progress link, the note — as
    the link's member, and use the link up, in one transaction. A refusal writes nothing and leaves the link
    usable (the member corrects the form and sends it again)."""
    with c.store.transaction():
        link = _usable(c, code)
        by = as_member(link.member)
        if link.pledge:
            pledge = add_progress(c, by, link.pledge, note)
        else:
            pledge = create_pledge(c, by, link.member, category, text, target, due)
        c.repos.pledge_links.put(replace(link, used_at=c.now(), result=pledge.id))
    return pledge


def phone_link_result(c: Campaign, code: str) -> LinkResult:
    """Whether the phone has sent the form yet (the kiosk polls this while it shows the QR code)."""
    link = c.repos.pledge_links.get(code)
    if link is None:
        return LinkResult(LinkState.EXPIRED)
    if link.used_at is not None:
        return LinkResult(LinkState.USED, link.result)
    if c.now() >= link.expires_at:
        return LinkResult(LinkState.EXPIRED)
    return LinkResult(LinkState.PENDING)
