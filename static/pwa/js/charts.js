// Small SVG charts with a text equivalent (a table) for screen readers and anyone who prefers it.
import { add, h, nextId, svg } from './dom.js';

const W = 320;
const H = 120;
const PAD = 20;

function scale(values, min, max) {
  const lo = min ?? Math.min(...values);
  const hi = max ?? Math.max(...values);
  return (v) => H - PAD - ((v - lo) / (hi - lo || 1)) * (H - 2 * PAD);
}

// points: [{label, value}] (value may be null for a day with nothing recorded)
export function lineChart({ title, points, min, max, unit = '', bars = false }) {
  const id = nextId('chart');
  const known = points.filter((p) => p.value !== null && p.value !== undefined);
  const figure = h('figure', { class: 'chart card' }, h('figcaption', { id, text: title }));
  if (!known.length) {
    add(figure, h('p', { class: 'hint', text: 'Nothing recorded in this period yet.' }));
    return figure;
  }
  const y = scale(known.map((p) => p.value), min, max);
  const step = (W - 2 * PAD) / Math.max(points.length - 1, 1);
  const x = (i) => PAD + i * step;
  const shapes = [svg('line', { class: 'axis', x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD })];
  if (bars) {
    points.forEach((p, i) => {
      if (p.value === null || p.value === undefined) return;
      const top = y(p.value);
      shapes.push(svg('rect', { class: 'bar', x: x(i) - Math.min(step * 0.35, 8), y: top, width: Math.min(step * 0.7, 16), height: H - PAD - top }));
    });
  } else {
    const d = points.map((p, i) => (p.value === null || p.value === undefined ? null : `${x(i)},${y(p.value)}`)).filter(Boolean);
    shapes.push(svg('polyline', { class: 'line', points: d.join(' ') }));
    points.forEach((p, i) => { if (p.value !== null && p.value !== undefined) shapes.push(svg('circle', { class: 'dot', cx: x(i), cy: y(p.value), r: 3 })); });
  }
  const avg = known.reduce((a, p) => a + p.value, 0) / known.length;
  shapes.push(svg('text', { x: PAD, y: 12, text: `${points[0].label} – ${points[points.length - 1].label}` }));
  add(figure, 
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': id, 'aria-describedby': `${id}-sum` }, shapes),
    h('p', { id: `${id}-sum`, class: 'hint', text: `${known.length} days recorded; average ${avg.toFixed(1)}${unit}.` }),
    h('details', {}, h('summary', { text: 'Show as a table' }),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Day' }), h('th', { scope: 'col', text: title }))),
        h('tbody', {}, known.map((p) => h('tr', {}, h('td', { text: p.label }), h('td', { text: `${p.value}${unit}` })))))));
  return figure;
}

// A tiny trend line for tables; the label says in words what it shows.
export function sparkline(values, label) {
  const known = (values || []).filter((v) => v !== null && v !== undefined);
  if (known.length < 2) return h('span', { class: 'hint', text: known.length ? String(known[0]) : '—' });
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  const pts = values.map((v, i) => (v === null || v === undefined ? null
    : `${(i / (values.length - 1)) * 96 + 2},${22 - ((v - lo) / (hi - lo || 1)) * 20}`)).filter(Boolean);
  const trend = known[known.length - 1] - known[0];
  const words = trend > 0 ? 'rising' : trend < 0 ? 'falling' : 'steady';
  return svg('svg', { class: 'spark', viewBox: '0 0 100 24', role: 'img', 'aria-label': `${label}: ${words}, from ${known[0]} to ${known[known.length - 1]}` },
    svg('polyline', { class: 'line', points: pts.join(' ') }));
}
