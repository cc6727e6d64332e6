// Replays a run from arrays embedded once: each frame updates only the moving traces.
(function () {
  "use strict";

  var D = JSON.parse(document.getElementById("lrviz-data").textContent);
  var H = D.history;
  var N = D.epochs_run;
  var plots = {
    data: document.getElementById("plot-data"),
    contour: document.getElementById("plot-contour"),
    loss: document.getElementById("plot-loss")
  };
  var background = document.getElementById("plot-contour-background");
  var T = D.traces;
  var config = {
    displaylogo: false,
    typesetMath: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"]
  };
  var SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

  var slider = document.getElementById("slider");
  var playButton = document.getElementById("play");
  var playIcon = document.getElementById("play-icon");
  var playText = document.getElementById("play-text");
  var backButton = document.getElementById("back");
  var stepButton = document.getElementById("step");
  var speedSelect = document.getElementById("speed");
  var values = {
    epoch: document.getElementById("v-epoch"),
    loss: document.getElementById("v-loss"),
    w: document.getElementById("v-w"),
    b: document.getElementById("v-b"),
    dw: document.getElementById("v-dw"),
    db: document.getElementById("v-db")
  };

  var epoch = 0;
  var drawn = -1;
  var playing = false;
  var speed = 1;
  var lastTime = null;
  var carry = 0;
  var frameRequested = false;

  // Four significant figures, or three in exponent form for very large or small values, so
  // every value fits in about eight characters; a real minus sign.
  function fmt(v) {
    if (!isFinite(v)) return "—";
    if (v === 0) return "0";
    var a = Math.abs(v);
    var s;
    if (a >= 1e5 || a < 1e-3) {
      s = v.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
    } else {
      s = String(Number(v.toPrecision(4)));
    }
    return s.replace(/-/g, "\u2212");
  }

  // Residual segments: x is fixed, so it is built once; y follows the fit.
  var px = D.points.x, py = D.points.y, seg = D.segments;
  var segX = [];
  seg.forEach(function (i) { segX.push(px[i], px[i], null); });

  // Largest gradient of the run: a gradient this many times smaller is rounding noise at the
  // minimum, whose direction means nothing, so no arrow is drawn for it.
  var maxGrad = 0;
  for (var g = 0; g <= N; g++) maxGrad = Math.max(maxGrad, Math.hypot(H.dw[g], H.db[g]));

  // The -grad arrow from (w, b): a fixed length on screen, the true direction in (w, b) units.
  function arrow(k) {
    var lay = plots.contour.layout || D.figures.contour.layout;
    var wr = lay.xaxis.range, br = lay.yaxis.range;
    var gw = -H.dw[k], gb = -H.db[k];
    var nw = gw / (wr[1] - wr[0]), nb = gb / (br[1] - br[0]);
    var len = Math.sqrt(nw * nw + nb * nb);
    var w = H.w[k], b = H.b[k];
    if (!(Math.hypot(gw, gb) > D.arrow_min_relative * maxGrad) || !(len > 0) || !isFinite(len)) {
      // Nulls, not empty arrays: a trace animated to no points blanks the whole scatter layer.
      return { x: [null, null], y: [null, null] };
    }
    var c = D.arrow_fraction * Math.SQRT2 / len;
    // Shortened rather than drawn across the neighbouring panel when it would leave the axes.
    var room = Infinity;
    if (gw !== 0) room = Math.min(room, ((gw > 0 ? wr[1] : wr[0]) - w) / gw);
    if (gb !== 0) room = Math.min(room, ((gb > 0 ? br[1] : br[0]) - b) / gb);
    if (room > 0) c = Math.min(c, room);
    return { x: [w, w + c * gw], y: [b, b + c * gb] };
  }

  // New x/y of every moving trace at epoch k, by figure: {figure: [[traceIndex, {x, y}], ...]}.
  function moving(k) {
    var w = H.w[k], b = H.b[k];
    var segY = [];
    seg.forEach(function (i) { segY.push(py[i], w * px[i] + b, null); });
    var fx = D.fit_x;
    return {
      data: [
        [T.data.residuals, { x: segX, y: segY }],
        [T.data.fit, { x: fx, y: [w * fx[0] + b, w * fx[1] + b] }]
      ],
      contour: [
        [T.contour.path, { x: H.w.slice(0, k + 1), y: H.b.slice(0, k + 1) }],
        [T.contour.arrow, arrow(k)],
        [T.contour.current, { x: [w], y: [b] }]
      ],
      loss: [[T.loss.current, { x: [k], y: [Math.max(H.loss[k], D.loss_floor)] }]]
    };
  }

  // Plotly.animate with a one-off frame object (no stored frames) and redraw: false recomputes
  // and redraws only the listed traces; Plotly.restyle redoes the whole plot and measured 15 to
  // 50 times slower per frame. Such a transition drops traces plotly cannot animate, which is
  // why the contour lives in a figure of its own underneath.
  var ANIMATE = {
    transition: { duration: 0 },
    frame: { duration: 0, redraw: false },
    mode: "immediate"
  };

  function draw(k) {
    var updates = moving(k);
    Object.keys(updates).forEach(function (name) {
      Plotly.animate(plots[name], {
        data: updates[name].map(function (u) { return u[1]; }),
        traces: updates[name].map(function (u) { return u[0]; })
      }, ANIMATE);
    });
    showStatus(k);
  }

  function showStatus(k) {
    values.epoch.textContent = String(k);
    values.loss.textContent = fmt(H.loss[k]);
    values.w.textContent = fmt(H.w[k]);
    values.b.textContent = fmt(H.b[k]);
    values.dw.textContent = fmt(H.dw[k]);
    values.db.textContent = fmt(H.db[k]);
    drawn = k;
  }

  // Draw at most once per display frame, always the latest epoch asked for.
  function requestDraw() {
    if (frameRequested) return;
    frameRequested = true;
    window.requestAnimationFrame(function () {
      frameRequested = false;
      if (drawn !== epoch) draw(epoch);
    });
  }

  function setEpoch(k) {
    epoch = Math.max(0, Math.min(N, Math.round(k)));
    slider.value = String(epoch);
    backButton.disabled = epoch === 0;
    stepButton.disabled = epoch === N;
    requestDraw();
  }

  function setPlaying(on) {
    playing = on && N > 0;
    playIcon.textContent = playing ? "\u275A\u275A" : "\u25B6";
    playText.textContent = playing ? "Pause" : "Play";
    playButton.setAttribute("aria-pressed", playing ? "true" : "false");
    if (playing) {
      if (epoch >= N) setEpoch(0);
      lastTime = null;
      carry = 0;
      window.requestAnimationFrame(tick);
    }
  }

  // Epochs advance with elapsed time, so a slow machine skips epochs instead of slowing down.
  function tick(now) {
    if (!playing) return;
    if (lastTime !== null) {
      carry += (now - lastTime) / 1000 * speed;
      var whole = Math.floor(carry);
      if (whole > 0) {
        carry -= whole;
        setEpoch(epoch + whole);
      }
    }
    lastTime = now;
    if (epoch >= N) {
      setPlaying(false);
      return;
    }
    window.requestAnimationFrame(tick);
  }

  // Redraws that change a chart's size run one at a time: plotly's relayouts overlapping
  // across charts can leave one chart's axes drawn at the old size.
  var pending = Promise.resolve();
  function inTurn(redraw) {
    pending = pending.then(redraw).catch(function () { /* a failed redraw keeps the last */ });
  }

  // The contour lies under the contour panel's figure: same size, same plot area, same ranges.
  function plotArea(gd) {
    var size = gd._fullLayout._size;
    return { l: size.l, r: size.r, t: size.t, b: size.b, pad: 0 };
  }

  function alignBackground() {
    if (!background._fullLayout) return;
    var want = plotArea(plots.contour), have = background._fullLayout.margin;
    if (want.l !== have.l || want.r !== have.r || want.t !== have.t || want.b !== have.b) {
      inTurn(function () { return Plotly.relayout(background, { margin: want }); });
    }
  }

  function followZoom() {
    var lay = plots.contour.layout;
    var ranges = { "xaxis.range": lay.xaxis.range.slice(), "yaxis.range": lay.yaxis.range.slice() };
    inTurn(function () { return Plotly.relayout(background, ranges); });
    draw(epoch);  // the arrow's length is set in screen terms, so it follows the zoom
  }

  function figure(name) {
    var fig = D.figures[name];
    return { data: fig.data, layout: fig.layout };
  }

  function init() {
    var figs = { data: figure("data"), contour: figure("contour"), loss: figure("loss") };
    figs.contour.data[T.contour.start].x = [H.w[0]];
    figs.contour.data[T.contour.start].y = [H.b[0]];
    var ex = [], ey = [];
    for (var k = 0; k <= N; k++) {
      ex.push(k);
      ey.push(Math.max(H.loss[k], D.loss_floor));
    }
    figs.loss.data[T.loss.curve].x = ex;
    figs.loss.data[T.loss.curve].y = ey;
    // The first frame goes straight into the figures, so the page is complete once drawn.
    var first = moving(0);
    Object.keys(first).forEach(function (name) {
      first[name].forEach(function (u) {
        figs[name].data[u[0]].x = u[1].x;
        figs[name].data[u[0]].y = u[1].y;
      });
    });
    Object.keys(figs).forEach(function (name) {
      Plotly.newPlot(plots[name], figs[name].data, figs[name].layout, config);
    });
    var below = figure("contour_background");
    below.layout.margin = plotArea(plots.contour);
    Plotly.newPlot(background, below.data, below.layout, { staticPlot: true, typesetMath: false });
    plots.contour.on("plotly_afterplot", alignBackground);
    plots.contour.on("plotly_relayout", followZoom);
    showStatus(0);

    // Default speed: the whole run in about ten seconds.
    var chosen = SPEEDS[SPEEDS.length - 1];
    for (var i = 0; i < SPEEDS.length; i++) {
      if (SPEEDS[i] >= N / 10) { chosen = SPEEDS[i]; break; }
    }
    SPEEDS.forEach(function (s) {
      var opt = document.createElement("option");
      opt.value = String(s);
      opt.textContent = s + "/s";
      if (s === chosen) opt.selected = true;
      speedSelect.appendChild(opt);
    });
    speed = chosen;

    document.getElementById("v-of").textContent = " / " + N;
    slider.max = String(N);
    playButton.disabled = N === 0;
    slider.disabled = N === 0;

    playButton.addEventListener("click", function () { setPlaying(!playing); });
    backButton.addEventListener("click", function () { setPlaying(false); setEpoch(epoch - 1); });
    stepButton.addEventListener("click", function () { setPlaying(false); setEpoch(epoch + 1); });
    slider.addEventListener("input", function () {
      setPlaying(false);
      setEpoch(Number(slider.value));
    });
    speedSelect.addEventListener("change", function () {
      speed = Number(speedSelect.value);
    });
    document.addEventListener("keydown", function (e) {
      var tag = e.target && e.target.tagName;
      // The slider and the speed list handle their own keys; a focused button clicks on Space.
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
      if (tag === "BUTTON" && (e.key === " " || e.key === "Enter")) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var handled = true;
      if (e.key === " ") setPlaying(!playing);
      else if (e.key === "ArrowRight") { setPlaying(false); setEpoch(epoch + 1); }
      else if (e.key === "ArrowLeft") { setPlaying(false); setEpoch(epoch - 1); }
      else if (e.key === "Home") { setPlaying(false); setEpoch(0); }
      else if (e.key === "End") { setPlaying(false); setEpoch(N); }
      else handled = false;
      if (handled) e.preventDefault();
    });

    // The status line may wrap on a narrow screen; the plots follow their boxes, not the window.
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          inTurn(function () { return Plotly.Plots.resize(entry.target); });
        });
      });
      Object.keys(plots).forEach(function (name) { observer.observe(plots[name]); });
      observer.observe(background);
    }

    setEpoch(0);
  }

  init();
})();
