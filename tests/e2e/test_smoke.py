"""Smoke tests: the app loads in Chromium at each screen size, titled, with no exception."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.browser import (
    SCREEN_SIZES,
    AppServer,
    Viewport,
    open_app,
    open_page,
    save_screenshot,
    streamlit_exceptions,
)


def test_page_has_title_and_no_exception(app_page: Page, shots_dir: Path) -> None:
    save_screenshot(app_page, shots_dir, "smoke-default")
    assert "lrviz" in app_page.title().lower()
    assert app_page.locator('[data-testid="stMain"]').is_visible()
    assert streamlit_exceptions(app_page) == []


@pytest.mark.parametrize(("name", "size"), SCREEN_SIZES, ids=[name for name, _ in SCREEN_SIZES])
def test_fits_screen_width(
    name: str,
    size: Viewport,
    new_page: Callable[..., Page],
    app_server: AppServer,
    shots_dir: Path,
) -> None:
    page = open_app(new_page(size.width, size.height), app_server.url)
    save_screenshot(page, shots_dir, f"smoke-{name}-{size}")
    # A horizontal scrollbar at a target screen size means part of the app is cut off.
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the {size} viewport"


def test_exception_detector_sees_a_failing_app(
    browser: Browser, app_server_factory: Callable[..., AppServer], tmp_path: Path
) -> None:
    """The harness itself: an app that raises must show up in streamlit_exceptions()."""
    broken = tmp_path / "broken_app.py"
    broken.write_text('raise RuntimeError("deliberate failure for the harness test")\n')
    server = app_server_factory(broken)
    # open_page rather than the `page` fixture: that fixture would fail this test for the
    # exception it is meant to find.
    with open_page(browser) as tab:
        open_app(tab.page, server.url)
        errors = streamlit_exceptions(tab.page)
    assert any("deliberate failure for the harness test" in text for text in errors), errors


def test_request_guard_blocks_remote_resources(
    browser: Browser, app_server_factory: Callable[..., AppServer], tmp_path: Path
) -> None:
    """The harness itself: a page asking for a remote resource is recorded, and nothing leaves."""
    remote = tmp_path / "remote_app.py"
    remote.write_text(
        "import streamlit as st\n"
        "st.markdown('<img src=\"http://remote.invalid/pixel.png\">', unsafe_allow_html=True)\n"
    )
    server = app_server_factory(remote)
    with open_page(browser) as tab:
        open_app(tab.page, server.url)
        tab.page.wait_for_load_state("networkidle")
        problems = list(tab.problems)
    assert any("remote.invalid" in p and "blocked request" in p for p in problems), problems
