"use strict";
// The tmforge editor page. The server owns the project; this page mirrors its beads and texts,
// sends one request per edit and applies the changes the server returns. Only the rows on
// screen are in the DOM, so 10,000 beads scroll as smoothly as 10.
(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  const LOW = 0.5, HIGH = 0.8, LINE = 44, PAD = 16, OVERSCAN = 8;
  const S = { name: "", src: [], tgt: [], beads: [], history: { undo: 0, redo: 0 },
              selected: 0, sel: null, onlyProblems: false, view: [], tops: [], busy: false };
  const $ = (id) => document.getElementById(id);
  const list = $("list"), spacer = $("spacer"), rows = $("rows");
  window.__editor = { timings: [], state: S, saved: 0 };  // for tests and the speed benchmark

  // --- talking to the server -------------------------------------------------
  async function api(path, body) {
    const init = { method: body === undefined ? "GET" : "POST",
                   headers: { "X-Token": token, "Content-Type": "application/json" } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(path, init);
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    const timing = /cpu;dur=([0-9.]+)/.exec(response.headers.get("Server-Timing") || "");
    data.serverCpuMs = timing ? Number(timing[1]) : null;   // the server's CPU time for this request
    return data;
  }

  function applyChanges(changes) {
    for (const c of changes) {
      if (c.splice) S.beads.splice(c.splice.start, c.splice.old.length, ...c.splice.new);
      else S[c.side][c.index] = c.new;
    }
  }

  async function run(what, body, path) {
    if (S.busy) return;
    S.busy = true;
    const t0 = performance.now();
    try {
      const data = await api(path || "/api/edit", body);
      applyChanges(data.changes);
      S.history = data.history;
      const first = data.changes.find((c) => c.splice);
      if (first) S.selected = Math.max(0, Math.min(first.splice.start, S.beads.length - 1));
      S.sel = null;
      rebuild();
      say(what + " saved");
      window.__editor.saved += 1;
      document.body.dataset.saved = String(window.__editor.saved);
      window.__editor.timings.push({ what, ms: performance.now() - t0, serverCpuMs: data.serverCpuMs });
      return data;
    } catch (err) {
      say(err.message, true);
      document.body.dataset.error = err.message;
    } finally {
      S.busy = false;
    }
  }

  function say(text, error) {
    const box = $("status");
    box.textContent = text;
    box.className = error ? "error" : "";
  }

  // --- what counts as a problem ----------------------------------------------
  function problem(b) {
    if (b[3] !== "auto" || b[4]) return false;
    if (!b[0].length || !b[1].length) return true;          // unaligned
    if (b[0].length !== 1 || b[1].length !== 1) return true; // not 1-1
    return b[2] !== null && b[2] < LOW;                      // low confidence
  }

  function scoreClass(b) {
    if (b[3] === "confirmed") return "confirmed";
    if (b[3] === "edited") return "edited";
    if (!b[0].length || !b[1].length) return "s-low";
    if (b[2] === null) return "";
    return b[2] >= HIGH ? "s-high" : b[2] >= LOW ? "s-mid" : "s-low";
  }

  // --- layout: row heights and the visible window ------------------------------
  function height(b) { return PAD + LINE * Math.max(1, b[0].length, b[1].length); }

  function rebuild() {
    S.view = [];
    for (let k = 0; k < S.beads.length; k++) {
      if (!S.onlyProblems || problem(S.beads[k]) || k === S.selected) S.view.push(k);
    }
    S.tops = new Array(S.view.length + 1);
    S.tops[0] = 0;
    for (let r = 0; r < S.view.length; r++) S.tops[r + 1] = S.tops[r] + height(S.beads[S.view[r]]);
    spacer.style.height = S.tops[S.view.length] + "px";
    counts();
    render();
  }

  function rowAt(y) {  // first view row whose bottom is below y
    let lo = 0, hi = S.view.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (S.tops[mid + 1] <= y) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function esc(text) {
    return text.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[ch]));
  }

  function sideHtml(k, side, indices) {
    if (!indices.length) return '<div class="none">no counterpart</div>';
    return indices.map((i, pos) => {
      const sel = S.sel && S.selected === k && S.sel.side === side && S.sel.pos === pos ? " sel" : "";
      return `<div class="s${sel}" data-side="${side}" data-pos="${pos}" title="${esc(S[side][i])}">${esc(S[side][i])}</div>`;
    }).join("");
  }

  function render() {
    const top = list.scrollTop, bottom = top + list.clientHeight;
    const first = Math.max(0, rowAt(top) - OVERSCAN), last = Math.min(S.view.length, rowAt(bottom) + OVERSCAN + 1);
    let html = "";
    for (let r = first; r < last; r++) {
      const k = S.view[r], b = S.beads[k];
      const classes = ["bead", scoreClass(b)];
      if (b[4]) classes.push("excluded");
      if (k === S.selected) classes.push("selected");
      const kind = `${b[0].length}-${b[1].length}`;
      const mark = b[3] === "confirmed" ? "&#10003; confirmed" : b[3] === "edited" ? "edited" : "";
      html += `<div class="${classes.join(" ")}" data-bead="${k}" style="top:${S.tops[r]}px;height:${S.tops[r + 1] - S.tops[r]}px">`
        + `<div class="meta">#${k + 1}<br>${kind}${b[2] !== null ? " " + b[2].toFixed(2) : ""}`
        + `${mark ? '<br><span class="mark">' + mark + "</span>" : ""}${b[4] ? "<br>deleted" : ""}</div>`
        + `<div class="side src">${sideHtml(k, "src", b[0])}</div><div class="side tgt">${sideHtml(k, "tgt", b[1])}</div></div>`;
    }
    rows.innerHTML = html;
  }

  function counts() {
    let problems = 0, confirmed = 0, deleted = 0;
    for (const b of S.beads) { if (problem(b)) problems++; if (b[3] !== "auto") confirmed++; if (b[4]) deleted++; }
    $("counts").textContent = `${S.beads.length} beads · ${S.src.length} + ${S.tgt.length} sentences · `
      + `${problems} to review · ${confirmed} confirmed or edited · ${deleted} deleted`;
    document.body.dataset.problems = String(problems);
    $("undo").disabled = !S.history.undo;
    $("redo").disabled = !S.history.redo;
  }

  // --- moving around ---------------------------------------------------------
  function select(k, scroll) {
    S.selected = Math.max(0, Math.min(k, S.beads.length - 1));
    S.sel = null;
    if (S.onlyProblems) rebuild();
    if (scroll !== false) reveal(S.selected);
    render();
  }

  function reveal(k) {
    const r = S.view.indexOf(k);
    if (r < 0) return;
    if (S.tops[r] < list.scrollTop) list.scrollTop = S.tops[r];
    else if (S.tops[r + 1] > list.scrollTop + list.clientHeight) list.scrollTop = S.tops[r + 1] - list.clientHeight;
  }

  function step(delta) {
    const r = S.view.indexOf(S.selected);
    const next = S.view[Math.max(0, Math.min(S.view.length - 1, (r < 0 ? 0 : r) + delta))];
    if (next !== undefined) select(next);
  }

  function jumpProblem(delta) {
    const n = S.beads.length;
    for (let d = 1; d <= n; d++) {
      const k = ((S.selected + delta * d) % n + n) % n;
      if (problem(S.beads[k])) { select(k); say(`problem at bead ${k + 1}`); return; }
    }
    say("no problems left");
  }

  // --- edits -----------------------------------------------------------------
  const bead = () => S.beads[S.selected];

  function split() {
    const b = bead();
    let src = Math.min(1, b[0].length), tgt = Math.min(1, b[1].length);
    if (S.sel) {  // split after the selected sentence on its side, proportionally on the other
      const cut = S.sel.pos + 1, other = S.sel.side === "src" ? b[1] : b[0];
      const share = Math.round(other.length * cut / (S.sel.side === "src" ? b[0] : b[1]).length);
      if (S.sel.side === "src") { src = cut; tgt = share; } else { tgt = cut; src = share; }
    }
    run("split", { op: "split", bead: S.selected, src_cut: src, tgt_cut: tgt });
  }

  function unalign() {
    if (S.sel) run("unaligned", { op: "detach", bead: S.selected, side: S.sel.side, position: S.sel.pos });
    else run("unaligned", { op: "unalign", bead: S.selected });
  }

  function editText() {
    const sel = S.sel || (bead()[0].length ? { side: "src", pos: 0 } : { side: "tgt", pos: 0 });
    S.sel = sel;
    render();
    const node = rows.querySelector(`.bead[data-bead="${S.selected}"] .s[data-side="${sel.side}"][data-pos="${sel.pos}"]`);
    if (!node) return;
    const k = S.selected;
    node.classList.add("editing");
    node.contentEditable = "plaintext-only";
    node.focus();
    const finish = (save) => {
      node.removeEventListener("keydown", keys);
      node.removeEventListener("blur", blur);
      node.contentEditable = "false";
      const text = node.textContent;
      list.focus();
      if (save && text.trim() && text !== S[sel.side][S.beads[k][sel.side === "src" ? 0 : 1][sel.pos]]) {
        run("text", { op: "text", bead: k, side: sel.side, position: sel.pos, text });
      } else render();
    };
    const keys = (e) => {
      e.stopPropagation();
      if (e.key === "Enter") { e.preventDefault(); finish(true); }
      if (e.key === "Escape") { e.preventDefault(); finish(false); }
    };
    const blur = () => finish(true);
    node.addEventListener("keydown", keys);
    node.addEventListener("blur", blur);
  }

  async function exportMemory() {
    const format = $("format").value;
    if (S.busy) return;
    S.busy = true;
    let data = null;
    try { data = await api("/api/export", { format }); } catch (err) { say(err.message, true); }
    finally { S.busy = false; }
    if (!data) return;
    const link = format === ".moses" ? "" :
      ` <a href="/api/download?format=${encodeURIComponent(format)}&token=${encodeURIComponent(token)}">download</a>`;
    $("status").innerHTML = `wrote ${esc(data.path)} (${data.units} units)${link}`;
    document.body.dataset.exported = data.path;
  }

  function key(e) {
    if (e.target.isContentEditable || e.target.tagName === "SELECT" || e.target.tagName === "INPUT") return;
    const ctrl = e.ctrlKey || e.metaKey;
    const k = S.selected;
    let handled = true;
    if (ctrl && (e.key === "z" || e.key === "Z")) run(e.shiftKey ? "redo" : "undo", {}, e.shiftKey ? "/api/redo" : "/api/undo");
    else if (ctrl && e.key === "y") run("redo", {}, "/api/redo");
    else if (ctrl) handled = false;
    else if (e.key === "ArrowDown" || e.key === "j") step(1);
    else if (e.key === "ArrowUp" || e.key === "k") step(-1);
    else if (e.key === "n") jumpProblem(1);
    else if (e.key === "p") jumpProblem(-1);
    else if (e.key === "f") toggleProblems(!S.onlyProblems);
    else if (e.key === "c" || e.key === "Enter") run("confirm", { op: "confirm", bead: k, value: bead()[3] !== "confirmed" });
    else if (e.key === "m") run("merge", { op: "merge", bead: k });
    else if (e.key === "M") run("merge", { op: "merge", bead: k, with: "prev" });
    else if (e.key === "s") split();
    else if (e.key === "[") run("move", { op: "move", bead: k, side: "src", direction: "down" });
    else if (e.key === "]") run("move", { op: "move", bead: k, side: "src", direction: "up" });
    else if (e.key === "{") run("move", { op: "move", bead: k, side: "tgt", direction: "down" });
    else if (e.key === "}") run("move", { op: "move", bead: k, side: "tgt", direction: "up" });
    else if (e.key === "u") unalign();
    else if (e.key === "e") editText();
    else if (e.key === "Delete" || e.key === "x") run("delete", { op: "exclude", bead: k, value: !bead()[4] });
    else if (e.key === "r") run("realign", {}, "/api/realign");
    else handled = false;
    if (handled) e.preventDefault();
  }

  function toggleProblems(on) {
    S.onlyProblems = on;
    $("problems-only").checked = on;
    rebuild();
    reveal(S.selected);
    render();
  }

  // --- wiring ------------------------------------------------------------------
  window.__editor.select = select;
  list.addEventListener("scroll", () => requestAnimationFrame(render));
  window.addEventListener("resize", render);
  document.addEventListener("keydown", key);
  rows.addEventListener("click", (e) => {
    const row = e.target.closest(".bead");
    if (!row || e.target.isContentEditable) return;
    S.selected = Number(row.dataset.bead);
    const s = e.target.closest(".s");
    S.sel = s ? { side: s.dataset.side, pos: Number(s.dataset.pos) } : null;
    render();
    list.focus();
  });
  rows.addEventListener("dblclick", (e) => { if (e.target.closest(".s")) editText(); });
  $("undo").onclick = () => run("undo", {}, "/api/undo");
  $("redo").onclick = () => run("redo", {}, "/api/redo");
  $("next-problem").onclick = () => jumpProblem(1);
  $("prev-problem").onclick = () => jumpProblem(-1);
  $("problems-only").onchange = (e) => toggleProblems(e.target.checked);
  $("realign").onclick = () => run("realign", {}, "/api/realign");
  $("export").onclick = exportMemory;

  (async function load() {
    const t0 = performance.now();
    try {
      const data = await api("/api/state");
      Object.assign(S, { name: data.name, src: data.src, tgt: data.tgt, beads: data.beads, history: data.history });
      $("name").textContent = `${data.name} (${data.src_lang} → ${data.tgt_lang})`;
      $("format").innerHTML = data.formats.map((f) => `<option value="${f}">${f.slice(1)}</option>`).join("");
      rebuild();
      list.focus();
      say("ready: arrows move, c confirms, n jumps to the next problem");
      document.body.dataset.ready = "1";
      window.__editor.timings.push({ what: "open", ms: performance.now() - t0 });
    } catch (err) {
      say(err.message, true);
    }
  })();
})();
