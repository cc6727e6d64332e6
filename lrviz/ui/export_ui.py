"""Export the run on screen as one self-contained interactive HTML page (lrviz.export).

The page inlines plotly.js (about 5 MB), so it is built only when the button is clicked, not
on every script run.
"""

from __future__ import annotations

import html

import streamlit as st

from lrviz.app.run import Run
from lrviz.catalog.optimizers import OPTIMIZER_NAMES
from lrviz.core import Dataset
from lrviz.data import escape_html
from lrviz.export import export_html
from lrviz.notation.numbers import fmt
from lrviz.ui.state import EXPORT_HTML


def export_title(run: Run, data_name: str) -> str:
    """The page's title: the data, the run's loss (unless it is the article's MSE), optimizer
    and learning rate (plain text). The page's header names the loss in every case."""
    config = run.settings.config
    loss = "" if config.loss == "mse" else f"{run.scene.loss_label}, "
    return f"lrviz: {data_name}, {loss}{OPTIMIZER_NAMES[config.optimizer]}, α = {fmt(config.lr)}"


def html_page(data: Dataset, run: Run, data_name: str, standardized: bool) -> str:
    """The exported page; a short page saying why, if this run cannot be exported."""
    config = run.settings.config
    title = export_title(run, data_name)
    try:
        return export_html(
            data,
            run.scene.history,
            title=title,
            lr=config.lr,
            optimizer=config.optimizer,
            batch_size=config.batch_size,
            x_label="z = (x − mean)/std" if standardized else "x",
            y_label="y",
            loss=config.loss,
            huber_delta=config.huber_delta,
        )
    except ValueError as error:
        return (
            '<!DOCTYPE html><html lang="en"><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>"
            f"<p>This run could not be exported: {escape_html(str(error))}</p></html>"
        )


def export_ui(data: Dataset, run: Run, data_name: str, standardized: bool = False) -> None:
    """A download button for the run as an interactive page (the CSV is under Download)."""
    st.download_button(
        "Interactive page (HTML)",
        lambda: html_page(data, run, data_name, standardized),
        file_name="lrviz-run.html",
        mime="text/html",
        key=EXPORT_HTML,
        on_click="ignore",
        icon=":material/download:",
        help="One file with plotly inside: opens offline, with a slider and Play over the "
        "epochs. For slides or a course page. The history as CSV is under Download.",
    )
