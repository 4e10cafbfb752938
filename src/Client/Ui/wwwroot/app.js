// grokking live view: one sweep's phase diagram, filled in from server-sent events.
//
// The server sends a "reset" (the whole sweep) when a page connects, then one "run" event per run that changed and a
// "sweep" event when the counts change, each with an id EPOCH-SEQ. EventSource reconnects by itself and names the
// last id it saw, so the server sends exactly the events missed. The page keeps the user's choices (axes, colour,
// slice, zoom, selected run) across every update: Plotly's uirevision keeps the zoom while the axes stay the same.
'use strict';

const PHASE_COLOURS = {
  comprehension: '#2ca02c', grokking: '#ff7f0e', memorization: '#1f77b4', confusion: '#d62728', diverged: '#000000',
};
const STATUS_COLOURS = { queued: '#eeeeee', running: '#fff3b0', failed: '#b0b0b0', cancelled: '#d0d0d0', done: '#8c8c8c' };
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const RENDER_EVERY_MS = 200;
// Up to this many runs in view, Plotly draws a dot per run and its own hover labels; beyond, the page finds the cell
// under the pointer itself (thousands of SVG markers would make every redraw slow).
const MARKERS_UP_TO = 1500;

const state = {
  sweep: null, summary: null, axes: [], metrics: [], hasCurves: false,
  runs: new Map(), order: [],
  epoch: null, seq: 0, lastEventId: null, gaps: 0, applied: 0, resets: 0, disconnects: 0, latencies: [], renderMs: 0, renders: 0,
};
const ui = { x: 0, y: 1, colour: 'phase', slices: {}, selected: null };
let source = null;
let renderTimer = null;
let lastRender = 0;
let curvesFor = null;
let curvesFetchedAt = 0;

const $ = id => document.getElementById(id);
const fmt = (v, digits = 3) => v == null ? '–' : (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : (+v.toPrecision(digits)).toString());
const fmtStep = s => s >= 1e6 ? (s / 1e6).toFixed(1) + 'M' : s >= 1e3 ? (s / 1e3).toFixed(1) + 'k' : String(s);

// --- the event stream ---------------------------------------------------------------------------------------------

function connect(name) {
  if (source) source.close();
  state.sweep = name;
  state.runs = new Map();
  state.order = [];
  state.epoch = null;
  source = new EventSource(`/api/sweeps/${encodeURIComponent(name)}/events`);
  source.addEventListener('reset', e => {
    applySnapshot(JSON.parse(e.data));
    noteId(e.lastEventId, true);
    state.resets++;
    schedule();
  });
  source.addEventListener('run', e => {
    const data = JSON.parse(e.data);
    noteId(e.lastEventId, false);
    applyRun(data.run);
    noteLatency(data.t);
    schedule();
    if (data.run.id === ui.selected) refreshCurves(false);
  });
  source.addEventListener('sweep', e => {
    const data = JSON.parse(e.data);
    noteId(e.lastEventId, false);
    state.summary = data.sweep;
    noteLatency(data.t);
    schedule();
  });
  source.onopen = () => setConn('live', 'live');
  source.onerror = () => {
    if ($('conn').classList.contains('live')) state.disconnects++;
    setConn('down', source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…');
  };
}

// Every event's sequence number is one more than the last one applied; a jump would be a missed update.
function noteId(id, isReset) {
  const dash = id.lastIndexOf('-');
  const epoch = id.slice(0, dash), seq = Number(id.slice(dash + 1));
  if (!isReset && (epoch !== state.epoch || seq !== state.seq + 1)) state.gaps++;
  if (isReset) state.resetSeq = seq;
  state.epoch = epoch;
  state.seq = seq;
  state.lastEventId = id;
  state.applied++;
}

function noteLatency(sentAtMs) {
  state.latencies.push(Date.now() - sentAtMs);
  if (state.latencies.length > 100000) state.latencies.splice(0, 50000);
}

function applySnapshot(s) {
  const axesChanged = JSON.stringify(s.axes.map(a => a.name)) !== JSON.stringify(state.axes.map(a => a.name));
  state.summary = s.sweep;
  state.axes = s.axes;
  state.metrics = s.metrics;
  state.hasCurves = s.hasCurves;
  state.runs = new Map();
  state.order = [];
  for (const run of s.runs) applyRun(run);
  if (axesChanged) setupControls();
}

function applyRun(run) {
  if (!state.runs.has(run.id)) state.order.push(run.id);
  state.runs.set(run.id, run);
}

function setConn(cls, text) {
  const el = $('conn');
  el.className = 'conn ' + cls;
  el.textContent = text;
}

// --- controls -----------------------------------------------------------------------------------------------------

function option(select, value, text, selected) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  o.selected = selected;
  select.appendChild(o);
}

