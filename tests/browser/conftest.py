"""Browser fixtures: headless Chromium (Debian's ``chromium``, never a downloaded
one) driving the sandbox page, served in-process on a free port.

Where Chromium is missing the browser tests are skipped with a loud warning,
except under CI=true, where that is a failure (as for PostgreSQL).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.harness.unavailable import unavailable

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"Chromium not found at {CHROMIUM}: browser tests cannot run (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # A busy CI machine can take seconds over a redraw: the page's own state is waited for, never a
    # fixed pause, and an expectation gives it as long as an action does.
    expect.set_options(timeout=8000)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, sandbox, request):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(8000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.sandbox_url = sandbox.url
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        shoot(page, f"FAILED-{request.node.name}")
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def shoot(page, name: str) -> Path:
    """Save a screenshot as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path))
    return path
