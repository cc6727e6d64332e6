// The transport: Reset, Back, Step, Step ×10, Play/Pause, the speed and the keyboard that
// drives them. Methods of Player (player.js); every move ends in seek() or tick().

const SPEEDS = [1, 2, 5, 10, 20, 30, 60, 150, 600, 3000]; // epochs per second
const DEFAULT_SPEED = 30;
const FRAME_RATE = 30; // fast-forward draws this many frames per second, several epochs each
// checkboxes) gives the player's keys to the player.
const TEXT_INPUTS = new Set(["", "text", "search", "number", "email", "password", "url", "tel"]);
const PLAYER_KEYS = new Set(["ArrowRight", "ArrowLeft", " ", "Spacebar", "Home", "End"]);

function speedLabel(rate) {
  if (rate <= 60) return `${rate} epochs/s`;
  return `» ${rate}/s (${Math.round(rate / FRAME_RATE)}/frame)`;
}

class PlayerTransport {
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
}

addMethods(Player, PlayerTransport);
