// Alerts inbox: open alerts, acknowledged or resolved with an optional note. The notice that
// alerts are not watched around the clock comes from the server, with its crisis numbers.
import { api, tryApi } from '../api.js';
import { add, clear, h, status } from '../dom.js';

const RULES = { self_harm_item: 'questionnaire answer needs same-day follow-up', craving: 'strong craving reported', help_now: 'asked for help',
  no_checkin: 'no recent check-ins', low_mood: 'low mood for several days', screener_worse: 'questionnaire score moved up a band' };

export default async function alerts({ main }) {
  document.body.classList.add('staff');
  const box = h('div', {});
  const notice = h('p', { class: 'hint', 'data-testid': 'alerts-notice' });
  add(main, h('h1', { text: 'Alerts' }), notice, box);
  async function act(a, action, note) {
    try {
      await api(`/alerts/${encodeURIComponent(a.id)}/${action}`, { method: 'POST', body: { note: note.value || null } });
      await render();
    } catch (err) { box.prepend(status(err.message, 'error')); }
  }
  async function render() {
    const { data } = await tryApi('/alerts?state=open&state=acknowledged');
    clear(box);
    if (!data) { add(box, status('Alerts could not be loaded.', 'error')); return; }
    notice.textContent = data.notice || '';
    const items = data.alerts || [];
    if (!items.length) { add(box, h('p', { text: 'No open alerts.' })); return; }
    for (const a of items) {
      const note = h('input', { 'aria-label': 'Note (optional)', placeholder: 'Note (optional)', maxlength: 500 });
      add(box, h('article', { class: 'card' },
        h('h2', {}, h('a', { href: `#/clients/${encodeURIComponent(a.client.id)}`, text: a.client.display_name }), ` — ${RULES[a.rule] || a.rule.replace(/_/g, ' ')}`),
        h('p', { class: 'hint', text: `${new Date(a.created_at).toLocaleString()} · ${a.severity} · ${a.state}` }),
        h('div', { class: 'row' }, note,
          a.state === 'open' ? h('button', { type: 'button', text: 'Acknowledge', onclick: () => act(a, 'acknowledge', note) }) : null,
          h('button', { type: 'button', class: 'btn-quiet', text: 'Resolve', onclick: () => act(a, 'resolve', note) }))));
    }
  }
  await render();
}
