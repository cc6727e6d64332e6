"""Data sources in Chromium: real file uploads (good, bad, hostile), the edit table, and a
download that uploads back unchanged; plus screenshots of the sidebar.

Expected messages come from the CSV reader run on the same bytes, never from the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

from lrviz.data import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    DataError,
    edited_points,
    get_preset,
    read_csv,
)
from tests.e2e.browser import (
    DESKTOP,
    PROJECTOR,
    AppServer,
    Viewport,
    open_app,
    save_screenshot,
    wait_for_rerun,
)

BAD_DIR = Path(__file__).resolve().parents[1] / "data" / "bad_csv"
PLAYER = '[data-testid="lrviz-player"]'
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
WAIT_MS = 60_000


def sidebar(page: Page) -> Locator:
    return page.locator('[data-testid="stSidebar"]')


def open_tab(page: Page, name: str) -> None:
    sidebar(page).get_by_role("tab", name=name).click()


def player_run(page: Page) -> str:
    """The run the player shows once its server has echoed it (so the page is settled)."""
    page.wait_for_function(
        """() => {
          const root = document.querySelector('[data-testid="lrviz-player"]');
          return root && root.dataset.run && root.dataset.run === root.dataset.serverRun;
        }""",
        timeout=WAIT_MS,
    )
    return str(page.locator(PLAYER).get_attribute("data-run"))


def shown_epoch(page: Page) -> str:
    return page.locator(f'{PLAYER} .lrviz-status [data-field="epoch"]').inner_text()


def upload(page: Page, path: Path) -> None:
    open_tab(page, "Upload")
    field = sidebar(page).locator(UPLOAD_INPUT)
    wait_for_rerun(page, lambda: field.set_input_files(str(path)))


def active_line(page: Page) -> Locator:
    captions = sidebar(page).locator('[data-testid="stCaptionContainer"]')
    return captions.filter(has_text=re.compile(r"^Active:"))


def reader_message(path: Path) -> str:
    with pytest.raises(DataError) as refused:
        read_csv(path.read_bytes())
    return str(refused.value)


def step_once(page: Page) -> None:
    page.get_by_role("button", name="Step", exact=False).first.click()
    expect(page.locator(f'{PLAYER} .lrviz-status [data-field="epoch"]')).to_have_text(
        "1", timeout=WAIT_MS
    )
    player_run(page)


def test_good_upload_then_bad_upload_keeps_the_good_data(
    app_page: Page, tmp_path: Path, shots_dir: Path
) -> None:
    page = app_page
    first_run = player_run(page)
    step_once(page)
    good = tmp_path / "good.csv"
    good.write_text("hours;score\n1,5;52\n2;55\n3,5;61\n4;60\n5;70\n")
    upload(page, good)
    expect(active_line(page)).to_have_text("Active: File 'good.csv', 5 points")
    good_run = player_run(page)
    assert good_run != first_run
    expect(page.locator(f'{PLAYER} .lrviz-status [data-field="epoch"]')).to_have_text("0")

    bad = BAD_DIR / "square_overflows.csv"
    upload(page, bad)
    error = sidebar(page).locator('[data-testid="stAlertContentError"]')
    expect(error).to_have_text(reader_message(bad))
    expect(active_line(page)).to_have_text("Active: File 'good.csv', 5 points")
    assert player_run(page) == good_run
    save_screenshot(page, shots_dir, "data-upload-refused-1280x720")


@pytest.mark.parametrize("name", ["empty.csv", "header_only.csv", "binary_png.csv"])
def test_each_bad_file_shows_its_own_message(app_page: Page, name: str) -> None:
    page = app_page
    run = player_run(page)
    upload(page, BAD_DIR / name)
    expect(sidebar(page).locator('[data-testid="stAlertContentError"]')).to_have_text(
        reader_message(BAD_DIR / name)
    )
    expect(active_line(page)).to_have_text("Active: Preset 'Article example', 5 points")
    assert player_run(page) == run


def test_file_over_the_size_limit_never_reaches_the_app(app_page: Page, tmp_path: Path) -> None:
    page = app_page
    run = player_run(page)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x,y\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4 + 1))
    open_tab(page, "Upload")
    sidebar(page).locator(UPLOAD_INPUT).set_input_files(str(big))
    # The uploader itself refuses it (server.maxUploadSize = MAX_UPLOAD_MB), with the limit.
    uploader = sidebar(page).locator('[data-testid="stFileUploader"]')
    expect(uploader).to_contain_text(f"{MAX_UPLOAD_MB:.1f}MB or smaller")
    expect(active_line(page)).to_have_text("Active: Preset 'Article example', 5 points")
    assert player_run(page) == run


def test_hostile_header_shows_as_text(app_page: Page, tmp_path: Path) -> None:
    page = app_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = "<img src=x onerror=alert(1)>"
    path = tmp_path / "hostile.csv"
    path.write_text(f"{hostile},b,c\n1,2,3\n2,4,\n3,7,8\n")
    upload(page, path)
    expect(sidebar(page).get_by_text(f"x from '{hostile}'", exact=False)).to_be_visible()
    picker = sidebar(page).locator('[data-testid="stSelectbox"]').filter(has_text="x column")
    assert picker.locator("input").input_value() == hostile
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []


def wait_idle(page: Page) -> None:
    """Wait until no script run is in progress (Streamlit's own marker on the app's root).

    The charts are drawn before the page's first run ends (what is below them comes later); the
    tests edit a settled page, as a person who waited for the page does.
    """
    page.wait_for_function(
        """() => {
          const app = document.querySelector('[data-test-script-state]');
          return app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=WAIT_MS,
    )


