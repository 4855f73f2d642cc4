"""Open the report in headless Chromium: it renders, and model output never runs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import require_or_skip
from tests.report.test_report import (
    EVIL_MODEL,
    IMG,
    LONG,
    RLO_NAME,
    SCRIPT,
    hostile_table,
    names_table,
)

from dontguess.report import write_report

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _driver(tmp_path: Path) -> Any:
    have = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
    require_or_skip(have, "chromium/chromedriver not installed", "DONTGUESS_REQUIRE_BROWSER")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900",
    ):  # fmt: skip
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.mark.browser
def test_report_renders_and_does_not_run_answers(tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page = write_report(hostile_table(), tmp_path / "out", bootstrap=0)
    driver = _driver(tmp_path)
    try:
        driver.get(page.resolve().as_uri())
        assert driver.title == "dontguess report"
        assert driver.execute_script("return typeof window.__pwned") == "undefined"
        assert driver.find_elements(By.CSS_SELECTOR, "#figure svg"), "figure SVG missing"
        assert len(driver.find_elements(By.CSS_SELECTOR, "svg")) >= 3
        body = driver.find_element(By.TAG_NAME, "body").text
        assert SCRIPT in body and IMG in body and EVIL_MODEL in body, "shown literally"
        assert "Score at each confidence target" in body and "calibrated-abstainer" in body
        answers = driver.find_element(By.CSS_SELECTOR, "#answers").text
        assert "<script>reason</script>" in answers
        # no element was created from model output
        assert not driver.find_elements(By.CSS_SELECTOR, "body script, body img, td b, td u")
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)


@pytest.mark.browser
def test_long_and_bidi_names_keep_the_page_and_figures_sane(tmp_path: Path) -> None:
    """Issue 13: a 3,000-character name made the page 41,343 px wide and the figures tiny."""
    from selenium.webdriver.common.by import By

    page = write_report(names_table(LONG), tmp_path / "out", bootstrap=0)
    driver = _driver(tmp_path)
    try:
        driver.get(page.resolve().as_uri())
        width = driver.execute_script("return document.documentElement.clientWidth")
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width + 2, f"page scrolls sideways: {scroll} px in a {width} px window"
        for svg in driver.find_elements(By.CSS_SELECTOR, ".figure svg"):
            assert svg.size["width"] >= 400 and svg.size["height"] >= 200, svg.size
        cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#overview td:first-child")]
        assert RLO_NAME.replace("\u202e", "<U+202E>") in cells, cells  # logical order, not reversed
        assert LONG[:59] + "…" in cells
        title = driver.find_element(By.CSS_SELECTOR, "#overview bdi[title]").get_attribute("title")
        assert title == LONG
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
