"""The export button's page: the run on screen as one offline HTML file, or a page saying why."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lrviz.core import TrainConfig, make_dataset
from lrviz.player.run import RunSettings, make_run
from lrviz.ui.export_ui import export_title, html_page

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])


def test_the_page_is_the_run_with_plotly_inside() -> None:
    run = make_run(ARTICLE, RunSettings(epochs=50, config=TrainConfig(lr=0.05)))
    page = html_page(ARTICLE, run, "Article example", standardized=False)
    assert page.startswith("<!DOCTYPE html>")
    assert "α = 0.05" in page
    assert len(page) > 1_000_000  # plotly.js is inlined, nothing is fetched


def test_a_data_name_with_markup_is_text_in_the_page() -> None:
    run = make_run(ARTICLE, RunSettings(epochs=5))
    page = html_page(ARTICLE, run, "<script>alert(1)</script>", standardized=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert export_title(run, "x").startswith("lrviz: x, Gradient descent")


def test_a_run_that_cannot_be_exported_gives_a_page_that_says_why() -> None:
    run = make_run(ARTICLE, RunSettings(epochs=5))
    other = make_dataset([1.0, 2.0], [7.0, -3.0])  # not the data this run was trained on
    page = html_page(other, run, "data", standardized=False)
    assert "could not be exported" in page
    assert len(page) < 2_000


def test_the_app_offers_the_download() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith("lrviz_export_html")]
    assert len(buttons) == 1
