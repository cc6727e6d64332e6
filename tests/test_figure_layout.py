"""Figures a small screen can read: short legend lines, and trace uids plotly can select.

The browser half (plot areas and legend boxes as drawn) is tests/e2e/test_legible_panels.py.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from lrviz.app.run import make_run
from lrviz.app.scenarios import data_label, dataset_of, lesson_pins, lessons
from lrviz.app.settings import RunSettings
from lrviz.core import make_dataset
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.player.compare import compare_payload
from lrviz.player.payload import payload
from lrviz.player.plotly_js import INLINE

ARTICLE = [1.0, 2.0, 3.0, 4.0, 5.0]
LESSONS = {lesson.key: lesson for lesson in lessons()}
PANELS = ("fit", "contour", "loss")
LECTURE = DEFAULT_THEME.scaled(1.3)

# plotly removes a vanished trace's colour bar with select(".cb" + uid): the uid must read as a
# chain of CSS class names, none starting with a digit.
CSS_CLASSES = re.compile(r"^-?[A-Za-z_][\w-]*(\.-?[A-Za-z_][\w-]*)*$")


@cache
def lesson_body(key: str) -> dict[str, Any]:
    lesson = LESSONS[key]
    run = make_run(dataset_of(lesson.source), lesson.settings)
    return compare_payload(
        run, lesson_pins(lesson), data_label(lesson.source), LECTURE, INLINE, "k", "v"
    )


def article_body() -> dict[str, Any]:
    return payload(make_run(make_dataset(ARTICLE, ARTICLE), RunSettings()), DEFAULT_THEME, INLINE)


def legend_lines(figure: dict[str, Any]) -> list[str]:
    """Every line of every legend entry shown, markup removed."""
    names = [t.get("name", "") for t in figure["data"] if t.get("showlegend", True) is not False]
    return [re.sub(r"<[^>]+>", "", line) for name in names for line in name.split("<br>")]


@pytest.mark.parametrize("key", sorted(LESSONS))
def test_every_trace_uid_of_a_lesson_is_a_valid_css_class_chain(key: str) -> None:
    body = lesson_body(key)
    uids = [t["uid"] for panel in PANELS for t in body["figures"][panel]["data"] if "uid" in t]
    assert uids
    assert [u for u in uids if not CSS_CLASSES.match(u)] == []


def test_the_zero_optimum_note_fits_a_narrow_plot_on_short_lines() -> None:
    loss = article_body()["figures"]["loss"]
    lines = legend_lines(loss)
    assert "drawn at the axis floor" in lines
    # The widest line sets the width of every entry of a horizontal legend; 1280x720 leaves
    # the loss plot about 200 px, some 28 characters of the legend's type.
    assert max(len(line) for line in lines) <= 28, lines