function setupControls() {
  const axes = state.axes;
  const saved = JSON.parse(localStorage.getItem('grokking.ui.' + state.sweep) || '{}');
  Object.assign(ui, { x: 0, y: axes.length > 1 ? 1 : -1, colour: 'phase', slices: {} }, saved);
  if (ui.x >= axes.length) ui.x = 0;
  if (ui.y >= axes.length || ui.y === ui.x) ui.y = axes.length > 1 ? (ui.x === 0 ? 1 : 0) : -1;
  if (ui.y === -1 && ui.colour === 'phase') ui.colour = lineMetric();
  const xs = $('x-axis'), ys = $('y-axis'), cs = $('colour');
  xs.innerHTML = ys.innerHTML = cs.innerHTML = '';
  axes.forEach((a, i) => option(xs, i, a.name + (a.log ? ' (log)' : ''), i === ui.x));
  option(ys, -1, '(none: line plot)', ui.y === -1);
  axes.forEach((a, i) => option(ys, i, a.name + (a.log ? ' (log)' : ''), i === ui.y));
  option(cs, 'phase', 'phase', ui.colour === 'phase');
  state.metrics.forEach(m => option(cs, m, m, ui.colour === m));
  setupSlices();
}

// Axes that are neither x nor y: the page shows one slice of them (a seed, a depth), chosen here.
function setupSlices() {
  const host = $('slices');
  host.innerHTML = '';
  state.axes.forEach((a, i) => {
    if (i === ui.x || i === ui.y) return;
    if (!(i in ui.slices) || !a.values.includes(ui.slices[i])) ui.slices[i] = a.values[0];
    const label = document.createElement('label');
    label.textContent = a.name + ' ';
    const select = document.createElement('select');
    select.id = 'slice-' + a.name;
    a.values.forEach((v, k) => option(select, v, a.labels[k], v === ui.slices[i]));
    select.onchange = () => { ui.slices[i] = Number(select.value); save(); render(); };
    label.appendChild(select);
    host.appendChild(label);
  });
  $('colour-label').textContent = ui.y === -1 ? 'value' : 'colour';
}

function save() {
  localStorage.setItem('grokking.ui.' + state.sweep, JSON.stringify({ x: ui.x, y: ui.y, colour: ui.colour, slices: ui.slices }));
}

$('x-axis').onchange = e => {
  ui.x = Number(e.target.value);
  if (ui.y === ui.x) ui.y = state.axes.findIndex((_, i) => i !== ui.x);
  $('y-axis').value = ui.y;
  setupSlices(); save(); render();
};
$('y-axis').onchange = e => {
  ui.y = Number(e.target.value);
  if (ui.y === ui.x) { ui.x = state.axes.findIndex((_, i) => i !== ui.y); $('x-axis').value = ui.x; }
  if (ui.y === -1 && ui.colour === 'phase') ui.colour = lineMetric();
  $('colour').value = ui.colour;
  setupSlices(); save(); render();
};
$('colour').onchange = e => { ui.colour = e.target.value; save(); render(); };
$('sweep').onchange = e => { history.replaceState(null, '', '?sweep=' + encodeURIComponent(e.target.value)); connect(e.target.value); };

// --- geometry -----------------------------------------------------------------------------------------------------

// A run's cell along one axis: a boundary search's own cell, else halfway to the neighbouring values on the axis's
// scale (geometric midpoints on a log axis), mirrored at the ends; a categorical axis gives each label a unit.
function cellAlong(axis, run, a) {
  if (run.lo && run.lo[a] != null && run.hi[a] != null) return [run.lo[a], run.hi[a]];
  const v = run.x[a];
  if (!axis.numeric) return [v - 0.5, v + 0.5];
  const values = axis.values.slice().sort((p, q) => p - q);
  const mid = (p, q) => axis.log ? Math.sqrt(p * q) : (p + q) / 2;
  const k = values.indexOf(v);
  if (values.length === 1 || k < 0) return axis.log ? [v / 1.5, v * 1.5] : [v - 0.5, v + 0.5];
  const lo = k > 0 ? mid(values[k - 1], v) : (axis.log ? v * v / mid(v, values[k + 1]) : 2 * v - mid(v, values[k + 1]));
  const hi = k < values.length - 1 ? mid(v, values[k + 1]) : (axis.log ? v * v / mid(values[k - 1], v) : 2 * v - mid(values[k - 1], v));
  return [lo, hi];
}

