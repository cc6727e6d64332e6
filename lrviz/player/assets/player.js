// The lrviz player: status line, transport controls and the three linked panels of one run.
//
// Python sends each run once (figures, trajectory arrays, per-epoch status text). Everything
// that moves is drawn here, from those arrays, so Play runs without the server. The server
// hears about the epoch on screen whenever playback comes to rest (Step, Back, Reset, scrub,
// Pause, a stop at the end), through the component state `cursor` = {run, epoch}.
// A second, hidden component (sync.js) carries the server's view back ({run, epoch}): it
// restores the epoch after a remount and lets tests see that the server agrees.
//
// This file holds the player itself: its DOM, the run from Python and what the page around it
// says (echo, followed point, lessons, banners). The other files add to it: charts.js (the
// plotly charts), overlay.js (the moving SVG layer on them), frame.js (one epoch on screen),
// transport.js (Play, Step, the keys), pick.js (choices made on the charts), chain.js (the
// chain-rule view); a host mounts it: host_streamlit.js in the app, host_page.js in an exported
// page. Python joins them in a fixed order (bundle.py).

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

// The full plotly.js, for the 3D bowl only: its 3D traces are not in the cartesian bundle
// that draws the flat charts (window.Plotly, loadPlotly). Each chart keeps the plotly.js that
// drew it (slot.lib, charts.js), so the bowl's copy never touches the flat charts: a graph's
// state (_fullLayout, its event hooks, the trace modules it was built with) belongs to the copy
// that built it, and the charts on screen are neither redrawn nor lose their zoom. The full
// bundle sets window.Plotly as it runs; its load event fires right after, in the same task, and
// puts the cartesian copy back, so no other code sees the swap.
function loadPlotlyFull(url) {
  if (!PAGE.plotlyFull) {
    PAGE.plotlyFull = new Promise((resolve, reject) => {
      const flat = window.Plotly;
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => {
        const full = window.Plotly;
        window.Plotly = flat || full;
        resolve(full);
      };
      script.onerror = () => {
        PAGE.plotlyFull = null;
        reject(new Error(`plotly.js did not load from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return PAGE.plotlyFull;
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

class Player {
  constructor(root) {
    this.root = root;
    this.setState = () => {};
    this.setTrigger = () => {};
    this.p = null; // payload of the run on screen
    this.run = null; // the name the browser knows the run by: payload.run (Python's "view")
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
    this.canPick = true; // false where no server can train from a new start (an exported page)
    this.build();
    this.onKey = (event) => this.key(event);
    // At the window, in the capture phase: before any focused slider or select sees the key.
    window.addEventListener("keydown", this.onKey, true);
    // Plotly follows window resizes only; the sidebar opening or closing resizes the panels too.
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(this.dom.querySelector(".lrviz-panels"));
    // Each chart too: a banner or lesson line appearing inside the player can shrink a chart's
    // box while the panels' row keeps its size, and that chart must be laid out again.
    for (const slot of Object.values(this.plots)) this.resizer.observe(slot.plot);
    // And a check twice a second, whatever missed a resize: a chart whose box changed while it
    // was being drawn, or a relayout plotly refused, is laid out again within half a second
    // (once, under load, a chart stayed 36 px taller than its box after a banner appeared).
    this.sizeCheck = setInterval(() => this.refit(), 500);
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
    this.bowlToggle = bowl;
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
    // A payload without the bowl (an exported page with only the cartesian plotly.js) has no
    // 3D view to offer.
    this.bowlToggle.hidden = !payload.figures.bowl;
    if (!payload.figures.bowl && this.show3d) this.setBowl(false);
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
      slot.lib.relayout(plot, { "xaxis.range": range }).catch(() => {});
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
    // A page of its own (screen.standalone: an exported page) has no other place for it.
    const show = (present || this.hideFuture || !!(screen && screen.standalone)) && !!stage;
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

  destroy() {
    this.halt();
    this.resizer.disconnect();
    clearInterval(this.sizeCheck);
    this.floater.disconnect();
    window.removeEventListener("keydown", this.onKey, true);
    if (PAGE.player === this) PAGE.player = null;
  }
}
