"""Open the report in headless Chromium: it renders, and model output never runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import require_or_skip
from tests.report.test_report import EVIL_MODEL, IMG, SCRIPT, hostile_table

from dontguess.report import write_report

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.mark.browser
def test_report_renders_and_does_not_run_answers(tmp_path: Path) -> None:
    have = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
    require_or_skip(have, "chromium/chromedriver not installed", "DONTGUESS_REQUIRE_BROWSER")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    out = tmp_path / "out"
    page = write_report(hostile_table(), out, bootstrap=0)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
    ):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
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
