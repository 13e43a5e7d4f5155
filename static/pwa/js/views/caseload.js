// Caseload: one row per linked client, with trends and open alerts (only what each client shares).
import { tryApi } from '../api.js';
import { sparkline } from '../charts.js';
import { add, h, status } from '../dom.js';

const values = (s) => (s || []).map((p) => (p && typeof p === 'object' ? p.value ?? null : p));
const dash = (v) => (v === null || v === undefined ? '—' : String(v));

export default async function caseload({ main }) {
  document.body.classList.add('staff');
  add(main, h('h1', { text: 'Caseload' }));
  const { data, error } = await tryApi('/caseload');
  if (!data) {
    add(main, status(error && error.status === 404 ? 'The caseload is not available on this server yet.' : 'The caseload could not be loaded. Please try again.', 'error'));
    return;
  }
  const rows = data.clients || [];
  if (!rows.length) {
    add(main, h('p', { text: 'No clients are linked yet. Create an invite code and give it to a client.' }), h('a', { class: 'btn', href: '#/invites', text: 'Invite codes' }));
    return;
  }
  add(main, h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'hint', text: 'Dashes mean no data, or data the client has not shared.' }),
    h('thead', {}, h('tr', {}, ['Client', 'Last check-in', 'Mood (7 days)', 'Cravings (7 days)', 'Adherence', 'Open alerts'].map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map((r) => {
      const id = r.client.id;
      const name = r.client.display_name;
      const adherence = r.adherence_7d === null || r.adherence_7d === undefined ? '—' : `${Math.round(r.adherence_7d * 100)}%`;
      return h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: `#/clients/${encodeURIComponent(id)}`, text: name })),
        h('td', { text: dash(r.last_checkin) }),
        h('td', {}, sparkline(values(r.mood_7d), `${name}, mood`)),
        h('td', {}, sparkline(values(r.craving_7d), `${name}, cravings`)),
        h('td', { text: adherence }),
        h('td', { text: dash(r.open_alerts) }));
    })))));
}
