// Alerts inbox: acknowledge with an optional note. Alerts are not monitored around the clock.
import { api, tryApi } from '../api.js';
import { add, clear, h, replace, status } from '../dom.js';

const RULES = { self_harm_item: 'questionnaire answer needs same-day follow-up', craving: 'strong craving reported', help_now: 'asked for help',
  no_checkin: 'no recent check-ins', low_mood: 'low mood for several days', screener_worse: 'questionnaire score moved up a band' };

export default async function alerts({ main }) {
  document.body.classList.add('staff');
  const box = h('div', {});
  const notice = h('p', { class: 'hint', text: 'Alerts are not monitored around the clock; clients are told to call 988 or 911 in an emergency.' });
  add(main, h('h1', { text: 'Alerts' }), notice, box);
  async function render() {
    clear(box);
    const { data } = await tryApi('/alerts');
    const items = (data && data.alerts) || [];
    if (!data) { add(box, status('Alerts could not be loaded.', 'error')); return; }
    if (data.notice) notice.textContent = data.notice;
    if (!items.length) { add(box, h('p', { text: 'No open alerts.' })); return; }
    for (const a of items) {
      const note = h('input', { 'aria-label': 'Note (optional)', placeholder: 'Note (optional)', maxlength: 500 });
      const done = a.state !== 'open';
      add(box, h('article', { class: 'card' },
        h('h2', {}, h('a', { href: `#/clients/${encodeURIComponent(a.client.id)}`, text: a.client.display_name }), ` — ${RULES[a.rule] || a.rule.replace(/_/g, ' ')}`),
        h('p', { class: 'hint', text: `${new Date(a.created_at).toLocaleString()} · ${a.severity} · ${a.state}` }),
        done ? null : h('div', { class: 'row' }, note, h('button', { type: 'button', text: 'Acknowledge', onclick: async () => {
          try { await api(`/alerts/${a.id}/acknowledge`, { method: 'POST', body: { note: note.value || null } }); render(); } catch (err) { box.prepend(status(err.message, 'error')); }
        } }))));
    }
  }
  await render();
}
