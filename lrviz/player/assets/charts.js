// The charts: each panel's plotly figure drawn once per run, sized to its panel, with the
// moving SVG layer (overlay.js) kept on it through zoom, pan and resize; the loss axis's scale
// and the 3D bowl. Methods of Player (player.js).

const PLOTLY_CONFIG = {
  displaylogo: false,
  // The player sizes its charts itself (a ResizeObserver and Player.fit), never mid-redraw.
  responsive: false,
  scrollZoom: false,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
};

// Plotly.restyle on a chart that is drawn; skipped while Plotly.react is still building it (the
// player moves its traces again once it is drawn). Never lets plotly's error reach the page.
// slot.lib: the plotly.js that drew the chart (the cartesian bundle, or the full one for the
// bowl; see loadPlotlyFull in player.js).
function restyleSafe(slot, update, indices) {
  if (!slot.drawn || !slot.lib) return;
  try {
    slot.lib.restyle(slot.plot, update, indices).catch(() => {});
  } catch (error) {
    console.warn("lrviz: restyle skipped", error);
  }
}

class PlayerCharts {
  resize() {
    if (!this.p || !window.Plotly) return;
    for (const slot of Object.values(this.plots)) this.fit(slot);
  }

  refit() {
    // Lay out again every drawn chart whose size differs from its box (see fitIfStale).
    if (!this.p) return;
    for (const slot of Object.values(this.plots)) this.fitIfStale(slot);
  }

  fitIfStale(slot) {
    // A chart drawn at another size than its box (by more than a pixel) is laid out again, at
    // most three times for one box size, so a size plotly will not take costs nothing later.
    const gd = slot.plot;
    if (!slot.drawn || !gd._fullLayout || !gd.offsetParent) return;
    const box = gd.getBoundingClientRect();
    const size = gd._fullLayout;
    if (Math.abs(box.width - size.width) <= 1 && Math.abs(box.height - size.height) <= 1) return;
    const key = `${Math.round(box.width)}x${Math.round(box.height)}`;
    slot.refits = slot.refitKey === key ? (slot.refits || 0) + 1 : 1;
    slot.refitKey = key;
    if (slot.refits <= 3) this.fit(slot);
  }

  fit(slot) {
    // offsetParent is null for a hidden chart (the contour while the 3D bowl shows); plotly
    // refuses to size those, and its refusal would surface as an unhandled rejection. A chart
    // still being built by Plotly.react is sized when it is done. Plotly.Plots.resize is not
    // used: it relayouts from a 100 ms timer, which can fire in the middle of a newer run's
    // Plotly.react and throw inside plotly where no caller can catch it.
    const gd = slot.plot;
    if (!slot.drawn || !slot.lib || !gd.layout || !gd.offsetParent) return;
    try {
      slot.lib.relayout(gd, { autosize: true }).catch(() => {});
    } catch (error) {
      console.warn("lrviz: resize skipped", error);
    }
  }

  async plot(name) {
    // The Python figure is drawn once per run, interactive, with its moving traces left empty
    // (so they still show in the legend); the Overlay on top draws those traces every frame.
    // The bowl's surface needs the full plotly.js, loaded the first time the bowl is drawn.
    const Plotly = name === "bowl" ? await this.fullPlotly() : window.Plotly;
    // Turned off again while that loaded: drawn when next shown (setBowl).
    if (name === "bowl" && !this.show3d && !this.bowlReady) return;
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
    slot.lib = Plotly;
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
    this.fitIfStale(slot);
    if (slot.over) {
      slot.over.setTraces(layer.map((trace, i) => ({ ...trace, uid: trace.uid || `static-${i}` })));
      layer.forEach((trace, i) => {
        if (!uids.includes(trace.uid)) slot.over.set(trace.uid || `static-${i}`, trace.x, trace.y);
      });
    }
    if (!slot.plot.__lrvizHooked) {
      slot.plot.__lrvizHooked = true;
      if (name === "contour") {
        const press = (event) => this.notePress(event);
        slot.plot.addEventListener("mousedown", press, true);
        slot.plot.addEventListener("touchstart", press, { capture: true, passive: true });
        slot.plot.on("plotly_click", (event) => this.pick(event));
        // A double-click keeps plotly's meaning (zoom back out), so it must not also pick.
        slot.plot.on("plotly_doubleclick", () => this.zoomedOut());
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

  fullPlotly() {
    // An exported page inlines its one plotly.js ("" for both): the bowl is drawn with it.
    const url = this.p.plotly_full_url;
    if (!url || url === this.p.plotly_url) return loadPlotly(this.p.plotly_url);
    return loadPlotlyFull(url);
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

  setLogY(on) {
    this.logY = on;
    this.logBox.checked = on;
    if (!this.p || !window.Plotly || !this.plots.loss.drawn) return; // plot() reads this.logY
    const layout = {};
    this.applyLogY(layout);
    const axis = { "yaxis.type": layout.yaxis.type, "yaxis.range": layout.yaxis.range };
    this.plots.loss.lib.relayout(this.plots.loss.plot, axis).catch(() => {});
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
}

addMethods(Player, PlayerCharts);
