"""The offline HTML export: the app's player in one self-contained page, nothing fetched.

The page carries the same JS and CSS as the app's component (lrviz.player.bundle), the same
payload (lrviz.player.payload), the epoch it opens at, the followed point and any pinned runs.
"""

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.app.pins import Pin
from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig, make_dataset
from lrviz.export import export_html, export_run
from lrviz.export.script_json import script_json
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.player.bundle import ASSETS, PLAYER_FILES, player_css, player_js
from lrviz.player.payload import encode, payload, payload_key
from lrviz.player.plotly_js import INLINE, PLOTLY_CARTESIAN_JS, PLOTLY_FULL_JS

X = [1.0, 2.0, 3.0, 4.0, 5.0]
ARTICLE = make_dataset(X, X)
PLOTLY_JS = PLOTLY_CARTESIAN_JS.read_text(encoding="utf-8")
FULL_PLOTLY_JS = PLOTLY_FULL_JS.read_text(encoding="utf-8")
MALICIOUS = "</script><img src=x onerror=alert(1)>"
# Tags the page's own markup uses; anything else would have come from embedded text.
PAGE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "script",
    "body",
    "h1",
    "div",
    "noscript",
    "p",
}
# The player's one URI: the SVG namespace its overlay creates elements in (never fetched).
SVG_NS = "http://www.w3.org/2000/svg"


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


def embedded(document: str, script_id: str) -> dict:
    """The JSON of one <script type="application/json">, parsed, refusing NaN and Infinity."""
    (text,) = [text for attrs, text in parse(document).scripts if attrs.get("id") == script_id]

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the embedded JSON")

    return json.loads(text, parse_constant=refuse)


def run_of(epochs: int = 1000, lr: float = 0.01, **config: object):
    return make_run(ARTICLE, RunSettings(epochs=epochs, config=TrainConfig(lr=lr, **config)))


@pytest.fixture(scope="module")
def article():
    run = run_of()
    return run, export_run(run, title="Article example", epoch=37)


def test_one_document_with_plotly_and_the_player_inlined(article):
    _, document = article
    assert document.startswith("<!DOCTYPE html>")
    assert document.rstrip().endswith("</html>")
    assert document.count(PLOTLY_JS) == 1
    assert FULL_PLOTLY_JS not in document
    tags = parse(document)
    names = [name for name, _ in tags.tags]
    assert names.count("html") == 1 and names.count("body") == 1
    assert set(names) <= PAGE_TAGS
    # plotly.js, the payload, what the app's components tell the player, the player.
    assert len(tags.scripts) == 4
    assert all("src" not in attrs for attrs, _ in tags.scripts)
    assert "link" not in names and "iframe" not in names and "img" not in names


def test_the_page_runs_the_apps_player_code_and_css(article):
    _, document = article
    code = [text for attrs, text in parse(document).scripts if not attrs and text.strip()][-1]
    # Every file the app's component joins, in the same order, then the page's own host.
    app, page = player_js("streamlit"), player_js("page")
    shared = app[: app.index(ASSETS.joinpath("host_streamlit.js").read_text(encoding="utf-8"))]
    assert page.startswith(shared) and shared in code
    assert ASSETS.joinpath("host_page.js").read_text(encoding="utf-8") in code
    assert "export default" not in code  # a classic script: the app's host is not in it
    assert player_css() in document


def test_no_address_outside_the_plotly_bundle(article):
    _, document = article
    rest = document.replace(PLOTLY_JS, "").replace(SVG_NS, "")
    for needle in ("http:", "https:", "//cdn", "cdn.plot.ly", "src=", "/component/"):
        assert needle not in rest
    assert embedded(document, "lrviz-payload")["plotly_url"] == ""
    assert embedded(document, "lrviz-payload")["plotly_full_url"] == ""