function centreOf(axis, range) { return axis.log ? Math.sqrt(range[0] * range[1]) : (range[0] + range[1]) / 2; }

function inSlice(run) {
  return state.axes.every((a, i) => i === ui.x || i === ui.y || run.x[i] === ui.slices[i]);
}

function classOf(run, colour, scale) {
  if (run.st !== 'done') return run.st;
  if (colour === 'phase') return run.phase || 'done';
  const v = run.m ? run.m[colour] : null;
  if (v == null) return 'no value';
  const t = scale.max > scale.min ? (v - scale.min) / (scale.max - scale.min) : 0.5;
  return 'bin' + Math.min(VIRIDIS.length - 1, Math.floor(t * VIRIDIS.length));
}

function colourOf(cls) {
  if (cls.startsWith('bin')) return VIRIDIS[Number(cls.slice(3))];
  return PHASE_COLOURS[cls] || STATUS_COLOURS[cls] || (cls === 'no value' ? '#8c8c8c' : '#9467bd');
}

function metricScale(runs, metric) {
  const values = runs.map(r => r.m ? r.m[metric] : null).filter(v => v != null);
  return { min: Math.min(...values), max: Math.max(...values) };
}

// A run object is replaced whenever the run changes, so its hover text is computed once per state.
function hoverText(run) {
  return run._hover || (run._hover = describe(run));
}

function describe(run) {
  const where = state.axes.map((a, i) => `${a.name} = ${a.numeric ? fmt(run.x[i], 4) : a.labels[run.x[i]]}`).join('<br>');
  let what = run.st;
  if (run.st === 'running') what += ` · step ${fmtStep(run.step)}${run.steps ? ' of ' + fmtStep(run.steps) : ''} · train ${fmt(run.tacc)} · val ${fmt(run.vacc)}`;
  if (run.st === 'done') what = `${run.phase || 'done'} · val ${fmt(run.vacc)} · 99% val at ${run.m && run.m.step_val_99 != null ? fmtStep(run.m.step_val_99) : 'never'}`;
  return `<b>${run.id}</b>${run.lvl != null ? ' (level ' + run.lvl + ')' : ''}<br>${where}<br>${what}`;
}

// --- drawing ------------------------------------------------------------------------------------------------------

// Draws at most every RENDER_EVERY_MS, and never more than a third of the time: a large diagram that takes 100 ms to
// draw is drawn every 300 ms, so events keep being applied between draws however fast they come.
function schedule() {
  if (renderTimer) return;
  const every = Math.max(RENDER_EVERY_MS, 3 * state.renderMs);
  const wait = Math.max(0, every - (Date.now() - lastRender));
  renderTimer = setTimeout(() => { renderTimer = null; render(); }, wait);
}

function render() {
  const started = performance.now();
  try {
    draw();
  } finally {
    state.renderMs = performance.now() - started;
    state.renders++;
    lastRender = Date.now();
  }
}

function draw() {
  const s = state.summary;
  if (s) {
    $('counts').textContent = `${s.done} of ${s.total} done · ${s.running} running · ${s.queued} queued`
      + (s.failed ? ` · ${s.failed} failed` : '') + (s.search ? ` · ${s.search}` : '') + (s.finished ? ' · finished' : '')
      + (s.problem ? ` · ${s.problem}` : '');
  }
  if (!state.axes.length) {
    Plotly.react('diagram', [], { title: { text: 'this sweep has no grid axes: one run' } });
    return;
  }
  if (ui.y === -1) renderLine(); else renderDiagram();
  const run = ui.selected && state.runs.get(ui.selected);
  if (run) $('run-facts').textContent = factsOf(run);
}

function axisLayout(axis) {
  const layout = { title: { text: axis.name + (axis.log ? ' (log scale)' : '') }, type: axis.log ? 'log' : 'linear', zeroline: false };
  // Ticks at the grid's own values while there are few of them (a refined or long axis keeps Plotly's ticks).
  if (!axis.numeric || axis.values.length <= 12) Object.assign(layout, { tickvals: axis.values, ticktext: axis.labels });
  return layout;
}

