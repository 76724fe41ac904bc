"""What the secretary's pledge screens need beyond :mod:`campaign.pledge_queries`: the branch-wide due list, and
where an export of a list goes. Reads only (an export is written and audited by
:func:`campaign.pledge_export.export_pledges`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from storage.records import PledgeState

from .context import Campaign
from .locations import exports_dir
from .pledge_export import export_pledges
from .pledge_queries import PledgeLine, list_pledges
from .pledges import today

#: The branch-wide due list looks this many days ahead.
DUE_DAYS = 14


def due_within(c: Campaign, days: int = DUE_DAYS) -> list[PledgeLine]:
    """Published pledges due from today to ``days`` ahead, soonest first (overdue ones are a list of their own)."""
    day = today(c)
    last = day + timedelta(days=days)
    lines = [x for x in list_pledges(c, state=PledgeState.PUBLISHED) if day <= x.pledge.due <= last]
    return sorted(lines, key=lambda x: (x.pledge.due, x.id))


def export_path(c: Campaign, name: str, suffix: str) -> Path:
    """``<data dir>/exports/pledges-<name>-<YYYYMMDD-HHMM>.<suffix>`` (the folder is created), absolute."""
    folder = exports_dir(Path(c.store.root)).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = c.now().astimezone(c.tz).strftime("%Y%m%d-%H%M")
    return folder / f"pledges-{name}-{stamp}.{suffix}"


def export_list(c: Campaign, name: str, suffix: str, lines: list[PledgeLine] | None) -> Path:
    """Write ``lines`` (every pledge when None) as CSV or XLSX into the exports folder; audited there."""
    return export_pledges(c, export_path(c, name, suffix), lines)
