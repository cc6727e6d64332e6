"""Save screenshots of the running app at projector, desktop and laptop sizes.

Usage: python docs/make_screenshots.py [OUT_DIR] [--app PATH] [--query "lr=0.3&epochs=50"]

Starts the app on a free port of 127.0.0.1, opens it in Debian's headless Chromium at 1280x720,
1920x1080 and 1440x900, and writes lrviz-WIDTHxHEIGHT.png into OUT_DIR (default: docs/).
Exits 1 if the app shows an exception or the browser reports an error.
"""

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # so the shared browser helpers import when run as a script

from tests.e2e.browser import (  # noqa: E402
    SCREEN_SIZES,
    app_path,
    chromium,
    open_app,
    open_page,
    save_screenshot,
    serve_app,
    streamlit_exceptions,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=REPO_ROOT / "docs")
    parser.add_argument(
        "--app", type=Path, default=None, help="app file (default: LRVIZ_APP or streamlit_app.py)"
    )
    parser.add_argument("--query", default="", help="query string for the app URL, e.g. lr=0.3")
    parser.add_argument(
        "--settle",
        type=float,
        default=1.0,
        help="seconds to wait after the first run so charts finish drawing (default 1.0)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots; return the exit code."""
    args = parse_args(argv)
    failed = False
    with serve_app(args.app or app_path()) as server, chromium() as browser:
        url = server.url_for(args.query)
        for name, size in SCREEN_SIZES:
            with open_page(browser, size) as tab:
                open_app(tab.page, url)
                tab.page.wait_for_load_state("networkidle")
                tab.page.wait_for_timeout(args.settle * 1000)
                path = save_screenshot(tab.page, args.out_dir, f"lrviz-{size}")
                problems = [f"exception: {e}" for e in streamlit_exceptions(tab.page)]
                problems += tab.problems
            print(f"{name:<10} {size!s:>9}  {path}")
            for problem in problems:
                print(f"  problem: {problem}", file=sys.stderr)
            failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