function renderDiagram() {
  const ax = state.axes[ui.x], ay = state.axes[ui.y];
  const runs = state.order.map(id => state.runs.get(id)).filter(inSlice);
  const scale = ui.colour === 'phase' ? null : metricScale(runs.filter(r => r.st === 'done'), ui.colour);
  // One filled trace per (level, class): coarse cells under fine ones, one legend entry per class.
  const groups = new Map();
  const centres = { x: [], y: [], customdata: [], text: [] };
  const live = { x: [], y: [], text: [] };
  const markers = runs.length <= MARKERS_UP_TO;
  state.cells = [];
  for (const run of runs) {
    const cx = cellAlong(ax, run, ui.x), cy = cellAlong(ay, run, ui.y);
    state.cells.push({ id: run.id, lvl: run.lvl ?? 0, x0: Math.min(...cx), x1: Math.max(...cx), y0: Math.min(...cy), y1: Math.max(...cy) });
    const cls = classOf(run, ui.colour, scale);
    const key = `${String(run.lvl ?? 0).padStart(3, '0')}|${cls}`;
    if (!groups.has(key)) groups.set(key, { cls, x: [], y: [] });
    const g = groups.get(key);
    g.x.push(cx[0], cx[1], cx[1], cx[0], cx[0], null);
    g.y.push(cy[0], cy[0], cy[1], cy[1], cy[0], null);
    const mx = centreOf(ax, cx), my = centreOf(ay, cy);
    centres.x.push(mx); centres.y.push(my);
    centres.customdata.push([run.id, run.st]);
    if (markers) centres.text.push(hoverText(run));
    if (run.st === 'running') { live.x.push(mx); live.y.push(my); live.text.push(`${fmtStep(run.step)}<br>${fmt(run.vacc, 2)}`); }
  }
  const shown = new Set();
  const traces = [...groups.keys()].sort().map(key => {
    const g = groups.get(key);
    const first = !shown.has(g.cls);
    shown.add(g.cls);
    // A refined cell still queued lets the coarser cell under it show through, lightened: what is known so far.
    const refinedQueued = g.cls === 'queued' && !key.startsWith('000|');
    return {
      type: 'scatter', mode: 'lines', fill: 'toself', fillcolor: refinedQueued ? 'rgba(255,255,255,0.55)' : colourOf(g.cls), hoveron: 'points', hoverinfo: 'skip',
      // Thousands of cells: no outlines (each is a few pixels; same-phase neighbours read as one region, and it draws faster).
      line: { color: refinedQueued ? '#999999' : '#ffffff', width: markers ? (refinedQueued ? 1 : 0.5) : 0, dash: refinedQueued ? 'dot' : 'solid' },
      x: g.x, y: g.y, name: legendName(g.cls, scale), legendgroup: g.cls, showlegend: first,
    };
  });
  traces.push({
    type: 'scatter', mode: 'markers', name: 'runs', showlegend: false, x: centres.x, y: centres.y, visible: markers,
    customdata: centres.customdata, hovertext: markers ? centres.text : undefined, hoverinfo: 'text',
    marker: { size: runs.length > 400 ? 3 : 5, color: 'rgba(0,0,0,0.25)' },
  });
  if (live.x.length && live.x.length <= 64) {
    traces.push({ type: 'scatter', mode: 'text', name: 'live', showlegend: false, hoverinfo: 'skip', x: live.x, y: live.y,
      text: live.text, textfont: { size: 10, color: '#333' } });
  }
  const layout = {
    uirevision: `${state.sweep}|${ui.x}|${ui.y}`, hovermode: 'closest', hoverdistance: -1, margin: { t: 30, r: 10 },
    xaxis: axisLayout(ax), yaxis: axisLayout(ay), legend: { orientation: 'h', y: -0.15 }, shapes: selectedShapes(),
    title: { text: ui.colour === 'phase' ? 'phase' : `${ui.colour}${scale && isFinite(scale.min) ? ` (${fmt(scale.min)} to ${fmt(scale.max)})` : ''}`, font: { size: 13 } },
  };
  Plotly.react('diagram', traces, layout, { displaylogo: false, responsive: true });
}