def select_cell(page: Page, column: int, row: int) -> None:
    """Select a cell of the edit table (column 1 = x, 2 = y; row from 0), on a settled page."""
    wait_idle(page)
    grid = sidebar(page).locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # The grid is a canvas: click where the cell is drawn, below the 35 px header row.
    width = (box["width"] - 32) / 2
    page.mouse.click(box["x"] + 32 + width * (column - 0.5), box["y"] + 35 + 35 * row + 17)
    # The sidebar's editor only: the chain-rule panel's tables are glide grids too.
    cell = page.get_by_test_id("stSidebarUserContent").locator(
        f'[data-testid="glide-cell-{column}-{row}"]'
    )
    # A loaded machine can take more than expect's default 5 s to mark it.
    expect(cell).to_have_attribute("aria-selected", "true", timeout=WAIT_MS)


# A person's pause between the last key and Enter. Streamlit's grid can drop a cell edit
# committed with Enter a few milliseconds after the last key on a busy machine: the browser then
# sends no request at all. Reproduced on a bare one-widget Streamlit app (a sidebar data editor
# with text columns), so it is not this app's: 2 of 12 edits typed at machine speed under two
# busy loops were lost, 0 of 12 with a 0.4 s pause. Nobody presses Enter that fast.
HUMAN_PAUSE_MS = 400


def type_in_cell(page: Page, text: str) -> None:
    """Type text into the selected cell as a person does, up to (not including) Enter.

    Typing on a selected cell opens its editor on the first key; the rest is typed once the
    editor has the focus (keys sent before it opens would be lost).
    """
    editor = page.locator(".gdg-input")
    page.keyboard.type(text[0])
    expect(editor).to_be_focused()
    page.keyboard.type(text[1:])
    expect(editor).to_have_value(text)
    expect(editor).to_be_focused()  # or Enter misses it
    page.wait_for_timeout(HUMAN_PAUSE_MS)


def test_edit_table_applies_at_once(app_page: Page) -> None:
    page = app_page
    run = player_run(page)
    open_tab(page, "Edit")
    select_cell(page, 1, 0)
    type_in_cell(page, "9")
    wait_for_rerun(page, lambda: page.keyboard.press("Enter"))
    expect(active_line(page)).to_have_text("Active: Edited table, 5 points")
    edited_run = player_run(page)
    assert edited_run != run
    assert shown_epoch(page) == "0"
    # An emptied cell leaves its row out, and says so.
    select_cell(page, 2, 1)
    wait_for_rerun(page, lambda: page.keyboard.press("Delete"))
    expect(active_line(page)).to_have_text("Active: Edited table, 4 points")
    message = edited_points([9.0, 2.0, 3.0, 4.0, 5.0], [1.0, None, 3.0, 4.0, 5.0]).message
    expect(sidebar(page).get_by_text(message)).to_be_visible()
    assert player_run(page) != edited_run


