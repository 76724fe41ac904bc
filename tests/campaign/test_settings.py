"""Branch settings are changed one at a time, validated, audited, and seen by every process."""

from __future__ import annotations

import pytest

from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from campaign.settings import describe, update_setting


def test_change_is_validated_and_seen_by_another_process(campaign: Campaign) -> None:
    update_setting(campaign, "late_after_min", "10")
    update_setting(campaign, "require_pin", "false")
    update_setting(campaign, "satisfaction_target", "95%")
    other = open_campaign(campaign.store.root, clock=campaign.clock)
    s = other.settings
    assert (s.late_after_min, s.require_pin, s.satisfaction_target) == (10, False, 0.95)
    assert campaign.repos.audit.recent()[0].action == "settings.set"


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("no_such", "1", "settings.unknown"),
        ("late_after_min", "ten", "settings.bad_number"),
        ("idle_timeout_s", "0", "limits.out_of_range"),
        ("satisfaction_target", "150%", "limits.out_of_share"),
        ("require_pin", "maybe", "settings.bad_bool"),
        ("timezone", "Mars/Olympus", "settings.bad_timezone"),
        ("language", "fr", "settings.bad_language"),
    ],
)
def test_bad_values_change_nothing(campaign: Campaign, name: str, value: str, key: str) -> None:
    before = campaign.settings
    with pytest.raises(Refused) as err:
        update_setting(campaign, name, value)
    assert err.value.key == key
    assert campaign.settings == before


def test_every_setting_is_documented() -> None:
    docs = describe()
    from storage.records import Settings

    assert set(docs) == set(Settings.__dataclass_fields__)
    assert all(docs.values())