def test_page_forbids_every_fetch(article):
    _, document = article
    metas = [a for name, a in parse(document).tags if name == "meta"]
    csp = [a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    assert "default-src 'none'" in csp[0]
    assert "unsafe-eval" not in csp[0]


def test_the_payload_is_the_apps_payload(article):
    run, document = article
    key = payload_key(run.run_id, DEFAULT_THEME, INLINE)
    expected = json.loads(encode(payload(run, DEFAULT_THEME, INLINE, key, run.run_id)))
    # Without the full plotly.js the page offers no 3D bowl, so its figure is left out.
    del expected["figures"]["bowl"]
    assert embedded(document, "lrviz-payload") == expected


def test_a_page_with_the_bowl_inlines_the_full_plotly_js_and_keeps_its_figure():
    run = run_of(epochs=20)
    document = export_run(run, title="t", bowl=True)
    assert document.count(FULL_PLOTLY_JS) == 1
    assert PLOTLY_JS not in document
    assert len(parse(document).scripts) == 4
    sent = embedded(document, "lrviz-payload")
    assert sent["figures"]["bowl"]["data"][0]["type"] == "surface"
    assert sent["plotly_url"] == sent["plotly_full_url"] == ""


@pytest.mark.parametrize(("epoch", "opens"), [(37, 37), (0, 0), (-5, 0), (10**9, 1000)])
def test_it_opens_at_the_epoch_exported(epoch, opens):
    run = run_of()
    told = embedded(export_run(run, title="t", epoch=epoch), "lrviz-told")
    assert told["sync"] == {"run": run.run_id, "epoch": opens}


@pytest.mark.parametrize("epoch", [True, 1.5, "3", None])
def test_an_epoch_that_is_not_a_whole_number_is_refused(epoch):
    with pytest.raises(ValueError, match="whole number"):
        export_run(run_of(epochs=5), title="t", epoch=epoch)


def test_it_carries_the_followed_point_and_the_chain_rule(article):
    run, document = article
    told = embedded(document, "lrviz-told")
    assert told["mark"]["run"] == run.run_id
    assert told["mark"]["point"] == {"i": 0, "x": 1.0, "y": 1.0}
    assert len(told["mark"]["chain"]["yh"]) == run.scene.last_epoch + 1
    assert embedded(document, "lrviz-payload")["chain"]["n"] == 5
    # The page is on its own: no gallery, banners shown inside the player.
    assert told["screen"]["standalone"] is True and told["screen"]["lessons"] == []


def test_it_carries_pinned_runs():
    here, other = run_of(epochs=200, lr=0.01), run_of(epochs=200, lr=0.02)
    document = export_run(here, title="t", pins=[Pin.of(other, "Article")], data_name="Article")
    figures = embedded(document, "lrviz-payload")["figures"]
    pinned = [t for t in figures["contour"]["data"] if str(t.get("uid", "")).startswith("pinned.")]
    assert len(pinned) == 1
    assert pinned[0]["x"] == pytest.approx(other.scene.history.w.tolist())


def test_a_payload_that_is_not_a_run_is_refused():
    with pytest.raises(ValueError, match="not a run"):
        export_html(b'{"no": "run"}', title="t")
    with pytest.raises(ValueError, match="not a run"):
        export_html(b"\xff", title="t")


def test_size_grows_linearly_with_epochs():
    sizes = {n: len(export_run(run_of(epochs=n), title="t").encode()) for n in (1000, 2000, 4000)}
    first, second = sizes[2000] - sizes[1000], sizes[4000] - sizes[2000]
    # Linear growth doubles the increment when the epochs added double; per-epoch frames
    # (quadratic) would quadruple it.
    assert 1.5 < second / first < 2.5


def test_malicious_title_is_shown_not_run():
    document = export_run(run_of(epochs=20), title=MALICIOUS)
    tags = parse(document)
    assert {name for name, _ in tags.tags} <= PAGE_TAGS
    assert len(tags.scripts) == 4
    assert tags.title == MALICIOUS  # the browser tab shows it literally
    rest = document.replace(PLOTLY_JS, "")
    assert "<img" not in rest and "</script><" not in rest


@settings(max_examples=10, deadline=None)
@given(text=st.text(max_size=80))
def test_any_title_keeps_the_page_intact(text):
    document = export_html(EXPORT_BODY, title=text)
    tags = parse(document)
    assert {name for name, _ in tags.tags} <= PAGE_TAGS
    assert len(tags.scripts) == 4


EXPORT_BODY = encode(payload(run_of(epochs=3), DEFAULT_THEME, INLINE))


def test_one_renderer_and_one_namespace():
    # The export package holds no player of its own.
    export_dir = Path(__file__).resolve().parents[1] / "lrviz" / "export"
    assert not [p.name for p in export_dir.iterdir() if p.suffix in (".js", ".css")]
    # window.__lrviz is made in page.js alone, which the others are joined after.
    makers = [p.name for p in ASSETS.glob("*.js") if re.search(r"__lrviz\s*=", p.read_text())]
    assert makers == ["page.js"]
    assert PLAYER_FILES[0] == "page.js"


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