function legendName(cls, scale) {
  if (!cls.startsWith('bin') || !scale) return cls;
  const k = Number(cls.slice(3)), w = (scale.max - scale.min) / VIRIDIS.length;
  return `${fmt(scale.min + k * w)}–${fmt(scale.min + (k + 1) * w)}`;
}

// A 1-D sweep (or y = none): a strip of cells along the axis (status, then phase, as runs finish) above the chosen
// value against the axis, one point per finished run of the slice.
function renderLine() {
  const ax = state.axes[ui.x];
  const metric = ui.colour === 'phase' ? lineMetric() : ui.colour;
  const runs = state.order.map(id => state.runs.get(id)).filter(inSlice).sort((p, q) => p.x[ui.x] - q.x[ui.x]);
  const done = runs.filter(r => r.st === 'done' && r.m && r.m[metric] != null);
  const groups = new Map();
  for (const run of runs) {
    const cls = classOf(run, 'phase', null), cx = cellAlong(ax, run, ui.x);
    if (!groups.has(cls)) groups.set(cls, { x: [], y: [] });
    groups.get(cls).x.push(cx[0], cx[1], cx[1], cx[0], cx[0], null);
    groups.get(cls).y.push(0, 0, 1, 1, 0, null);
  }
  const traces = [...groups.keys()].sort().map(cls => ({
    type: 'scatter', mode: 'lines', fill: 'toself', fillcolor: colourOf(cls), hoveron: 'points', hoverinfo: 'skip', yaxis: 'y2',
    line: { color: '#ffffff', width: 1 }, x: groups.get(cls).x, y: groups.get(cls).y, name: cls, showlegend: true,
  }));
  traces.push({
    type: 'scatter', mode: 'markers+text', name: 'runs', showlegend: false, yaxis: 'y2',
    x: runs.map(r => centreOf(ax, cellAlong(ax, r, ui.x))), y: runs.map(() => 0.5),
    text: runs.map(r => r.st === 'running' ? `${fmtStep(r.step)} · ${fmt(r.vacc, 2)}` : ''), textposition: 'top center',
    customdata: runs.map(r => [r.id, r.st]), hovertext: runs.map(hoverText), hoverinfo: 'text',
    marker: { size: 5, color: 'rgba(0,0,0,0.25)' },
  });
  traces.push({
    type: 'scatter', mode: 'lines+markers', name: metric, showlegend: false, x: done.map(r => r.x[ui.x]), y: done.map(r => r.m[metric]),
    customdata: done.map(r => [r.id, r.st]), hovertext: done.map(hoverText), hoverinfo: 'text',
    marker: { size: 8, color: done.map(r => colourOf(r.phase || 'done')) }, line: { color: '#555' },
  });
  // Finished runs that never reached the value (a step never reached): hollow circles in a "never" row on top.
  const never = runs.filter(r => r.st === 'done' && !(r.m && r.m[metric] != null));
  const values = done.map(r => r.m[metric]);
  const neverAt = values.length ? Math.max(...values) * 1.15 + (Math.max(...values) === 0 ? 1 : 0) : 1;
  if (never.length) {
    traces.push({
      type: 'scatter', mode: 'markers', name: 'never', showlegend: false, x: never.map(r => r.x[ui.x]), y: never.map(() => neverAt),
      customdata: never.map(r => [r.id, r.st]), hovertext: never.map(hoverText), hoverinfo: 'text',
      marker: { size: 10, symbol: 'circle-open', line: { width: 2 }, color: never.map(r => colourOf(r.phase || 'done')) },
    });
  }
  Plotly.react('diagram', traces, {
    uirevision: `${state.sweep}|${ui.x}|line|${metric}`, hovermode: 'closest', margin: { t: 30, r: 10 },
    xaxis: axisLayout(ax), yaxis: { title: { text: metric }, domain: [0, 0.7] },
    yaxis2: { domain: [0.78, 1], range: [0, 1], showticklabels: false, showgrid: false, zeroline: false, fixedrange: true },
    legend: { orientation: 'h', y: -0.15 }, title: { text: `${metric} against ${ax.name}`, font: { size: 13 } }, shapes: selectedShapes(),
    annotations: never.length ? [{ xref: 'paper', yref: 'y', x: 0, y: neverAt, xanchor: 'left', yanchor: 'bottom', showarrow: false,
      text: 'never (hollow): finished without reaching it', font: { size: 10, color: '#555' } }] : [],
  }, { displaylogo: false, responsive: true });
}

// --- the selected run ---------------------------------------------------------------------------------------------

