"""The offline HTML export: one self-contained page, the run embedded once, nothing escapes."""

import json
import math
from html.parser import HTMLParser

import numpy as np
import plotly.offline
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.core import History, loss_surface, make_dataset, optimum, train
from lrviz.export import export_html
from lrviz.export.panels import log_ticks
from lrviz.export.script_json import script_json

X = [1.0, 2.0, 3.0, 4.0, 5.0]
PLOTLY_JS = plotly.offline.get_plotlyjs()
HISTORY_FIELDS = ("w", "b", "loss", "dw", "db")
MALICIOUS = "</script><img src=x onerror=alert(1)>"
# Tags the page's own markup uses; anything else would have come from embedded text.
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "script", "body", "header", "h1", "p", "div",
    "span", "main", "section", "h2", "button", "input", "label", "select", "noscript",
}  # fmt: skip


class Tags(HTMLParser):
    """Start tags of a document, each <script> with its attributes and text, and the <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "title") else None
        if tag == "script":
            self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self._in == "title":
            self.title += data


def parse(document: str) -> Tags:
    parser = Tags()
    parser.feed(document)
    parser.close()
    return parser


def payload(document: str) -> dict:
    """The JSON the page embeds, parsed, refusing NaN and Infinity."""
    (text,) = [text for attrs, text in parse(document).scripts if attrs.get("id") == "lrviz-data"]

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the embedded JSON")

    return json.loads(text, parse_constant=refuse)


def export(x=X, y=X, *, epochs=1000, lr=0.01, title="Article example", **kw) -> tuple:
    data = make_dataset(x, y)
    optimizer = kw.pop("optimizer", "gd")
    history = train(x, y, epochs=epochs, lr=lr, optimizer=optimizer, **kw)
    return history, export_html(data, history, title=title, lr=lr, optimizer=optimizer)


@pytest.fixture(scope="module")
def article() -> tuple[History, str]:
    return export()


def test_one_document_with_plotly_inlined(article):
    _, document = article
    assert document.startswith("<!DOCTYPE html>")
    assert document.rstrip().endswith("</html>")
    assert document.count(PLOTLY_JS) == 1
    tags = parse(document)
    names = [name for name, _ in tags.tags]
    assert names.count("html") == 1 and names.count("body") == 1
    assert set(names) <= PAGE_TAGS
    # Three inline scripts: plotly.js, the run's data, the player. None loads anything.
    assert len(tags.scripts) == 3
    assert all("src" not in attrs for attrs, _ in tags.scripts)
    assert "link" not in names and "iframe" not in names and "img" not in names


def test_no_address_outside_the_plotly_bundle(article):
    _, document = article
    # The bundle names map-tile servers for trace types this page never uses; the rest of the
    # page must not name any server at all.
    rest = document.replace(PLOTLY_JS, "")
    for needle in ("http:", "https:", "//cdn", "cdn.plot.ly", "src="):
        assert needle not in rest


def test_page_forbids_every_fetch(article):
    _, document = article
    metas = [a for name, a in parse(document).tags if name == "meta"]
    csp = [a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    assert "default-src 'none'" in csp[0]
    assert "unsafe-eval" not in csp[0]


@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(lr=0.1),  # diverges
        dict(optimizer="adam", lr=0.05, epochs=300),
        dict(optimizer="momentum", batch_size=2, epochs=50),
        dict(epochs=0),
    ],
    ids=["gd", "diverged", "adam", "momentum-minibatch", "no-epochs"],
)
def test_embedded_history_is_the_history(kw):
    history, document = export(**kw)
    embedded = payload(document)
    for name in HISTORY_FIELDS:
        # Exact: JSON keeps every float64 to the last bit.
        assert embedded["history"][name] == getattr(history, name).tolist()
    assert embedded["epochs_run"] == history.epochs_run
    assert embedded["diverged_at"] == history.diverged_at
    assert embedded["epochs_planned"] == history.epochs


def test_no_stored_animation_frames(article):
    figures = payload(article[1])["figures"]
    assert figures
    assert all("frames" not in figure for figure in figures.values())


def test_embedded_data_points_are_the_data(article):
    embedded = payload(article[1])["points"]
    assert embedded == {"x": X, "y": X}


def test_size_grows_linearly_with_epochs():
    sizes = {n: len(export(epochs=n)[1].encode()) for n in (1000, 2000, 4000)}
    first, second = sizes[2000] - sizes[1000], sizes[4000] - sizes[2000]
    # Linear growth doubles the increment when the epochs added double; per-epoch frames
    # (quadratic) would quadruple it.
    assert 1.5 < second / first < 2.5
    # Five numbers an epoch, each at most 24 characters and a comma.
    assert first / 1000 <= 5 * 25


def test_malicious_text_is_shown_not_run():
    data = make_dataset(X, X)
    history = train(X, X, epochs=20, lr=0.01)
    document = export_html(
        data,
        history,
        title=MALICIOUS,
        lr=0.01,
        optimizer=MALICIOUS,
        x_label=MALICIOUS,
        y_label=MALICIOUS,
    )
    tags = parse(document)
    assert {name for name, _ in tags.tags} <= PAGE_TAGS
    assert len(tags.scripts) == 3
    assert tags.title == MALICIOUS  # the browser tab shows it literally
    rest = document.replace(PLOTLY_JS, "")
    assert "<img" not in rest and "</script><" not in rest
    embedded = payload(document)
    # Plotly reads axis titles as markup, so they are stored entity-escaped and show literally.
    x_title = embedded["figures"]["data"]["layout"]["xaxis"]["title"]["text"]
    assert "<" not in x_title and "&lt;" in x_title


@settings(max_examples=25)
@given(text=st.text(max_size=80))
def test_any_title_or_label_keeps_the_page_intact(text):
    data = make_dataset(X, X)
    history = train(X, X, epochs=3, lr=0.01)
    document = export_html(
        data, history, title=text, lr=0.01, optimizer="gd", x_label=text, y_label=text
    )
    tags = parse(document)
    assert {name for name, _ in tags.tags} <= PAGE_TAGS
    assert len(tags.scripts) == 3
    assert payload(document)["history"]["w"] == history.w.tolist()


@given(value=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
))  # fmt: skip
def test_script_json_round_trips_without_html_characters(value):
    text = script_json(value)
    assert not any(c in text for c in "<>&\u2028\u2029")
    assert json.loads(text) == value


def test_script_json_refuses_nan():
    with pytest.raises(ValueError, match="JSON"):
        script_json({"loss": math.nan})


def test_diverged_run_ends_early_with_a_note():
    history, document = export(lr=0.1)
    assert history.diverged_at is not None
    embedded = payload(document)
    assert len(embedded["history"]["w"]) == history.diverged_at
    assert f"at epoch {history.diverged_at} the loss blew up" in document
    assert "has-warning" in document


def test_run_without_epochs_exports_its_start():
    _, document = export(epochs=0)
    embedded = payload(document)
    assert embedded["epochs_run"] == 0
    assert embedded["history"]["w"] == [0.0]
    assert "No epochs were run" in document


def test_contour_is_log_spaced_loss_above_the_minimum(article):
    _, document = article
    background = payload(document)["figures"]["contour_background"]
    (trace,) = background["data"]
    assert trace["type"] == "contour"
    ws, bs, z = np.array(trace["x"]), np.array(trace["y"]), np.array(trace["z"])
    contours = trace["contours"]
    excess = loss_surface(X, X, ws, bs) - optimum(X, X).loss
    above = z > contours["start"]
    assert above.mean() > 0.5
    np.testing.assert_allclose(z[above], np.log10(excess[above]), atol=1e-3)
    # Levels are equally spaced in log10, so geometric in the loss.
    assert contours["size"] > 0
    assert contours["start"] < contours["end"] <= z.max() + 1e-3  # z is rounded to 3 decimals


def test_contour_covers_path_and_minimum(article):
    history, document = article
    layout = payload(document)["figures"]["contour"]["layout"]
    (w_lo, w_hi), (b_lo, b_hi) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    opt = optimum(X, X)
    assert w_lo < min(history.w.min(), opt.w) and w_hi > max(history.w.max(), opt.w)
    assert b_lo < min(history.b.min(), opt.b) and b_hi > max(history.b.max(), opt.b)


def test_many_points_are_thinned_and_said_so():
    rng = np.random.default_rng(0)
    x = rng.normal(size=20_000)
    y = 2 * x + rng.normal(size=20_000)
    _, document = export(x, y, epochs=10, lr=0.1)
    points = payload(document)["points"]
    assert 2 <= len(points["x"]) <= 2_000
    assert set(points["x"]) <= set(x.tolist())
    assert "Showing 2,000 of 20,000 points" in document


def test_all_x_equal_draws_the_line_of_minima():
    _, document = export([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], epochs=20, lr=0.05)
    minimum = payload(document)["figures"]["contour"]["data"][0]
    assert minimum["name"] == "minima"
    # Every point of the drawn line is a minimum: b = mean(y) - x0 * w.
    for w, b in zip(minimum["x"], minimum["y"], strict=True):
        assert b == pytest.approx(2.0 - 2.0 * w)
    assert "the minimum is a line" in document


def test_minimum_too_far_to_draw_is_left_out():
    # x this close together make the least-squares slope overflow the drawable range.
    x, y = [1.0, 1.0 + 2.2e-16, 1.0], [0.0, 1e140, 0.0]
    assert not optimum(x, y).unique
    history, document = export(x, y, epochs=5, lr=0.1)
    figure = payload(document)["figures"]["contour"]
    assert figure["data"][0]["x"] == [None]
    (w_lo, w_hi) = figure["layout"]["xaxis"]["range"]
    assert w_lo < history.w.min() and history.w.max() < w_hi
    assert "almost vertical" in document


def test_history_of_other_data_is_refused():
    history = train(X, X, epochs=10, lr=0.01)
    other = make_dataset(X, [2.0, 4.0, 6.0, 8.0, 10.0])
    with pytest.raises(ValueError, match="not trained on this data"):
        export_html(other, history, title="t", lr=0.01, optimizer="gd")


def test_run_that_diverged_at_once_is_refused_with_a_message():
    # w0 * x = 1e300, whose square overflows: not even epoch 0 is finite.
    history = train([1e150], [0.0], epochs=5, lr=0.01, w0=1e150)
    assert history.epochs_run == -1
    with pytest.raises(ValueError, match="diverged before its first epoch"):
        export_html(make_dataset([1e150], [0.0]), history, title="t", lr=0.01, optimizer="gd")


@pytest.mark.parametrize("lr", [0.0, -1.0, math.nan, math.inf, True])
def test_bad_learning_rate_is_refused(lr):
    history = train(X, X, epochs=1, lr=0.01)
    with pytest.raises(ValueError, match="learning rate"):
        export_html(make_dataset(X, X), history, title="t", lr=lr, optimizer="gd")


@pytest.mark.parametrize("batch_size", [0, -2, 1.5, True, "2"])
def test_bad_batch_size_is_refused(batch_size):
    history = train(X, X, epochs=1, lr=0.01)
    with pytest.raises(ValueError, match="batch size"):
        export_html(
            make_dataset(X, X), history, title="t", lr=0.01, optimizer="gd", batch_size=batch_size
        )


@given(lo=st.floats(-20, 20), span=st.floats(0.01, 2.49))
def test_short_log_axes_get_at_least_four_labelled_ticks(lo, span):
    ticks = log_ticks((lo, lo + span))
    values = ticks["tickvals"]
    assert len(values) >= 4 and len(values) == len(ticks["ticktext"])
    assert all(lo <= math.log10(v) <= lo + span for v in values)
    assert values == sorted(values)
