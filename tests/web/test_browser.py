"""End to end in a real headless Chromium on a phone-sized screen: scan, choose, comment, send, thank-you."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from campaign.urls import SLIP_PATH
from storage.records import FeedbackOption
from tests.tools import require_module, require_tool

from ..feedback.helpers import raw_store_text
from .live import live_server

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844, "pixelRatio": 3.0}
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    chromium = require_tool("chromium", "apt-get install chromium")
    chromedriver = require_tool("chromedriver", "apt-get install chromium-driver")
    require_module("selenium", "pip install -e '.[dev]'")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never try to download anything
    options = Options()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    # The form must work for a parent whose browser runs no JavaScript.
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2, "intl.accept_languages": "zh-CN,zh"}
    )
    service = Service(executable_path=chromedriver, log_output=os.devnull)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    # A hung browser command fails the test in seconds instead of waiting minutes per retry.
    executor = driver.command_executor
    assert not isinstance(executor, str)
    executor.client_config.timeout = 30
    # A phone's viewport through DevTools. (chromedriver's "mobileEmulation" also turns on touch emulation,
    # which with JavaScript off leaves clicks hanging.)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE["width"], "height": PHONE["height"], "deviceScaleFactor": PHONE["pixelRatio"], "mobile": True},
    )
    driver.execute_cdp_cmd("Emulation.setUserAgentOverride", {"userAgent": PHONE_UA, "acceptLanguage": "zh-CN,zh"})
    try:
        yield driver
    finally:
        driver.quit()


def test_a_parent_answers_on_a_phone_and_the_slip_is_then_used(
    browser: object, roster: Campaign, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    code = fb.issue_batch(roster, "T001", 2, class_label="初二(3)班").codes[0]
    comment = "老师很耐心 <b>谢谢</b>"
    with live_server(roster) as base:
        url = f"{base}{SLIP_PATH}{code}"
        browser.get(url)
        assert browser.find_element(By.ID, "teacher").text == "王晓明"
        assert browser.find_element(By.ID, "class").text == "初二(3)班"
        labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "label.option")]
        assert labels == ["满意", "基本满意", "不满意", "不了解"]
        # Phone-sized: the page fits the width, and the option to tap is a real touch target.
        main = browser.find_element(By.TAG_NAME, "main")
        assert main.size["width"] == PHONE["width"]
        option = browser.find_element(By.CSS_SELECTOR, "label.option:has(#option-basically)")
        assert option.size["height"] >= 44
        option.click()
        assert browser.find_element(By.ID, "option-basically").is_selected()
        browser.find_element(By.ID, "comment").send_keys(comment)
        browser.save_screenshot(str(tmp_path / "form.png"))
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 15).until(ec.url_contains("/thanks"))
        assert browser.find_element(By.ID, "heading").text == "谢谢您的评议"

        browser.get(url)  # the same slip again: refused, with a clear page
        WebDriverWait(browser, 15).until(ec.presence_of_element_located((By.ID, "heading")))
        assert browser.find_element(By.ID, "heading").text == "无法评议"
        assert "已经用过" in browser.find_element(By.ID, "message").text
        assert browser.find_elements(By.TAG_NAME, "form") == []

    (answer,) = roster.repos.feedback.between()
    assert (answer.member, answer.option, answer.comment) == ("T001", FeedbackOption.BASICALLY, comment)
    assert code not in raw_store_text(roster, "feedback")
    token = roster.repos.tokens.get(code)
    assert token is not None and token.used_at is not None
