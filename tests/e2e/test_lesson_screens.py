"""Gallery lessons on screen: pinned runs move with the epoch, SGD draws every update."""

from playwright.sync_api import Page

from lrviz.app.scenarios import dataset_of, lessons
from lrviz.figures.uids import CONTOUR_PATH, LOSS_SO_FAR, pinned_uid
from tests.e2e.test_contour_gestures import wait_new_run
from tests.e2e.test_playground import PLAYER, player_data, wait_ready, wait_server_echo

LESSONS = {lesson.key: lesson for lesson in lessons()}

DRAWN_JS = """
([panel, uid]) => {
  const slot = window.__lrviz.player.plots[panel];
  const item = slot.over.items[uid];
  return item ? item.xs.length : -1;
}
"""


def load(page: Page, key: str) -> None:
    wait_ready(page)
    old = player_data(page, "run")
    page.locator(f".st-key-lrviz_lesson_{key} button").first.click()
    wait_new_run(page, old)


def go_to(page: Page, epoch: int) -> None:
    page.locator(PLAYER).locator(".lrviz-status").click()
    page.keyboard.press("Home")
    for _ in range(epoch):
        page.keyboard.press("ArrowRight")
    wait_server_echo(page, epoch)


def drawn(page: Page, panel: str, uid: str) -> int:
    return page.evaluate(DRAWN_JS, [panel, uid])


def test_the_pinned_run_moves_alongside_in_momentum_vs_plain_gd(app_page: Page):
    load(app_page, "momentum")
    go_to(app_page, 0)
    assert drawn(app_page, "contour", pinned_uid("contour", 0)) == 1
    assert drawn(app_page, "loss", pinned_uid("loss", 0)) == 1
    go_to(app_page, 6)
    assert drawn(app_page, "contour", pinned_uid("contour", 0)) == 7
    assert drawn(app_page, "loss", pinned_uid("loss", 0)) == 7
    assert drawn(app_page, "contour", CONTOUR_PATH) == 7
    # The chart below keeps only an empty trace for the legend: nothing complete from the start.
    full = app_page.evaluate(
        """(uid) => {
          const gd = document.querySelector('[data-plot="contour"]');
          const t = gd.data.find((d) => d.uid === uid);
          return t.x.filter((v) => v !== null).length;
        }""",
        pinned_uid("contour", 0),
    )
    assert full == 0


def test_sgd_draws_each_update_inside_the_epochs(app_page: Page):
    load(app_page, "sgd")
    go_to(app_page, 2)
    n = dataset_of(LESSONS["sgd"].source).n  # batch size 1: one update per point per epoch
    assert drawn(app_page, "contour", CONTOUR_PATH) == 2 * n + 1
    assert drawn(app_page, "loss", LOSS_SO_FAR) == 2 * n + 1
