"""Save screenshots of a lesson as a projector shows it: the panels and the chain-rule view.

Usage: python docs/make_lecture_screenshots.py [OUT_DIR] [--lesson 3] [--epoch 12]

Starts the app on a free port of 127.0.0.1 in presentation mode, loads a gallery lesson with its
number key, steps to an epoch with the arrow keys, and writes lrviz-lecture-panels-WxH.png and
lrviz-lecture-chain-WxH.png (after the C key) at 1280x720 and 1920x1080 into OUT_DIR (default:
docs/). Exits 1 if the app shows an exception or the browser reports an error.
"""

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # so the shared browser helpers import when run as a script

from tests.e2e.browser import (  # noqa: E402
    DESKTOP,
    PROJECTOR,
    app_path,
    chromium,
    open_app,
    open_page,
    save_screenshot,
    serve_app,
    streamlit_exceptions,
)

PLAYER = '[data-testid="lrviz-player"]'


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=REPO_ROOT / "docs")
    parser.add_argument("--lesson", type=int, default=3, help="gallery key, 1-9 or 0")
    parser.add_argument("--epoch", type=int, default=12, help="epoch to step to")
    args = parser.parse_args(argv)
    failed = False
    with serve_app(app_path()) as server, chromium() as browser:
        for size in (PROJECTOR, DESKTOP):
            with open_page(browser, size) as tab:
                page = tab.page
                open_app(page, server.url_for("present=1"))
                page.wait_for_selector(f"{PLAYER}[data-epoch]", timeout=60_000)
                before = page.get_attribute(PLAYER, "data-run")
                page.keyboard.press(str(args.lesson))
                page.wait_for_function(
                    f"(b) => document.querySelector('{PLAYER}').dataset.run !== b",
                    arg=before,
                    timeout=60_000,
                )
                page.wait_for_timeout(1500)
                for _ in range(args.epoch):
                    page.keyboard.press("ArrowRight")
                page.wait_for_timeout(800)
                shots = [save_screenshot(page, args.out_dir, f"lrviz-lecture-panels-{size}")]
                page.keyboard.press("c")
                page.wait_for_timeout(400)
                shots.append(save_screenshot(page, args.out_dir, f"lrviz-lecture-chain-{size}"))
                problems = [f"exception: {e}" for e in streamlit_exceptions(page)]
                problems += tab.problems
            for path in shots:
                print(f"{size!s:>9}  {path}")
            for problem in problems:
                print(f"  problem: {problem}", file=sys.stderr)
            failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
