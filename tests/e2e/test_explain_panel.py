"""The chain-rule panel in Chromium: its rendered equations at epoch 0 and after one Step.

The panel's LaTeX is rendered by KaTeX, so the test reads what a student sees: the text of each
visible `.katex-html` block, whitespace and zero-width spaces removed (KaTeX spaces by margins;
an aligned block lists its left column, then its right one). Expected numbers come from the
core's step record for the epoch on screen, written as the app writes them (Unicode minus).
"""

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from lrviz.core import TrainConfig, make_dataset, record_at
from lrviz.explain.numbers import fmt

ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])
ARTICLE_CONFIG = TrainConfig(lr=0.01)
PLAYER = '[data-testid="lrviz-player"]'
WAIT_MS = 60_000

# The panel may sit in an expander or a tab; a student opens it by its name.
PANEL_NAME = re.compile(r"chain rule|backprop", re.IGNORECASE)

# Text of every visible KaTeX block in the main area, whitespace and zero-width spaces removed.
KATEX_JS = """
() => [...document.querySelectorAll('[data-testid="stMain"] .katex-html')]
  .filter((node) => node.checkVisibility())
  .map((node) => node.innerText.replace(/[\\s\\u200b]+/g, ''))
"""


def expected(epoch: int) -> dict[str, str]:
    """What the panel must read at `epoch`: the gradients and the update's new values."""
    _, rec = record_at(ARTICLE, ARTICLE_CONFIG, 0.0, 0.0, epoch)
    return {
        "dw": fmt(rec.dL_dw),
        "db": fmt(rec.dL_db),
        "w_new": fmt(rec.w_new),
        "b_new": fmt(rec.b_new),
    }


def rules(want: dict[str, str]) -> dict[str, str]:
    """What must be shown, named, each as a regex over one block's text (Python and JS alike).

    The batch means end their rows in `= ∂L/∂w` and `= ∂L/∂b`; the update reads
    `w := w − α ∂L/∂w = w − α·(∂L/∂w) = w_new`, so the gradient stands right before the new value.
    """
    end = r"(?![\d.])"  # the number ends there: −22 must not match −22.5
    dw, db = re.escape(want["dw"]), re.escape(want["db"])
    return {
        f"∂L/∂w = {want['dw']}": f"={dw}{end}",
        f"∂L/∂b = {want['db']}": f"={db}{end}",
        f"w := … = {want['w_new']}": rf"\({dw}\)={re.escape(want['w_new'])}{end}",
        f"b := … = {want['b_new']}": rf"\({db}\)={re.escape(want['b_new'])}{end}",
    }


def missing(blocks: list[str], want: dict[str, str]) -> list[str]:
    """The names of the rules that no block satisfies."""
    return [
        name for name, rule in rules(want).items() if not any(re.search(rule, b) for b in blocks)
    ]


def open_panel(page: Page) -> None:
    """Open the panel if it is folded away in an expander or behind a tab."""
    main = page.locator('[data-testid="stMain"]')
    folded = main.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for control in (
        folded.filter(has_text=PANEL_NAME),
        main.get_by_role("tab", name=PANEL_NAME, selected=False),
    ):
        if control.count():
            control.first.click()


def panel_reads(page: Page, epoch: int) -> None:
    """Wait until the visible equations state the core's numbers for `epoch`."""
    want = expected(epoch)
    open_panel(page)
    try:
        page.wait_for_function(
            f"""(rules) => {{
              const blocks = ({KATEX_JS})();
              return rules.every((rule) => blocks.some((b) => new RegExp(rule).test(b)));
            }}""",
            arg=list(rules(want).values()),
            timeout=WAIT_MS,
        )
    except PlaywrightError:
        blocks = page.evaluate(KATEX_JS)
        raise AssertionError(
            f"At epoch {epoch} the chain-rule panel does not show {missing(blocks, want)}; "
            f"visible equations: {blocks}"
        ) from None
    assert missing(page.evaluate(KATEX_JS), want) == []


def test_panel_reads_the_article_numbers_at_epoch_0_and_after_one_step(app_page: Page):
    app_page.wait_for_function(
        f"() => document.querySelector('{PLAYER}')?.dataset.serverEpoch === '0'",
        timeout=WAIT_MS,
    )
    # The article: ∂L/∂w = −22, ∂L/∂b = −6, then w = 0.22, b = 0.06.
    panel_reads(app_page, 0)

    app_page.locator(PLAYER).get_by_role("button", name="Step", exact=True).click()
    app_page.wait_for_function(
        f"() => document.querySelector('{PLAYER}')?.dataset.serverEpoch === '1'",
        timeout=WAIT_MS,
    )
    # Epoch 1: ∂L/∂w = −16.8, ∂L/∂b = −4.56.
    panel_reads(app_page, 1)