// The selected run's cell, outlined (in the strip of a line plot).
function selectedShapes() {
  const run = ui.selected && state.runs.get(ui.selected);
  if (!run || !inSlice(run)) return [];
  const cx = cellAlong(state.axes[ui.x], run, ui.x);
  if (ui.y === -1) return [{ type: 'rect', xref: 'x', yref: 'y2', x0: cx[0], x1: cx[1], y0: 0, y1: 1, line: { color: '#000', width: 3 } }];
  const cy = cellAlong(state.axes[ui.y], run, ui.y);
  return [{ type: 'rect', x0: cx[0], x1: cx[1], y0: cy[0], y1: cy[1], line: { color: '#000', width: 3 } }];
}

// What a line plot draws when no outcome was chosen: the step validation accuracy reached 99%, else the first one.
function lineMetric() {
  return state.metrics.includes('step_val_99') ? 'step_val_99' : (state.metrics[0] || 'phase');
}

function factsOf(run) {
  const where = state.axes.map((a, i) => `${a.name} = ${a.numeric ? fmt(run.x[i], 4) : a.labels[run.x[i]]}`).join(', ');
  let what = `${run.st}, step ${run.step}${run.steps ? ' of ' + run.steps : ''}`;
  if (run.phase) what += `, ${run.phase}`;
  if (run.vacc != null) what += `, val acc ${fmt(run.vacc)}`;
  if (run.m && run.m.step_val_99 != null) what += `, 99% val at step ${run.m.step_val_99}`;
  return `${where}\n${what}`;
}

function select(runId) {
  ui.selected = runId;
  $('run-title').textContent = 'run ' + runId;
  render();
  refreshCurves(true);
}

// Curves come from the Parquet dataset; a running run's are fetched again as it reports, at most every 3 s.
async function refreshCurves(force) {
  const runId = ui.selected;
  if (!runId) return;
  if (!state.hasCurves) { $('run-facts').textContent += '\n(no output folder here: curves cannot be read)'; return; }
  if (!force && Date.now() - curvesFetchedAt < 3000) return;
  curvesFetchedAt = Date.now();
  const response = await fetch(`/api/sweeps/${encodeURIComponent(state.sweep)}/runs/${encodeURIComponent(runId)}/curves`);
  if (ui.selected !== runId) return;
  const body = await response.json();
  if (!response.ok) { $('run-facts').textContent += '\n' + body.error; return; }
  curvesFor = body;
  drawCurves(body);
}

function drawCurves(c) {
  const steps = c.evals.map(e => Math.max(1, e.step));
  const logSteps = { type: 'log', title: { text: 'step (log)' } };
  const small = { margin: { t: 28, r: 10, b: 40, l: 50 }, legend: { orientation: 'h', y: -0.35 }, font: { size: 10 } };
  const config = { displaylogo: false, responsive: true };
  Plotly.react('curves-acc', [
    { type: 'scatter', mode: 'lines', name: 'train', x: steps, y: c.evals.map(e => e.trainAcc), line: { dash: 'dash', color: '#1f77b4' } },
    { type: 'scatter', mode: 'lines', name: 'validation', x: steps, y: c.evals.map(e => e.valAcc), line: { color: '#d62728' } },
  ], { ...small, title: { text: 'accuracy' }, xaxis: logSteps, yaxis: { range: [0, 1.02] } }, config);
  Plotly.react('curves-loss', [
    { type: 'scatter', mode: 'lines', name: 'train', x: steps, y: c.evals.map(e => e.trainLoss), line: { dash: 'dash', color: '#1f77b4' } },
    { type: 'scatter', mode: 'lines', name: 'validation', x: steps, y: c.evals.map(e => e.valLoss), line: { color: '#d62728' } },
  ], { ...small, title: { text: 'loss' }, xaxis: logSteps, yaxis: { type: 'log' } }, config);
  const perLayer = key => c.layers.map(l => ({ type: 'scatter', mode: 'lines', name: l.name, x: l.steps.map(s => Math.max(1, s)), y: l[key] }));
  Plotly.react('layers-rank', perLayer('featureRank'), { ...small, title: { text: c.layers.length ? 'feature rank per layer' : 'feature rank: not measured' }, xaxis: logSteps }, config);
  Plotly.react('layers-norm', perLayer('weightNorm'), { ...small, title: { text: c.layers.length ? 'weight norm per layer' : 'weight norm: not measured' }, xaxis: logSteps }, config);
}

