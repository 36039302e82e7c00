"""Playwright on Debian's chromium against pytest-django's live_server (never `playwright
install`). Imported by the browser tests' conftests: one browser per session, a fresh
context (cookies, storage) per person in a journey, screenshots under test-artifacts/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# the sync Playwright API runs an event loop in this thread; Django's ORM refuses to run
# in a thread with an event loop unless told it is safe (the ORM calls here are the test's own)
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


_shared: dict = {}


def _launch():
    """One Playwright and one chromium per test session, whichever conftest asks first (the
    sync API allows a single running instance per thread)."""
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    return _shared["browser"]


def _close():
    if "browser" in _shared:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    yield _launch()
    _close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=DESKTOP) -> a page in its own context (a separate person)."""
    contexts = []

    def make(*, viewport=DESKTOP, is_mobile: bool = False):
        context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=is_mobile,
                                      has_touch=is_mobile, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the pages; roles that need a second factor enrol an authenticator on
    their first sign-in (the key read from the page) or enter the current code of their device."""
    page.goto("/workbench/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/security/" in url or url.rstrip("/").endswith("/workbench"))
    if "/security/" in page.url:
        page.locator("#id_code").fill(totp_code_for(username))
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/workbench/")


def totp_code_for(username: str) -> str:
    """The code an authenticator app would show now for the user's device, one step after any
    code already used (django-otp refuses a code twice)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "id").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():06d}"
