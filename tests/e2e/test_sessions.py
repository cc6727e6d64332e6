"""Two tabs on one server are two sessions: stepping, reloading or changing settings in one never
moves the other."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.browser import AppServer, open_app
from tests.e2e.test_playground import PLAYER, button, wait_ready, wait_server_echo


def epoch_shown(page: Page) -> str:
    return page.locator(f'{PLAYER} [data-field="epoch"]').inner_text()


def test_tabs_keep_their_own_runs_through_steps_and_reloads(
    new_page: Callable[..., Page], app_server: AppServer
):
    first, second = new_page(), new_page()
    for tab in (first, second):
        open_app(tab, app_server.url)
        wait_ready(tab)

    for _ in range(3):
        button(first, "Step").click()
    expect(first.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text("3")
    wait_server_echo(first, 3)
    assert epoch_shown(second) == "0"

    button(second, "Step").click()
    wait_server_echo(second, 1)
    assert epoch_shown(first) == "3"

    # A reload is a new session for that tab: it rebuilds its screen from its own link (which
    # holds the epoch), and the other tab's run and epoch stay as they were.
    assert "epoch=1" in second.url
    second.reload()
    wait_ready(second)
    expect(second.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text("1")
    button(first, "Step").click()
    wait_server_echo(first, 4)
    assert epoch_shown(first) == "4"
    assert epoch_shown(second) == "1"
