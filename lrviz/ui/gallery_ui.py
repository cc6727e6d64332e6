"""The scenario gallery: one click loads a prepared lesson (data, settings, runs pinned)."""

from __future__ import annotations

import streamlit as st

from lrviz.app.choices import DEFAULTS
from lrviz.app.scenarios import Lesson, data_label, lesson_pins, lessons
from lrviz.app.settings import RunSettings
from lrviz.data import escape_markdown
from lrviz.ui import state
from lrviz.ui.compare_ui import set_pins
from lrviz.ui.data_ui import set_data_source
from lrviz.ui.settings import widget_values

COLUMNS = 4


def load_lesson(key: str) -> None:
    """Callback: make the lesson `key` the data, settings and pins on screen.

    Nothing changes if its data or pinned runs cannot be had; the reason is shown instead.
    """
    found = {lesson.key: lesson for lesson in lessons()}.get(key)
    if found is None:
        return
    try:
        pinned = lesson_pins(found)
    except ValueError as error:
        state.LESSON.update(problem=f"{found.title}: {error}")
        return
    problem = set_data_source(found.source)
    if problem:
        state.LESSON.update(problem=f"{found.title}: {problem}")
        return
    state.set_widgets(DEFAULTS)
    state.set_widgets(widget_values(found.settings))
    set_pins(pinned)
    state.LESSON.update(key=key, problem="")


def _same_run(a: RunSettings, b: RunSettings) -> bool:
    return (a.w0, a.b0, a.epochs, a.config) == (b.w0, b.b0, b.epochs, b.config)


def active_lesson(settings: RunSettings, data_name: str) -> Lesson | None:
    """The lesson last loaded, while its data and settings are still the ones on screen."""
    key = state.LESSON.get().key
    for lesson in lessons():
        if lesson.key == key:
            same_data = data_label(lesson.source) == data_name
            return lesson if same_data and _same_run(lesson.settings, settings) else None
    return None


def gallery_ui(settings: RunSettings, data_name: str, columns: int = COLUMNS) -> Lesson | None:
    """Draw the gallery's buttons, `columns` to a row, and the caption of the lesson on screen;
    returns that lesson."""
    st.markdown("**Scenario gallery**")
    all_lessons = lessons()
    for start in range(0, len(all_lessons), columns):
        row = all_lessons[start : start + columns]
        for column, lesson in zip(st.columns(columns), row, strict=False):
            column.button(
                lesson.title,
                key=state.lesson_button_key(lesson.key),
                on_click=load_lesson,
                args=(lesson.key,),
                help=lesson.caption,
                width="stretch",
            )
    problem = state.LESSON.get().problem
    if problem:
        st.error(f"This lesson could not be loaded: {escape_markdown(problem)}")
    lesson = active_lesson(settings, data_name)
    if lesson is not None:
        st.info(f"**{lesson.title}.** {escape_markdown(lesson.caption)}")
    return lesson
