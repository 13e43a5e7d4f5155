// Progress: mood, craving, sleep and practice over time, as charts with text equivalents.
import { api, tryApi } from '../api.js';
import { lineChart } from '../charts.js';
import { add, clear, field, h, status } from '../dom.js';
import { remember } from '../session.js';

const shortDate = (iso) => new Date(`${iso}T12:00:00`).toLocaleDateString([], { month: 'short', day: 'numeric' });

function seriesOf(data, ...keys) {
  const series = data.series || data.daily || data;
  for (const key of keys) {
    const s = series && series[key];
    if (Array.isArray(s)) {
      return s.map((p) => ({ label: shortDate(p.date || p.local_date || p.day), value: p.value ?? p[key] ?? null }));
    }
  }
  if (Array.isArray(series)) {
    for (const key of keys) {
      if (series.some((p) => key in p)) return series.map((p) => ({ label: shortDate(p.date || p.local_date), value: p[key] ?? null }));
    }
  }
  return [];
}

function practice(data) {
  const weeks = data.practice_minutes_per_week || data.practice_weekly || (data.practice && data.practice.weekly) || [];
  return weeks.map((w) => ({ label: w.week_start ? shortDate(w.week_start) : String(w.week || w.label), value: w.minutes ?? w.value ?? 0 }));
}

export default async function progress({ main, ctx }) {
  const days = h('select', {}, [7, 30, 90].map((d) => h('option', { value: String(d), text: `Last ${d} days`, selected: d === 30 })));
  const body = h('div', {});
  const streakToggle = h('input', { type: 'checkbox', id: 'hide-streaks', checked: Boolean(ctx.me && ctx.me.hide_streaks) });
  add(main, h('h1', { text: 'Progress' }),
    h('p', { class: 'hint', text: 'Patterns, not grades. Ups and downs are part of it.' }),
    field('Period', days), body,
    h('label', { class: 'check', for: 'hide-streaks' }, streakToggle, 'Hide streaks and day counts'));

  async function render() {
    add(clear(body), h('p', { class: 'loading', text: 'Loading…' }));
    const { data, error } = await tryApi(`/insights?days=${days.value}`);
    clear(body);
    if (!data) {
      add(body, status(error && error.offline ? 'Your charts will appear when you are back online.' : 'Charts are not available yet.'));
      return;
    }
    if (data.fromCache) add(body, h('p', { class: 'hint', text: 'Showing the copy saved on this phone.' }));
    add(body, 
      lineChart({ title: 'Mood (1–5)', points: seriesOf(data, 'mood'), min: 1, max: 5 }),
      lineChart({ title: 'Cravings (0–10)', points: seriesOf(data, 'craving'), min: 0, max: 10 }),
      lineChart({ title: 'Sleep (hours)', points: seriesOf(data, 'sleep_hours', 'sleep'), min: 0, unit: ' h' }),
      lineChart({ title: 'Practice (minutes a week)', points: practice(data), min: 0, unit: ' min', bars: true }));
    const hidden = ctx.me && ctx.me.hide_streaks;
    const c = data.consistency ?? data.consistency_30d;
    if (!hidden && c !== undefined && c !== null) {
      const n = typeof c === 'object' ? c.days : c <= 1 ? Math.round(c * 30) : c;
      add(body, h('p', { 'data-testid': 'consistency', text: `You checked in on ${n} of the last 30 days.` }));
      if (data.streak) add(body, h('p', { text: `Current run: ${data.streak} day${data.streak === 1 ? '' : 's'} in a row.` }));
    }
    for (const corr of data.correlations || []) {
      add(body, h('p', { class: 'note', text: corr.text || corr.summary || corr.description }));
    }
  }
  days.addEventListener('change', render);
  streakToggle.addEventListener('change', async () => {
    try {
      const profile = await api('/me', { method: 'PATCH', body: { hide_streaks: streakToggle.checked } });
      await remember(profile);
      render();
    } catch {
      streakToggle.checked = !streakToggle.checked;
    }
  });
  await render();
}
