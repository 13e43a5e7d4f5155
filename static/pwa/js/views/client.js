// One client: charts of what is in scope, routine assignment and the printable report.
import { api, tryApi } from '../api.js';
import { lineChart } from '../charts.js';
import { add, h, replace, status } from '../dom.js';

const label = (p) => new Date(`${p.date || p.local_date}T12:00:00`).toLocaleDateString([], { month: 'short', day: 'numeric' });

export default async function client({ main, params }) {
  document.body.classList.add('staff');
  const id = encodeURIComponent(params.id);
  const { data, error } = await tryApi(`/clients/${id}/summary`);
  if (!data) {
    add(main, h('h1', { text: 'Client' }), status(error && error.status === 404 ? 'This client was not found, or is no longer linked.' : 'Could not load this client.', 'error'));
    return;
  }
  const name = data.client.display_name;
  const rows = data.checkins || [];
  const points = (key) => rows.map((p) => ({ label: label(p), value: p[key] ?? null }));
  add(main, h('h1', { text: name }),
    h('p', {}, h('a', { href: `/api/v1/clients/${id}/report`, text: 'Printable report' })),
    h('p', { class: 'hint', text: `Shared with you: ${(data.scopes || []).join(', ') || 'see the client’s link settings'}.` }));
  for (const [key, title, min, max] of [['mood', 'Mood (1–5)', 1, 5], ['craving', 'Cravings (0–10)', 0, 10], ['sleep_hours', 'Sleep (hours)', 0, undefined]]) {
    if (rows.some((r) => key in r)) add(main, lineChart({ title, points: points(key), min, max }));
  }
  const s = data.checkin_summary;
  if (s) add(main, h('p', { text: `Checked in on ${s.days_with_checkin} of ${s.days} days; last check-in ${s.last_checkin || 'never'}.` }));
  if (data.practice) add(main, h('p', { text: `Practice: ${data.practice.total_minutes} minutes in this period.` }));
  if (data.screeners && data.screeners.length) {
    add(main, h('h2', { text: 'Questionnaires' }), h('ul', { class: 'plain' }, data.screeners.map((r) => h('li', {
      text: `${r.instrument.toUpperCase()} · ${new Date(r.taken_at).toLocaleDateString()} · ${r.total} (${r.band})${r.flags.length ? ' · needs follow-up' : ''}`,
    }))));
  }
  const routines = await tryApi('/routines');
  const list = ((routines.data && routines.data.routines) || []).filter((r) => r.is_template);
  const out = h('div', { 'aria-live': 'polite' });
  if (Array.isArray(list) && list.length) {
    const pick = h('select', { id: 'assign' }, list.map((r) => h('option', { value: r.id, text: r.name })));
    add(main, h('section', { class: 'card' }, h('h2', { text: 'Assign a routine' }),
      h('label', { for: 'assign', text: 'Routine' }), pick,
      h('button', { type: 'button', text: 'Assign', onclick: async () => {
        try {
          await api(`/clients/${id}/routines`, { method: 'POST', body: { template_id: pick.value } });
          replace(out, status('Assigned. It will show on the client’s Today screen.', 'ok'));
        } catch (err) { replace(out, status(err.message, 'error')); }
      } }), out));
  } else {
    add(main, h('p', {}, 'No routines yet. ', h('a', { href: '#/routines', text: 'Build one' })));
  }
}
