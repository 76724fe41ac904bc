"""The daily automatic backup, rotated to the branch's setting."""

from __future__ import annotations

from datetime import timedelta

from campaign.context import Campaign
from campaign.maintenance import backup_if_due
from campaign.settings import update_setting
from storage.backup import list_backups


def test_daily_backup_is_made_once_and_rotated(roster: Campaign) -> None:
    first = backup_if_due(roster)
    assert first is not None and (first / "store" / "core.json").is_file()
    assert backup_if_due(roster) is None  # not due again the same day
    update_setting(roster, "backup_keep", "2")
    made = [backup_if_due(roster, every=timedelta(0)) for _ in range(3)]
    # Rotation keeps one good copy a day (and a week, a month): of one day's backups, the newest.
    assert [b.path for b in list_backups(roster.store)] == [made[-1]]
