"""The URL a slip's QR code carries."""

from __future__ import annotations

from campaign.context import Campaign
from campaign.urls import base_url, slip_url
from storage.records import Settings


def test_the_public_url_setting_wins_and_urls_stay_short(campaign: Campaign) -> None:
    with campaign.store.transaction():
        campaign.repos.settings.put(Settings(public_url="http://192.168.1.20:8080/"))
    assert slip_url(campaign, "K7QM2XHD9RTWP") == "http://192.168.1.20:8080/f/K7QM2XHD9RTWP"
    assert len(slip_url(campaign, "K7QM2XHD9RTWP")) <= 45


def test_without_a_public_url_the_host_and_port_are_used() -> None:
    assert base_url(Settings(web_host="10.0.0.5", web_port=8080)) == "http://10.0.0.5:8080"
    assert base_url(Settings(web_host="10.0.0.5", web_port=80)) == "http://10.0.0.5"
    assert base_url(Settings(web_host="fe80::1", web_port=8080)) == "http://[fe80::1]:8080"
    any_address = "0.0.0.0"  # noqa: S104 - naming the wildcard, not binding it
    wildcard = base_url(Settings(web_host=any_address, web_port=8080))
    assert wildcard.startswith("http://") and any_address not in wildcard
