// The lrviz player: status line, transport controls and the three linked panels of one run.
//
// Python sends each run once (figures, trajectory arrays, per-epoch status text). Everything
// that moves is drawn here, from those arrays, so Play runs without the server. The server
// hears about the epoch on screen whenever playback comes to rest (Step, Back, Reset, scrub,
// Pause, a stop at the end), through the component state `cursor` = {run, epoch}.
// A second, hidden component (sync.js) carries the server's view back ({run, epoch}): it
// restores the epoch after a remount and lets tests see that the server agrees.

const SPEEDS = [1, 2, 5, 10, 20, 30, 60, 150, 600, 3000]; // epochs per second
const DEFAULT_SPEED = 30;
const FRAME_RATE = 30; // fast-forward draws this many frames per second, several epochs each
const PLOTLY_CONFIG = {
  displaylogo: false,
  // The player sizes its charts itself (a ResizeObserver and Player.fit), never mid-redraw.
  responsive: false,
  scrollZoom: false,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
};
// [action, text, accessible name, tooltip with the key]
const BUTTONS = [
  ["reset", "⇤ Reset", "Reset", "Back to epoch 0 (Home)"],
  ["back", "◀ Back", "Back", "Back one epoch (←; Shift+← ten)"],
  ["step", "Step ▶", "Step", "One epoch forward (→)"],
  ["step10", "Step ×10", "Step ×10", "Ten epochs forward (Shift+→)"],
  ["play", "▶ Play", "Play", "Play or pause (Space); End jumps to the last epoch"],
];
const FIELDS = [
  ["epoch", "Epoch"],
  ["loss", "Loss"],
  ["w", "w"],
  ["b", "b"],
  ["dw", "∂L/∂w"],
  ["db", "∂L/∂b"],
];
// Inputs that take typed text keep their keys; every other control (sliders, selects, buttons,
// checkboxes) gives the player's keys to the player.
const TEXT_INPUTS = new Set(["", "text", "search", "number", "email", "password", "url", "tel"]);
const PLAYER_KEYS = new Set(["ArrowRight", "ArrowLeft", " ", "Spacebar", "Home", "End"]);
const PAGE = (window.__lrviz = window.__lrviz || { player: null, sync: null, plotly: null });

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!PAGE.plotly) {
    PAGE.plotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        PAGE.plotly = null;
        reject(new Error(`plotly.js did not load from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return PAGE.plotly;
}

// ==== first paint: payload unpacking (lrviz/player/payload.py) ===================================
// The payload leaves out what the browser can put back: each point's pulls on b (pb) are its
// pulls on y_hat (pg), since dy_hat/db = 1; sent once, they are shared here.
function unpackPayload(payload) {
  const pulls = payload.chain && payload.chain.pulls;
  if (pulls && pulls.pb === undefined) pulls.pb = pulls.pg;
  return payload;
}
// ==== end first paint: payload unpacking ========================================================

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function speedLabel(rate) {
  if (rate <= 60) return `${rate} epochs/s`;
  return `» ${rate}/s (${Math.round(rate / FRAME_RATE)}/frame)`;
}

function signed(text) {
  // "−0.06" -> "− 0.06", "0.06" -> "+ 0.06": the intercept as it is read aloud in ŷ = wx + b.
  return text.startsWith("−") ? `− ${text.slice(1)}` : `+ ${text}`;
}

// ---- the moving layer ----------------------------------------------------------------------
//
// Drawn as plain SVG over each plotly chart, from the moving traces of the Python figure (their
// colours, widths, dashes and markers): updating a few <path> elements costs well under a
// millisecond, where a plotly restyle redraws the whole graph (5-15 ms per chart here).

const SVGNS = "http://www.w3.org/2000/svg";

// px. Chromium draws a path exactly with coordinates up to ~1e15 px; beyond LIMIT a segment is
// cut to the drawing box instead.
const LIMIT = 1e12;

function clipSegment(x0, y0, x1, y1, box) {
  // Liang-Barsky: the part of the segment inside box [xmin, xmax, ymin, ymax], or null. Lines
  // are cut exactly rather than their far ends pulled in, which would bend them.
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const sides = [
    [-dx, x0 - box[0]],
    [dx, box[1] - x0],
    [-dy, y0 - box[2]],
    [dy, box[3] - y0],
  ];
  for (const [step, room] of sides) {
    if (step === 0) {
      if (room < 0) return null;
      continue;
    }
    const t = room / step;
    if (step < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return null;
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}

function inBox(x, y, box) {
  return x >= box[0] && x <= box[1] && y >= box[2] && y <= box[3];
}

function dashArray(dash, width) {
  // plotly's own dash patterns (Drawing.dashStyle), so the layer matches the legend.
  const r = Math.max(width, 3);
  const table = {
    dot: [r, r],
    dash: [3 * r, 3 * r],
    longdash: [5 * r, 5 * r],
    dashdot: [3 * r, r, r, r],
    longdashdot: [5 * r, 2 * r, r, 2 * r],
  };
  return table[dash] ? table[dash].join(",") : "";
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

class Overlay {
  constructor(host) {
    this.node = svg("svg", { class: "lrviz-overlay", "aria-hidden": "true" });
    const id = `lrviz-clip-${Math.random().toString(36).slice(2)}`;
    this.clip = svg("rect", { x: 0, y: 0, width: 0, height: 0 });
    const clipPath = svg("clipPath", { id });
    clipPath.append(this.clip);
    const defs = svg("defs");
    defs.append(clipPath);
    this.layer = svg("g", { "clip-path": `url(#${id})` });
    this.node.append(defs, this.layer);
    host.append(this.node);
    this.items = {};
    this.geom = null;
  }

  setTraces(traces) {
    this.layer.replaceChildren();
    this.items = {};
    for (const trace of traces) {
      const mode = trace.mode || "lines";
      const line = trace.line || {};
      const marker = trace.marker || {};
      const group = svg("g", { opacity: trace.opacity === undefined ? 1 : trace.opacity });
      const item = { trace, line: null, markers: null, arrow: null, xs: [], ys: [] };
      if (mode.includes("lines")) {
        const width = line.width === undefined ? 2 : line.width;
        item.line = svg("path", {
          fill: "none",
          stroke: line.color || "#444",
          "stroke-width": width,
          "stroke-dasharray": dashArray(line.dash, width),
          "stroke-linejoin": "round",
          "stroke-linecap": "butt",
        });
        group.append(item.line);
      }
      if (mode.includes("markers")) {
        const edge = marker.line || {};
        const attrs = { fill: marker.color || "#444", stroke: edge.color || "none", "stroke-width": edge.width || 0 };
        if (marker.symbol === "arrow") item.arrow = svg("path", attrs);
        else item.markers = svg("path", attrs);
        group.append(item.arrow || item.markers);
      }
      this.layer.append(group);
      this.items[trace.uid] = item;
    }
  }

  setGeometry(g) {
    // g: {width, height, margin {l,t,r,b}, x {type, range}, y {type, range}} of the chart below.
    this.geom = g;
    const w = Math.max(g.width - g.margin.l - g.margin.r, 0);
    const h = Math.max(g.height - g.margin.t - g.margin.b, 0);
    this.node.setAttribute("width", g.width);
    this.node.setAttribute("height", g.height);
    this.clip.setAttribute("x", g.margin.l);
    this.clip.setAttribute("y", g.margin.t);
    this.clip.setAttribute("width", w);
    this.clip.setAttribute("height", h);
    const axis = (a, start, size, flip) => {
      const log = a.type === "log";
      const [r0, r1] = a.range;
      const k = size / (r1 - r0);
      return (v) => {
        if (v === null || v === undefined) return NaN;
        const u = log ? (v > 0 ? Math.log10(v) : NaN) : v;
        return flip ? start + size - (u - r0) * k : start + (u - r0) * k;
      };
    };
    this.px = axis(g.x, g.margin.l, w, false);
    this.py = axis(g.y, g.margin.t, h, true);
    // Drawing stops one plot size beyond each side (the clip path hides the rest), so the
    // browser never sees the enormous coordinates of a diverging run.
    this.box = [g.margin.l - w, g.margin.l + 2 * w, g.margin.t - h, g.margin.t + 2 * h];
    for (const uid of Object.keys(this.items)) this.paint(uid);
  }

  set(uid, xs, ys) {
    const item = this.items[uid];
    if (!item) return;
    item.xs = xs;
    item.ys = ys;
    this.paint(uid);
  }

  paint(uid) {
    const item = this.items[uid];
    if (!item || !this.geom) return;
    const { xs, ys, trace } = item;
    const px = [];
    const py = [];
    for (let i = 0; i < xs.length; i++) {
      px.push(this.px(xs[i]));
      py.push(this.py(ys[i]));
    }
    const box = this.box;
    const ok = (i) => Number.isFinite(px[i]) && Number.isFinite(py[i]);
    const pt = (x, y) => `${x.toFixed(1)},${y.toFixed(1)}`;
    const sane = (i) => Math.abs(px[i]) <= LIMIT && Math.abs(py[i]) <= LIMIT;
    if (item.line) {
      let d = "";
      let end = null; // where the pen is, if it is down
      for (let i = 0; i + 1 < px.length; i++) {
        if (!ok(i) || !ok(i + 1)) {
          end = null;
          continue;
        }
        // Vertices as they are while the browser draws them exactly (it does far beyond the
        // screen); a segment reaching farther is cut to the drawing box, never bent.
        const seg = sane(i) && sane(i + 1)
          ? [px[i], py[i], px[i + 1], py[i + 1]]
          : clipSegment(px[i], py[i], px[i + 1], py[i + 1], box);
        if (!seg) {
          end = null;
          continue;
        }
        const from = pt(seg[0], seg[1]);
        if (from !== end) d += `M${from}`;
        end = pt(seg[2], seg[3]);
        d += `L${end}`;
      }
      if (px.length === 1 && ok(0) && sane(0)) d = `M${pt(px[0], py[0])}`;
      item.line.setAttribute("d", d);
    }
    const size = (trace.marker || {}).size;
    const sizeAt = (i) => (Array.isArray(size) ? size[i] : size === undefined ? 6 : size);
    if (item.markers) {
      let d = "";
      for (let i = 0; i < px.length; i++) {
        const r = sizeAt(i) / 2;
        if (!(r > 0) || !ok(i)) continue;
        // A point far outside stays outside (hidden by the clip path), at a sane coordinate.
        const x = Math.min(Math.max(px[i], -LIMIT), LIMIT);
        const y = Math.min(Math.max(py[i], -LIMIT), LIMIT);
        d += `M${(x - r).toFixed(1)},${y.toFixed(1)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
      }
      item.markers.setAttribute("d", d);
    }
    if (item.arrow) {
      // A head at each sized point, its tip on the point, pointing away from the point before.
      let d = "";
      for (let i = 1; i < px.length; i++) {
        const s = sizeAt(i);
        const dx = px[i] - px[i - 1];
        const dy = py[i] - py[i - 1];
        const len = Math.hypot(dx, dy);
        if (!(s > 0) || !(len > 0.5) || !Number.isFinite(len) || !inBox(px[i], py[i], box)) continue;
        const ux = dx / len;
        const uy = dy / len;
        const bx = px[i] - ux * s;
        const by = py[i] - uy * s;
        const hw = 0.45 * s;
        d += `M${px[i].toFixed(1)},${py[i].toFixed(1)}L${(bx - uy * hw).toFixed(1)},${(by + ux * hw).toFixed(1)}L${(bx + uy * hw).toFixed(1)},${(by - ux * hw).toFixed(1)}Z`;
      }
      item.arrow.setAttribute("d", d);
    }
  }
}

// Plotly.restyle on a chart that is drawn; skipped while Plotly.react is still building it (the
// player restyles again once it is drawn). Never lets plotly's error reach the page.
function restyleSafe(slot, update, indices) {
  if (!slot.drawn || !window.Plotly) return;
  try {
    window.Plotly.restyle(slot.plot, update, indices).catch(() => {});
  } catch (error) {
    console.warn("lrviz: restyle skipped", error);
  }
}

class Player {
  constructor(root) {
    this.root = root;
    this.setState = () => {};
    this.setTrigger = () => {};
    this.p = null; // payload of the run on screen
    this.run = null;
    this.epoch = 0;
    this.playing = false;
    this.rate = DEFAULT_SPEED;
    this.raf = 0;
    this.logY = true;
    this.show3d = false;
    this.bowlReady = false;
    this.lastData = null;
    this.sync = null;
    this.mark = null; // {run, point: {i, x, y} | null, chain}: the point the chain rule follows
    this.screen = null; // {run, banners, lesson, lessons, present}: the page around the run
    this.hideFuture = null; // null until the page says whether it presents (then its default)
    this.chainMode = false;
    this.build();
    this.onKey = (event) => this.key(event);
    // At the window, in the capture phase: before any focused slider or select sees the key.
    window.addEventListener("keydown", this.onKey, true);
    // Plotly follows window resizes only; the sidebar opening or closing resizes the panels too.
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(this.dom.querySelector(".lrviz-panels"));
    // The status line sticks to the top while the player is in view (CSS), and floats there
    // once the page has scrolled past the player, so the epoch on screen is always readable.
    this.floater = new IntersectionObserver(([entry]) => this.float(entry));
    this.floater.observe(this.dom);
  }

  float(entry) {
    const status = this.dom.querySelector(".lrviz-status");
    const past = !entry.isIntersecting && entry.boundingClientRect.bottom <= 0;
    if (past === status.classList.contains("lrviz-floating")) return;
    if (past) {
      // Keep the room it leaves, so nothing above the reader's view changes height.
      this.dom.style.paddingTop = `${status.offsetHeight}px`;
      const box = this.dom.getBoundingClientRect();
      status.style.left = `${box.left}px`;
      status.style.width = `${box.width}px`;
    } else {
      this.dom.style.paddingTop = "";
      status.style.left = "";
      status.style.width = "";
    }
    status.classList.toggle("lrviz-floating", past);
  }

  resize() {
    if (!this.p || !window.Plotly) return;
    for (const slot of Object.values(this.plots)) this.fit(slot);
  }

  fit(slot) {
    // offsetParent is null for a hidden chart (the contour while the 3D bowl shows); plotly
    // refuses to size those, and its refusal would surface as an unhandled rejection. A chart
    // still being built by Plotly.react is sized when it is done. Plotly.Plots.resize is not
    // used: it relayouts from a 100 ms timer, which can fire in the middle of a newer run's
    // Plotly.react and throw inside plotly where no caller can catch it.
    const gd = slot.plot;
    if (!slot.drawn || !gd.layout || !gd.offsetParent) return;
    try {
      window.Plotly.relayout(gd, { autosize: true }).catch(() => {});
    } catch (error) {
      console.warn("lrviz: resize skipped", error);
    }
  }

  build() {
    const root = el("div", { class: "lrviz-player", "data-testid": "lrviz-player" });
    this.dom = root;
    const status = el("div", { class: "lrviz-status", role: "status", "aria-label": "Status" });
    this.fields = {};
    this.labels = {};
    for (const [name, label] of FIELDS) {
      const field = el("span", { class: "lrviz-field" });
      this.labels[name] = el("span", { class: "lrviz-label" }, label);
      field.append(this.labels[name], " ");
      const value = el("span", { class: "lrviz-value", "data-field": name }, "–");
      field.append(value);
      if (name === "epoch") {
        this.ofLast = el("span", { class: "lrviz-of" }, "");
        field.append(this.ofLast);
      }
      this.fields[name] = value;
      status.append(field);
    }
    const controls = el("div", { class: "lrviz-controls" });
    this.buttons = {};
    for (const [act, label, name, tip] of BUTTONS) {
      const button = el("button", { type: "button", "data-act": act, title: tip, "aria-label": name }, label);
      button.addEventListener("click", () => this.act(act));
      this.buttons[act] = button;
      controls.append(button);
    }
    this.buttons.play.classList.add("lrviz-primary");
    const speed = el("select", { "data-ctl": "speed", title: "Speed: epochs per second (+ faster, − slower)", "aria-label": "Speed" });
    for (const rate of SPEEDS) {
      const option = el("option", { value: String(rate) }, speedLabel(rate));
      if (rate === DEFAULT_SPEED) option.selected = true;
      speed.append(option);
    }
    speed.addEventListener("change", () => this.setRate(Number(speed.value)));
    this.speed = speed;
    const scrubWrap = el("label", { class: "lrviz-scrub" });
    this.scrub = el("input", { type: "range", min: "0", max: "0", step: "1", value: "0", "data-ctl": "scrub", "aria-label": "Epoch", title: "Drag to any computed epoch" });
    this.scrub.addEventListener("input", () => this.seek(Number(this.scrub.value), false));
    this.scrub.addEventListener("change", () => this.report());
    scrubWrap.append(this.scrub);
    const logY = el("label", { class: "lrviz-toggle", title: "Loss axis: logarithmic or linear" });
    this.logBox = el("input", { type: "checkbox", "data-ctl": "logy" });
    this.logBox.checked = true;
    this.logBox.addEventListener("change", () => this.setLogY(this.logBox.checked));
    logY.append(this.logBox, " log loss");
    const bowl = el("label", { class: "lrviz-toggle", title: "Show the loss as a 3D bowl instead of contours (drag to rotate)" });
    this.bowlBox = el("input", { type: "checkbox", "data-ctl": "bowl" });
    this.bowlBox.addEventListener("change", () => this.setBowl(this.bowlBox.checked));
    bowl.append(this.bowlBox, " 3D bowl");
    const chainBtn = el("button", { type: "button", "data-act": "chain", title: "Switch between the three panels and a large chain-rule view (C)", "aria-pressed": "false" }, "∂ Chain rule");
    chainBtn.addEventListener("click", () => this.setChainMode(!this.chainMode));
    this.buttons.chain = chainBtn;
    const hide = el("label", { class: "lrviz-toggle", title: "Hide what the run has not reached yet: the grey whole-run curve, how it ends, its last epoch" });
    this.hideBox = el("input", { type: "checkbox", "data-ctl": "hide-future" });
    this.hideBox.addEventListener("change", () => this.setHideFuture(this.hideBox.checked));
    hide.append(this.hideBox, " hide future");
    this.lessonMenu = el("select", { class: "lrviz-lessons", "data-ctl": "lesson", title: "Load a lesson from the gallery (keys 1-9, 0 for the tenth)", "aria-label": "Lesson" });
    this.lessonMenu.addEventListener("change", () => {
      const key = this.lessonMenu.value;
      this.lessonMenu.value = "";
      if (key) this.pickLesson(key);
    });
    controls.append(speed, scrubWrap, chainBtn, logY, bowl);
    addZoomToggle(this, controls); // touch screens only (touch.js, phone.css)
    // The gallery's menu, then the lesson's title and caption and the banner (while presenting).
    this.info = el("div", { class: "lrviz-info" });
    const texts = el("div", { class: "lrviz-info-text" });
    this.banner = el("div", { class: "lrviz-banner", role: "note", "data-testid": "lrviz-banner", hidden: "" });
    this.lesson = el("div", { class: "lrviz-lesson", "data-testid": "lrviz-lesson", hidden: "" });
    texts.append(this.lesson, this.banner);
    this.info.append(this.lessonMenu, hide, texts);

    const panels = el("div", { class: "lrviz-panels" });
    this.plots = {};
    this.subs = {};
    for (const name of ["fit", "contour", "loss"]) {
      const panel = el("div", { class: "lrviz-panel", "data-panel": name });
      const head = el("div", { class: "lrviz-head" });
      const title = el("span", { class: "lrviz-title" }, "");
      const sub = el("span", { class: "lrviz-sub" }, "");
      head.append(title, sub);
      const wrap = el("div", { class: "lrviz-layers" });
      const plot = el("div", { class: "lrviz-plot", "data-plot": name });
      wrap.append(plot);
      if (name === "contour") {
        // On the chart, not in the header: a projector's one-line header has no room left.
        const tip = "Go back to the start before the last click on the contour (U)";
        this.undoButton = el("button", { type: "button", class: "lrviz-undo", "data-act": "undo", title: tip, "aria-label": "Undo start", hidden: "" }, "↶ Undo start");
        this.undoButton.addEventListener("click", () => this.undoStart());
        wrap.append(this.undoButton);
      }
      const over = new Overlay(wrap);
      over.node.dataset.overlay = name;
      panel.append(head, wrap);
      this.plots[name] = { panel, wrap, plot, over, title, idx: {} };
      this.subs[name] = sub;
      if (name === "contour") {
        const bowlPlot = el("div", { class: "lrviz-plot lrviz-bowl", "data-plot": "bowl", hidden: "" });
        panel.append(bowlPlot);
        this.plots.bowl = { panel, plot: bowlPlot, over: null, title, idx: {} };
      }
      panels.append(panel);
    }
    this.msg = el("div", { class: "lrviz-msg", role: "alert", hidden: "" });
    this.chain = new ChainView(this);
    root.append(status, controls, this.info, this.msg, panels, this.chain.dom);
    this.root.append(root);
  }

  // ---- data from Python -------------------------------------------------------------------

  async load(data) {
    if (data === this.lastData) return;
    this.lastData = data;
    let payload;
    try {
      payload = unpackPayload(JSON.parse(new TextDecoder().decode(data))); // first paint: unpack
    } catch (error) {
      this.fail(`The run could not be read: ${error.message}`);
      return;
    }
    if (this.p && payload.key === this.p.key) return;
    const sameRun = this.p && payload.run === this.run;
    this.halt();
    const token = (this.loadToken = (this.loadToken || 0) + 1);
    this.p = payload;
    if (!sameRun) this.moved = false;
    this.run = payload.run;
    this.bowlReady = false;
    const s = this.sync;
    // A new run starts at 0, unless the server already reports an epoch of it (a remount);
    // the same run redrawn (another theme) stays where it is.
    if (!sameRun) this.epoch = s && s.run === payload.run ? s.epoch : 0;
    this.epoch = Math.min(Math.max(this.epoch, 0), payload.last);
    this.scrub.max = String(payload.last);
    // With x standardized the status line names its units (w, b for z), as the fit panel does.
    // "w_z" is drawn as w with a subscript z: narrow enough for one line on a projector.
    const labels = payload.labels || {};
    for (const [name, label] of FIELDS) {
      const [base, sub] = (labels[name] || label).split("_");
      this.labels[name].replaceChildren(base);
      if (sub) this.labels[name].append(el("sub", {}, sub));
    }
    // First paint: the numbers, controls and chain rule come from the payload alone, so they
    // show (and Step works) while plotly.js is still loading; the charts follow it.
    if (!window.Plotly) {
      this.chain.setRun(payload.chain);
      if (this.mark && this.mark.run === this.run && this.mark.chain) this.chain.setPoint(this.mark.chain);
      this.applyHide();
      this.draw(false);
      // Let the browser paint them before plotly.js takes the main thread to evaluate.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    }
    try {
      await loadPlotly(payload.plotly_url);
    } catch (error) {
      this.fail(`${error.message}. The charts need it; reload the page to try again.`);
      return;
    }
    if (token !== this.loadToken) return; // a newer run arrived meanwhile
    const jobs = ["fit", "contour", "loss"].map((name) => this.plot(name));
    if (this.show3d) jobs.push(this.plot("bowl"));
    try {
      await Promise.all(jobs);
    } catch (error) {
      this.fail(`The charts could not be drawn: ${error.message}`);
      return;
    }
    if (token !== this.loadToken) return;
    this.msg.hidden = true;
    this.chain.setRun(payload.chain);
    if (this.mark && this.mark.run === this.run && this.mark.chain) this.chain.setPoint(this.mark.chain);
    this.applyHide();
    this.draw(true);
  }

  serverSync(sync) {
    this.sync = sync;
    this.dom.dataset.serverRun = sync.run;
    this.dom.dataset.serverEpoch = String(sync.epoch);
    // The echo can arrive after the run's payload was drawn (a link's epoch, a remount). Until
    // the user moves the player, the server's epoch for this run is the one to show; after that
    // an echo may be stale, so it is not followed.
    if (this.p && sync.run === this.run && !this.moved && !this.playing) {
      this.seek(sync.epoch, false);
    }
  }

  setMark(mark) {
    this.mark = mark;
    if (!this.p) return;
    this.drawFit(this.epoch);
    if (mark && mark.run === this.run && mark.chain) this.chain.setPoint(mark.chain);
  }

  setScreen(screen) {
    this.screen = screen;
    const present = !!(screen && screen.present);
    this.dom.classList.toggle("lrviz-presenting", present);
    // Hiding the future is on by default while presenting, off otherwise, until switched.
    if (this.hideFuture === null || this.presentSeen !== present) this.hideFuture = present;
    this.presentSeen = present;
    this.hideBox.checked = this.hideFuture;
    document.body.classList.toggle("lrviz-hiding-future", this.hideFuture);
    this.lessonMenu.replaceChildren(el("option", { value: "" }, "Lessons…"));
    ((screen && screen.lessons) || []).forEach((lesson, i) => {
      // The number key that loads it: 1-9, then 0 for the tenth; later ones only from the menu.
      const keyName = i < 9 ? String(i + 1) : i === 9 ? "0" : "";
      this.lessonMenu.append(el("option", { value: lesson.key }, `${keyName}  ${lesson.title}`));
    });
    this.lessonMenu.value = "";
    const lesson = screen && screen.run === this.run ? screen.lesson : screen && screen.lesson;
    this.lesson.hidden = !lesson;
    this.lesson.innerHTML = "";
    if (lesson) {
      this.lesson.append(el("b", {}, `${lesson.title}. `), lesson.caption);
    }
    this.applyHide();
    if (this.p) this.draw(false);
  }

  pickLesson(key) {
    if (this.playing) this.halt();
    this.setTrigger("lesson", key);
  }

  setChainMode(on) {
    this.chainMode = on;
    this.dom.classList.toggle("lrviz-chain-mode", on);
    this.buttons.chain.setAttribute("aria-pressed", on ? "true" : "false");
    this.buttons.chain.textContent = on ? "▦ Panels" : "∂ Chain rule";
    if (!on) this.resize();
    if (this.p) this.chain.draw(this.epoch, true);
  }

  setHideFuture(on) {
    this.hideFuture = on;
    this.hideBox.checked = on;
    document.body.classList.toggle("lrviz-hiding-future", on);
    this.applyHide();
    if (this.p) this.draw(false);
  }

  applyHide() {
    // The grey curve of the whole run shows where the loss goes before Play gets there; the
    // scrubber's and the loss axis's length would tell when it stops: both span the budget.
    if (!this.p) return;
    const span = this.hideFuture ? Math.max(this.p.last, this.p.budget) : this.p.last;
    this.scrub.max = String(span);
    if (!window.Plotly) return; // the charts are not drawn yet (load draws them, then this)
    const own = this.p.figures.loss.layout.xaxis.range;
    const range = this.hideFuture && own ? [-0.02 * span, 1.02 * span] : own;
    const slot = this.plots.loss;
    const plot = slot.plot;
    if (!slot.drawn) return; // plot() calls this again once the chart is drawn
    if (range && plot.layout && plot.layout.xaxis && String(plot.layout.xaxis.range) !== String(range)) {
      window.Plotly.relayout(plot, { "xaxis.range": range }).catch(() => {});
    }
    const i = slot.idx[this.p.ghost_uid];
    if (i === undefined || !slot.plot.data) return;
    const visible = !this.hideFuture;
    if (slot.plot.data[i] && slot.plot.data[i].visible !== visible) {
      restyleSafe(slot, { visible }, [i]);
    }
  }

  drawInfo(k) {
    // The banner of the stage the epoch on screen is in; while the future is hidden, one that
    // tells how the run ends is left out until the run gets there.
    const screen = this.screen;
    const present = this.dom.classList.contains("lrviz-presenting");
    let stage = null;
    if (screen && screen.run === this.run) {
      for (const b of screen.banners) if (b.from <= k) stage = b;
    }
    if (stage && stage.spoiler && this.hideFuture) stage = { kind: "info", text: `α = ${this.p.chain.lr}. Press Play (Space) to see where it goes.` };
    // While presenting, or while the future is hidden (the page's own banner is then hidden).
    const show = (present || this.hideFuture) && !!stage;
    this.banner.hidden = !show;
    if (show) {
      const html = stage.text.replace(/[&<>]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[ch]).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>");
      if (this.banner.innerHTML !== html) this.banner.innerHTML = html;
      this.banner.dataset.kind = stage.kind;
    }
    const reached = k >= this.p.last;
    const of = this.hideFuture && !reached ? "" : `\u00a0/ ${this.p.last}`;
    if (this.ofLast.textContent !== of) this.ofLast.textContent = of;
  }

  fail(text) {
    this.msg.textContent = text;
    this.msg.hidden = false;
  }

  async plot(name) {
    // The Python figure is drawn once per run, interactive, with its moving traces left empty
    // (so they still show in the legend); the Overlay on top draws those traces every frame.
    const Plotly = window.Plotly;
    const fig = this.p.figures[name];
    const slot = this.plots[name];
    // Pinned runs (uids "pinned.…") move too: each is drawn up to the epoch on screen.
    const pinned = name === "bowl" ? [] : fig.data.filter((t) => String(t.uid || "").startsWith("pinned."));
    slot.pinned = pinned.map((t) => ({ uid: t.uid, x: t.x, y: t.y }));
    const uids = name === "bowl" ? [] : [...this.p.uids[name], ...pinned.map((t) => t.uid)];
    const layout = { ...fig.layout, uirevision: this.run, autosize: true };
    // The panel header shows the title, next to the numbers of the epoch on screen.
    slot.title.textContent = (layout.title && layout.title.text) || "";
    layout.title = { text: "" };
    if (name !== "bowl") layout.margin = { ...layout.margin, t: 8 };
    if (name === "loss") this.applyLogY(layout);
    // Until Plotly.react has finished, the chart is half built: a restyle then throws inside
    // plotly (synchronously, so .catch does not see it). restyleSafe waits for this flag.
    slot.pending = (slot.pending || 0) + 1;
    slot.drawn = false;
    slot.idx = {};
    // The layer on top repeats the figure from its first moving trace to the end, in the
    // figure's order, so whatever Python drew above the moving traces (the data points) stays
    // above them. In the chart below, the moving traces keep one empty point: enough for their
    // legend entry, nothing drawn.
    const first = fig.data.findIndex((trace) => uids.includes(trace.uid));
    const layer = name === "bowl" || first < 0 ? [] : fig.data.slice(first);
    const base = fig.data.map((trace, i) => {
      if (trace.uid) slot.idx[trace.uid] = i;
      return uids.includes(trace.uid) ? { ...trace, x: [null], y: [null] } : trace;
    });
    try {
      // On touch screens a swipe scrolls the page unless zooming is on (touch.js).
      await Plotly.react(slot.plot, base, touchLayout(layout, this), touchConfig(PLOTLY_CONFIG, this));
    } finally {
      slot.pending -= 1;
    }
    // A newer run's figure may be on its way already (a lesson picked mid-draw).
    slot.drawn = slot.pending === 0;
    if (!slot.drawn) return;
    // A resize that came while the chart was being drawn was skipped (fit): catch up with it.
    if (slot.plot._fullLayout && slot.plot.offsetParent) {
      const box = slot.plot.getBoundingClientRect();
      const size = slot.plot._fullLayout;
      if (Math.abs(box.width - size.width) > 1 || Math.abs(box.height - size.height) > 1) this.fit(slot);
    }
    if (slot.over) {
      slot.over.setTraces(layer.map((trace, i) => ({ ...trace, uid: trace.uid || `static-${i}` })));
      layer.forEach((trace, i) => {
        if (!uids.includes(trace.uid)) slot.over.set(trace.uid || `static-${i}`, trace.x, trace.y);
      });
    }
    if (!slot.plot.__lrvizHooked) {
      slot.plot.__lrvizHooked = true;
      if (name === "contour") {
        slot.plot.on("plotly_click", (event) => this.pick(event));
        // A double-click keeps plotly's meaning (zoom back out), so it must not also pick.
        slot.plot.on("plotly_doubleclick", () => this.cancelPick(true));
        slot.plot.addEventListener("dblclick", () => this.cancelPick(true), true);
      }
      if (name === "fit") slot.plot.on("plotly_click", (event) => this.pickPoint(event));
      if (slot.over) {
        slot.plot.on("plotly_afterplot", () => this.align(name));
        slot.plot.on("plotly_relayouting", (ranges) => this.align(name, ranges));
      }
    }
    if (slot.over) {
      this.align(name);
      // Draw this panel's moving traces now, so a restart never shows a chart without them.
      if (name === "fit") this.drawFit(this.epoch);
      if (name === "contour") this.drawContour(this.epoch);
      if (name === "loss") this.drawLoss(this.epoch);
    }
    if (name === "bowl") {
      this.bowlReady = true;
      this.drawBowl(this.epoch);
    }
  }

  geometry(name) {
    // The chart's size, plot area (its drag surface covers exactly the axes' rectangle) and
    // axis ranges; null while it is not laid out.
    const base = this.plots[name].plot;
    const drag = base.querySelector(".nsewdrag");
    if (!drag || !base.layout || !base.layout.xaxis || !base.layout.yaxis) return null;
    const a = base.getBoundingClientRect();
    const d = drag.getBoundingClientRect();
    if (!a.width || !d.width) return null;
    const margin = { l: d.left - a.left, t: d.top - a.top, r: a.right - d.right, b: a.bottom - d.bottom };
    const axis = (ax) => ({ type: ax.type || "linear", range: ax.range.slice() });
    return { width: a.width, height: a.height, margin, x: axis(base.layout.xaxis), y: axis(base.layout.yaxis) };
  }

  align(name, ranges) {
    // Keep the moving layer on the chart: after a redraw, a resize, and during zoom and pan
    // (plotly_relayouting reports the ranges while the user drags).
    const slot = this.plots[name];
    const g = this.geometry(name);
    if (!g) return;
    if (ranges) {
      if (ranges["xaxis.range[0]"] !== undefined) g.x.range = [ranges["xaxis.range[0]"], ranges["xaxis.range[1]"]];
      if (ranges["yaxis.range[0]"] !== undefined) g.y.range = [ranges["yaxis.range[0]"], ranges["yaxis.range[1]"]];
    }
    slot.over.setGeometry(g);
  }

  applyLogY(layout) {
    const g = this.p.geom;
    layout.yaxis = { ...layout.yaxis };
    layout.yaxis.type = this.logY ? "log" : "linear";
    layout.yaxis.range = this.logY ? g.loss_log_range : g.loss_lin_range;
  }

  // ---- drawing ----------------------------------------------------------------------------

  draw(full = false) {
    const p = this.p;
    if (!p) return;
    const k = this.epoch;
    const t = p.text;
    // Charts first, text after: plotly measures the page while it draws, and text written
    // before that would make it lay out the whole page again on every frame.
    this.drawFit(k);
    this.drawContour(k);
    this.drawLoss(k);
    if (full && this.show3d && this.bowlReady) this.drawBowl(k);
    this.fields.epoch.textContent = String(k);
    this.fields.loss.textContent = t.loss[k];
    this.fields.w.textContent = t.w[k];
    this.fields.b.textContent = t.b[k];
    this.fields.dw.textContent = t.dw[k];
    this.fields.db.textContent = t.db[k];
    this.scrub.value = String(k);
    // With x standardized the line is trained in z; the subtitle speaks in x's own units.
    const fw = t.fit_w || t.w;
    const fb = t.fit_b || t.b;
    const units = p.fit_units ? ` (${p.fit_units})` : "";
    this.subs.fit.textContent = `ŷ = ${fw[k]}·x ${signed(fb[k])}${units}`;
    this.subs.contour.textContent = `∂L/∂w = ${t.dw[k]}, ∂L/∂b = ${t.db[k]}`;
    this.subs.loss.textContent = `${t.loss[k]} (optimum ${p.optimum_loss_text})`;
    this.dom.dataset.epoch = String(k);
    this.dom.dataset.run = this.run;
    this.drawInfo(k);
    // The chain rule in the same frame, unless it is folded away (the lecture's panel view).
    if (this.chainMode || !this.dom.classList.contains("lrviz-presenting")) this.chain.draw(k);
    this.updateButtons();
  }

  restyle(name, updates) {
    // updates: [uid, xs, ys(, zs)] for the moving traces of one panel.
    const slot = this.plots[name];
    if (slot.over) {
      for (const [uid, x, y] of updates) slot.over.set(uid, x, y);
      slot.panel.dataset.epoch = String(this.epoch);
      return;
    }
    const idx = [];
    const update = { x: [], y: [], z: [] };
    for (const [uid, x, y, z] of updates) {
      if (!(uid in slot.idx)) continue;
      idx.push(slot.idx[uid]);
      update.x.push(x);
      update.y.push(y);
      update.z.push(z);
    }
    if (idx.length) restyleSafe(slot, update, idx);
  }

  drawFit(k) {
    const p = this.p;
    const w = p.traj.w[k];
    const b = p.traj.b[k];
    const [x0, x1] = p.geom.fit_x;
    const rx = [];
    const ry = [];
    p.geom.res_x.forEach((x, i) => {
      rx.push(x, x, null);
      ry.push(p.geom.res_y[i], w * x + b, null);
    });
    // The chosen point: its residual drawn bold and a ring around it, at this epoch's line.
    const m = this.mark;
    const pt = m && m.run === this.run && m.point ? m.point : null;
    const seg = pt ? [[pt.x, pt.x], [pt.y, w * pt.x + b]] : [[], []];
    const ring = pt ? [[pt.x], [pt.y]] : [[], []];
    this.restyle("fit", [
      [p.uids.fit[0], rx, ry],
      [p.uids.fit[1], [x0, x1], [w * x0 + b, w * x1 + b]],
      [p.uids.fit[2], seg[0], seg[1]],
      [p.uids.fit[3], ring[0], ring[1]],
    ]);
    this.dom.dataset.mark = pt ? String(pt.i) : "";
  }

  arrow(k) {
    const p = this.p;
    const s = p.geom.arrow_scale;
    const w = p.traj.w[k];
    const b = p.traj.b[k];
    return [w, b, w - s * p.traj.dw[k], b - s * p.traj.db[k]];
  }

  drawContour(k) {
    const p = this.p;
    const [w, b, w1, b1] = this.arrow(k);
    const [path, legs, arrow, current] = p.uids.contour;
    // Mini-batch and SGD: the path goes through every update inside the epochs (payload.intra).
    const it = p.intra;
    const end = it ? it.at[k] + 1 : k + 1;
    this.restyle("contour", [
      [path, (it || p.traj).w.slice(0, end), (it || p.traj).b.slice(0, end)],
      [legs, [w, w1, w1], [b, b, b1]],
      [arrow, [w, w1], [b, b1]],
      [current, [w], [b]],
      ...this.pinnedAt("contour", k),
    ]);
  }

  pinnedAt(name, k) {
    // Pinned runs up to epoch k (a shorter run stays at its last epoch).
    return (this.plots[name].pinned || []).map((t) => [t.uid, t.x.slice(0, k + 1), t.y.slice(0, k + 1)]);
  }

  drawLoss(k) {
    const p = this.p;
    const floor = p.geom.loss_floor;
    const it = p.intra;
    const ys = (it || p.traj).loss.slice(0, it ? it.at[k] + 1 : k + 1).map((v) => Math.max(v, floor));
    const xs = it ? it.t.slice(0, ys.length) : ys.map((_, i) => i);
    const [soFar, current] = p.uids.loss;
    this.restyle("loss", [
      [soFar, xs, ys],
      [current, [k], [ys[ys.length - 1]]],
      ...this.pinnedAt("loss", k),
    ]);
  }

  drawBowl(k) {
    const p = this.p;
    const top = p.geom.bowl_top;
    const z = p.traj.loss.slice(0, k + 1).map((v) => Math.min(v, top));
    const [path, current] = p.uids.bowl;
    this.restyle("bowl", [
      [path, p.traj.w.slice(0, k + 1), p.traj.b.slice(0, k + 1), z],
      [current, [p.traj.w[k]], [p.traj.b[k]], [z[k]]],
    ]);
  }

  updateButtons() {
    const last = this.p ? this.p.last : 0;
    const b = this.buttons;
    b.play.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    b.play.setAttribute("aria-label", this.playing ? "Pause" : "Play");
    b.play.setAttribute("aria-pressed", this.playing ? "true" : "false");
    b.back.disabled = b.reset.disabled = this.epoch <= 0;
    b.step.disabled = b.step10.disabled = this.epoch >= last;
    b.play.disabled = last <= 0;
  }

  // ---- transport --------------------------------------------------------------------------

  act(action) {
    if (!this.p) return;
    if (action === "play") return this.playing ? this.pause() : this.play();
    const moves = { reset: -Infinity, back: -1, step: 1, step10: 10, back10: -10, end: Infinity };
    if (action in moves) {
      const target = action === "reset" ? 0 : action === "end" ? this.p.last : this.epoch + moves[action];
      this.seek(target, true);
    }
  }

  seek(target, report) {
    if (!this.p) return;
    if (this.playing) this.halt();
    const k = Math.min(Math.max(Math.round(target), 0), this.p.last);
    const moved = k !== this.epoch;
    this.epoch = k;
    this.draw(true);
    if (report && moved) this.report();
  }

  report() {
    if (!this.p) return;
    this.moved = true;
    this.setState("cursor", { run: this.run, epoch: this.epoch });
  }

  nextStop() {
    const stops = this.p.stops.filter((s) => s > this.epoch);
    return stops.length ? Math.min(...stops) : this.p.last;
  }

  play() {
    if (!this.p || this.playing || this.p.last <= 0) return;
    if (this.epoch >= this.p.last) {
      this.epoch = 0; // Play at the end replays the run from the start
      this.draw(true);
    }
    this.playing = true;
    this.stopAt = this.nextStop();
    this.t0 = performance.now();
    this.e0 = this.epoch;
    this.lastFrame = 0;
    this.updateButtons();
    this.raf = requestAnimationFrame((now) => this.tick(now));
  }

  tick(now) {
    if (!this.playing) return;
    // Fast-forward paces frames at FRAME_RATE; slower speeds draw each epoch when it is due.
    const due = now - this.lastFrame >= 1000 / FRAME_RATE - 2 || this.rate <= 60;
    // A frame's timestamp can precede the moment Play was pressed: never count backwards.
    const elapsed = Math.max(0, now - this.t0) / 1000;
    const target = Math.min(this.stopAt, this.e0 + Math.floor(elapsed * this.rate));
    if (due && target !== this.epoch) {
      this.epoch = target;
      this.lastFrame = now;
      this.draw(false);
    }
    if (this.epoch >= this.stopAt) {
      this.pause();
      return;
    }
    this.raf = requestAnimationFrame((t) => this.tick(t));
  }

  halt() {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.updateButtons();
  }

  pause() {
    if (!this.playing) return;
    this.halt();
    this.draw(true);
    this.report();
  }

  setRate(rate) {
    this.rate = rate;
    this.speed.value = String(rate);
    if (this.playing) {
      this.t0 = performance.now();
      this.e0 = this.epoch;
    }
  }

  setLogY(on) {
    this.logY = on;
    this.logBox.checked = on;
    if (!this.p || !window.Plotly || !this.plots.loss.drawn) return; // plot() reads this.logY
    const layout = {};
    this.applyLogY(layout);
    const axis = { "yaxis.type": layout.yaxis.type, "yaxis.range": layout.yaxis.range };
    window.Plotly.relayout(this.plots.loss.plot, axis).catch(() => {});
  }

  async setBowl(on) {
    this.show3d = on;
    this.bowlBox.checked = on;
    this.plots.contour.wrap.hidden = on;
    this.plots.bowl.plot.hidden = !on;
    if (!this.p || !window.Plotly) return; // not drawn yet: load() draws the bowl if shown
    if (on && !this.bowlReady) {
      try {
        await this.plot("bowl");
      } catch (error) {
        this.fail(`The 3D view could not be drawn: ${error.message}`);
        return;
      }
    }
    if (on) {
      this.plots.bowl.title.textContent = this.p.figures.bowl.layout.title.text;
      this.fit(this.plots.bowl);
      this.drawBowl(this.epoch);
    } else {
      this.plots.contour.title.textContent = this.p.figures.contour.layout.title.text;
      this.fit(this.plots.contour);
    }
  }

  // ---- the start, picked on the contour and undone --------------------------------------
  // One click sets the start, once plotly's double-click window has passed without a second
  // click: a double-click zooms back out and changes nothing. Each change keeps the start it
  // replaced, so U or the Undo button goes back to it.

  pick(event) {
    const uid = this.p && this.p.grid_uid;
    const point = (event.points || []).find((pt) => pt.data && pt.data.uid === uid);
    if (!point) return;
    const delay = (this.plots.contour.plot._context || {}).doubleClickDelay || 300;
    // The second click of a double-click, or the click plotly reports after one: plotly zooms
    // out, and no click of the pair picks.
    const double = this.pickTimer || performance.now() - (this.zoomedOutAt || -Infinity) < delay;
    this.cancelPick();
    if (double) return;
    this.pickTimer = setTimeout(() => {
      this.pickTimer = 0;
      this.setStart({ w: point.x, b: point.y }, false);
    }, delay + 50);
  }

  cancelPick(zoomedOut = false) {
    clearTimeout(this.pickTimer);
    this.pickTimer = 0;
    if (zoomedOut) this.zoomedOutAt = performance.now();
  }

  setStart(start, undo) {
    const p = this.p;
    if (!p) return;
    this.halt();
    this.undos = this.undos || [];
    if (!undo) this.undos.push({ w: p.traj.w[0], b: p.traj.b[0] });
    this.undoButton.hidden = !this.undos.length;
    this.setTrigger("pick", { ...start, undo });
    this.dom.dataset.undos = String(this.undos.length);
  }

  undoStart() {
    const last = this.undos && this.undos.pop();
    if (!last) return false;
    this.setStart(last, true);
    return true;
  }

  pickPoint(event) {
    // A click on a drawn data point chooses it for the chain-rule panel; the trace holds an
    // evenly spaced selection of the data, so its point number maps through geom.shown.
    const p = this.p;
    const uid = p && p.data_uid;
    const point = (event.points || []).find((pt) => pt.data && pt.data.uid === uid);
    if (!point) return;
    const i = p.geom.shown[point.pointNumber];
    if (Number.isInteger(i)) this.setTrigger("point", i);
  }

  typing(target) {
    // True while a text field is being edited: it keeps every key.
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable || target.tagName === "TEXTAREA") return true;
    if (target.tagName !== "INPUT") return false;
    if (!TEXT_INPUTS.has((target.getAttribute("type") || "").toLowerCase())) return false;
    // A closed select box's search field only filters once its list is open.
    if (target.getAttribute("role") === "combobox") return target.getAttribute("aria-expanded") === "true";
    return true;
  }

  key(event) {
    if (!this.p || event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    const target = event.composedPath ? event.composedPath()[0] : event.target;
    if (this.typing(target)) return;
    // An open list (a select box's options) keeps its arrows.
    if (target instanceof Element && target.closest("[role='listbox'], [role='menu'], [role='dialog']")) return;
    // A table being edited (the data editor's grid) keeps its keys: arrows move its cell
    // cursor, and a digit starts typing a number into the cell.
    if (target instanceof Element && target.closest("[role='grid'], [data-testid='stDataFrame'], [data-testid='stDataFrameResizable']")) return;
    let handled = true;
    if (event.key === "ArrowRight") this.act(event.shiftKey ? "step10" : "step");
    else if (event.key === "ArrowLeft") this.act(event.shiftKey ? "back10" : "back");
    else if (event.key === " " || event.key === "Spacebar") this.act("play");
    else if (event.key === "Home") this.act("reset");
    else if (event.key === "End") this.act("end");
    else if (event.key === "u" || event.key === "U") handled = this.undoStart();
    else if (event.key === "+" || event.key === "=") this.setRate(SPEEDS[Math.min(SPEEDS.indexOf(this.rate) + 1, SPEEDS.length - 1)]);
    else if (event.key === "-" || event.key === "_") this.setRate(SPEEDS[Math.max(SPEEDS.indexOf(this.rate) - 1, 0)]);
    else if (event.key === "c" || event.key === "C") this.setChainMode(!this.chainMode);
    else if (/^[0-9]$/.test(event.key) && this.screen && this.screen.lessons[(Number(event.key) + 9) % 10]) {
      // 1-9 are the first nine lessons, 0 the tenth (the keys' order on a keyboard).
      this.pickLesson(this.screen.lessons[(Number(event.key) + 9) % 10].key);
    } else handled = false;
    if (!handled) return;
    event.preventDefault();
    // The focused control (a slider, a select, a button) must not act on the key as well.
    event.stopPropagation();
    if (PLAYER_KEYS.has(event.key) && target instanceof HTMLElement && !this.dom.contains(target)) target.blur();
  }

  destroy() {
    this.halt();
    this.resizer.disconnect();
    this.floater.disconnect();
    window.removeEventListener("keydown", this.onKey, true);
    if (PAGE.player === this) PAGE.player = null;
  }
}

export default function mount(component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let player = parentElement.__lrvizPlayer;
  if (!player) {
    player = new Player(parentElement);
    parentElement.__lrvizPlayer = player;
  }
  PAGE.player = player;
  if (PAGE.sync) player.serverSync(PAGE.sync);
  if (PAGE.mark) player.setMark(PAGE.mark);
  if (PAGE.screen) player.setScreen(PAGE.screen);
  player.setState = setStateValue;
  player.setTrigger = setTriggerValue;
  if (data) player.load(data).catch((error) => player.fail(`The run could not be shown: ${error.message}`));
  return () => {
    // Streamlit also calls this when a newer render replaces this one; only an element that left
    // the page is torn down.
    setTimeout(() => {
      if (!parentElement.isConnected) {
        player.destroy();
        parentElement.__lrvizPlayer = null;
      }
    }, 0);
  };
}
