// The moving layer: a pure SVG renderer of plotly scatter traces over a chart. It knows the
// traces' styles and the chart's geometry, nothing about runs or epochs.
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