def test_download_uploads_back_unchanged(app_page: Page, tmp_path: Path) -> None:
    page = app_page
    open_tab(page, "Preset")
    preset = get_preset("Noisy line")
    sidebar(page).locator('[data-testid="stSelectbox"]').first.click()
    wait_for_rerun(page, lambda: page.get_by_role("option", name=preset.name).click())
    expect(active_line(page)).to_have_text(f"Active: Preset 'Noisy line', {len(preset.x)} points")

    def download() -> bytes:
        with page.expect_download(timeout=WAIT_MS) as info:
            sidebar(page).get_by_role("button", name="Data CSV").click()
        return Path(info.value.path()).read_bytes()

    first = download()
    table = read_csv(first)
    assert table.columns[0].tolist() == preset.x.tolist()
    assert table.columns[1].tolist() == preset.y.tolist()
    path = tmp_path / "lrviz-data.csv"
    path.write_bytes(first)
    upload(page, path)
    expect(active_line(page)).to_have_text(f"Active: File 'lrviz-data.csv', {len(preset.x)} points")
    assert download() == first


@pytest.mark.parametrize("size", [PROJECTOR, DESKTOP], ids=[str(PROJECTOR), str(DESKTOP)])
def test_sidebar_screenshots(
    size: Viewport, new_page: Callable[..., Page], app_server: AppServer, shots_dir: Path
) -> None:
    page = open_app(new_page(size.width, size.height), app_server.url)
    player_run(page)
    for name in ("Preset", "Generate", "Edit", "Upload"):
        open_tab(page, name)
        page.wait_for_timeout(200)  # the tab's panel fades in
        sidebar(page).screenshot(path=shots_dir / f"data-sidebar-{name.lower()}-{size}.png")
    save_screenshot(page, shots_dir, f"data-page-{size}")
    # The sidebar's content never scrolls sideways (its resize handle sits past its edge).
    content = page.locator('[data-testid="stSidebarContent"]')
    overflow = content.evaluate("node => node.scrollWidth - node.clientWidth")
    assert overflow <= 0


class HeldReplies:
    """The page's Streamlit connection, with the server's messages held back on request."""

    def __init__(self, page: Page) -> None:
        self.hold = False
        self.sent = 0  # messages the page has sent to the server
        self.held: list[str | bytes] = []
        self.page_side: WebSocketRoute | None = None
        self.page = page
        page.route_web_socket(re.compile(r"/_stcore/stream$"), self.connect)

    def connect(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        self.page_side = ws

        def to_server(message: str | bytes) -> None:
            self.sent += 1
            server.send(message)

        def to_page(message: str | bytes) -> None:
            if self.hold:
                self.held.append(message)
            else:
                ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)

    def wait_sent(self, count: int) -> None:
        """Wait until the page has sent `count` messages in all."""
        assert self.page_side is not None
        for _ in range(WAIT_MS // 20):
            if self.sent >= count:
                return
            self.page.wait_for_timeout(20)  # lets Playwright deliver the messages
        raise AssertionError(f"the page sent {self.sent} messages, not {count}")

    def release(self) -> None:
        self.hold = False
        assert self.page_side is not None
        for message in self.held:
            self.page_side.send(message)
        self.held.clear()


def test_an_edit_survives_a_step_pressed_while_it_applies(
    page: Page, app_server: AppServer
) -> None:
    connection = HeldReplies(page)
    open_app(page, app_server.url)
    player_run(page)
    open_tab(page, "Edit")
    select_cell(page, 1, 0)
    type_in_cell(page, "7")
    # The edit's run reaches the page only after a Step has left: the Step's request carries
    # what the page showed before the edit, the preset picker's "Article example" included.
    connection.hold = True
    sent = connection.sent
    page.keyboard.press("Enter")
    connection.wait_sent(sent + 1)
    page.get_by_role("button", name="Step", exact=False).first.click()
    connection.wait_sent(sent + 2)
    # Both requests are at the server, which takes them in order whenever the page hears.
    connection.release()
    expect(active_line(page)).to_have_text("Active: Edited table, 5 points", timeout=WAIT_MS)
    player_run(page)
    # Standardize on and off again: two runs of the whole page on the same data.
    toggle = sidebar(page).get_by_text("Standardize x", exact=True)
    for shown in ("Edited table, 5 points, x standardized", "Edited table, 5 points"):
        toggle.click()
        expect(active_line(page)).to_have_text(f"Active: {shown}", timeout=WAIT_MS)
    # x = 7, 2, 3, 4, 5 against y = 1 … 5 at w = b = 0: dL/dw = -2 mean(x y) = -24.4 (with
    # x reverted to 1 … 5 it would be -22).
    status = page.locator(f'{PLAYER} .lrviz-status [data-field="dw"]')
    expect(status).to_have_text("−24.4", timeout=WAIT_MS)
