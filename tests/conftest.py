"""Shared test configuration: Hypothesis profiles and the rule that no test skips."""

import os

import pytest
from hypothesis import settings

# No deadline anywhere: per-example timing fails at random on a loaded 2-core machine, and tests
# here make no timing claims. "ci" is derandomized so a CI failure reproduces exactly; "dev"
# keeps random exploration and the example database so local runs keep finding new cases.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


class NoSkipGuard:
    """Fails the run if any test skipped: every test here must run, on a laptop and in CI."""

    def __init__(self) -> None:
        self.skipped: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Record tests that skipped (an expected failure is not a skip)."""
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skipped.append(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Turn a green run with skips into a failed one."""
        if self.skipped and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Name the skipped tests that failed the run."""
        if self.skipped:
            terminalreporter.write_line(
                f"FAILED: {len(self.skipped)} test(s) skipped, and tests here must not skip: "
                + ", ".join(self.skipped),
                red=True,
            )


def pytest_configure(config: pytest.Config) -> None:
    """Install the no-skip guard."""
    config.pluginmanager.register(NoSkipGuard(), "lrviz-no-skip-guard")