// --- start --------------------------------------------------------------------------------------------------------

async function start() {
  const sweeps = await (await fetch('/api/sweeps')).json();
  const wanted = new URLSearchParams(location.search).get('sweep');
  const name = sweeps.some(s => s.name === wanted) ? wanted : (sweeps[0] && sweeps[0].name);
  const picker = $('sweep');
  sweeps.forEach(s => option(picker, s.name, `${s.name} (${s.total} runs)`, s.name === name));
  if (!name) { $('counts').textContent = 'no sweeps here yet'; return; }
  Plotly.newPlot('diagram', [], {}, { displaylogo: false, responsive: true });
  const gd = $('diagram');
  // The line plot's points are Plotly's to pick; the diagram's cells are found under the pointer (the finest cell
  // there, for a refined grid), so a click selects the cell it lands in however many runs there are.
  gd.on('plotly_click', ev => {
    const p = ev.points.find(q => Array.isArray(q.customdata));
    if (p && ui.y === -1) select(p.customdata[0]);
  });
  let down = null;
  gd.addEventListener('mousedown', e => { down = { x: e.clientX, y: e.clientY }; }, true);
  gd.addEventListener('click', e => {
    const dragged = down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4;
    if (ui.y === -1 || dragged) return;
    const cell = cellAt(e.clientX, e.clientY);
    if (cell) select(cell.id);
  }, true);
  let pending = null;
  gd.addEventListener('mousemove', e => {
    if (pending) return;
    pending = requestAnimationFrame(() => { pending = null; showHover(e); });
  });
  gd.addEventListener('mouseleave', () => { $('hover').style.display = 'none'; });
  connect(name);
}

// The run whose cell is under the pointer (client pixels), or null.
function cellAt(clientX, clientY) {
  const gd = $('diagram'), fl = gd._fullLayout;
  if (!fl || !state.cells || ui.y === -1) return null;
  const xa = fl.xaxis, ya = fl.yaxis, box = gd.getBoundingClientRect();
  const px = clientX - box.left - xa._offset, py = clientY - box.top - ya._offset;
  if (px < 0 || py < 0 || px > xa._length || py > ya._length) return null;
  const x = xa.l2c(xa.p2l(px)), y = ya.l2c(ya.p2l(py));
  let best = null;
  for (const c of state.cells)
    if (x >= c.x0 && x <= c.x1 && y >= c.y0 && y <= c.y1 && (!best || c.lvl > best.lvl)) best = c;
  return best;
}

// Above MARKERS_UP_TO runs Plotly has no points to label: the page labels the cell under the pointer itself.
function showHover(e) {
  const tip = $('hover');
  const many = state.cells && state.cells.length > MARKERS_UP_TO;
  const cell = many ? cellAt(e.clientX, e.clientY) : null;
  const run = cell && state.runs.get(cell.id);
  if (!run) { tip.style.display = 'none'; return; }
  // Escaped, then the two tags the label uses restored: sweep values are text, never markup.
  const escaped = hoverText(run).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  tip.innerHTML = escaped.replace(/&lt;br&gt;/g, '<br>').replace(/&lt;(\/?)b&gt;/g, '<$1b>');
  tip.style.left = (e.pageX + 14) + 'px';
  tip.style.top = (e.pageY + 10) + 'px';
  tip.style.display = 'block';
}

// For tests and the curious (window.grokking in the browser console).
window.grokking = {
  state, ui, select,
  // What the diagram draws now: each run's id and status as the chart holds them.
  rendered() {
    const t = ($('diagram').data || []).find(d => d.name === 'runs');
    return t ? Object.fromEntries(t.customdata.map(([id, st]) => [id, st])) : {};
  },
  // Where a run's cell is on the page, in CSS pixels.
  cellCentre(runId) {
    const gd = $('diagram'), t = (gd.data || []).find(d => d.name === 'runs');
    const k = t ? t.customdata.findIndex(c => c[0] === runId) : -1;
    if (k < 0) return null;
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout[t.yaxis === 'y2' ? 'yaxis2' : 'yaxis'], box = gd.getBoundingClientRect();
    return { x: box.left + xa._offset + xa.l2p(xa.c2l(t.x[k])), y: box.top + ya._offset + ya.l2p(ya.c2l(t.y[k])) };
  },
  curves: () => curvesFor,
};

start();
