// Today: what is due, whether there is a check-in yet, a tip, and gentle consistency.
import { tryApi } from '../api.js';
import { getBundle } from '../content.js';
import { add, h, localDate, replace } from '../dom.js';
import { kvGet } from '../idb.js';

const STATE_WORDS = { done: 'Done', pending: 'To do', missed: 'Missed yesterday — today is a fresh start', missed_yesterday: 'Missed yesterday — today is a fresh start' };

const INSTRUMENTS = { phq9: 'PHQ-9', gad7: 'GAD-7', phq2: 'PHQ-2', gad2: 'GAD-2' };
const KIND_WORDS = { checkin: 'Check in', meditation: 'Meditation', meditation_tag: 'A meditation', tip: 'Read a tip', screener: 'Questionnaire', custom: 'Activity' };

function itemTitle(item, bundle) {
  if (item.text) return item.text;
  const m = bundle && item.kind === 'meditation' && (bundle.meditations || []).find((x) => x.slug === item.target);
  if (m) return m.title;
  const t = bundle && item.kind === 'tip' && (bundle.tips || []).find((x) => x.slug === item.target);
  if (t) return t.title;
  return item.target ? `${KIND_WORDS[item.kind] || item.kind}: ${item.target.replace(/-/g, ' ')}` : KIND_WORDS[item.kind] || item.kind;
}

function itemLink(item) {
  const kind = item.kind || item.type;
  const ref = item.target || item.ref;
  if (kind === 'checkin') return '#/checkin';
  if (kind === 'meditation' && ref) return `#/meditate/${encodeURIComponent(ref)}`;
  if (kind === 'meditation' || kind === 'meditation_tag') return '#/meditate';
  if (kind === 'tip') return '#/nourish';
  if (kind === 'screener') return `#/screeners${ref ? `/${encodeURIComponent(ref)}` : ''}`;
  return null;
}

function doneButton(item) {
  if (!['custom', 'tip'].includes(item.kind) || item.state === 'done') return null;
  const button = h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Mark done', 'aria-label': `Mark “${item.text || item.target}” done` });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const { error } = await tryApi(`/me/routine-items/${encodeURIComponent(item.id)}/done`, { method: 'POST', body: {} });
    if (error) { button.disabled = false; return; }
    button.replaceWith(h('span', { class: 'state-done', text: 'Done' }));
  });
  return button;
}

function inbox(nudges) {
  const fresh = nudges.filter((n) => !n.opened_at && /^\/#\//.test(n.url)).slice(0, 3);
  if (!fresh.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'inbox-h' }, h('h2', { id: 'inbox-h', text: 'Gentle reminders' }),
    h('ul', { class: 'plain' }, fresh.map((n) => h('li', {}, h('a', {
      href: n.url.replace(/^\//, ''), text: n.title,
      onclick: () => { tryApi(`/nudges/${encodeURIComponent(n.id)}/opened`, { method: 'POST' }); },
    }), n.body ? h('p', { class: 'hint', text: n.body }) : null))));
}

function dueList(items, bundle) {
  if (!items.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'due-h' }, h('h2', { id: 'due-h', text: 'Your plan for today' }),
    h('ul', { class: 'plain due' }, items.map((item) => {
      const title = itemTitle(item, bundle);
      const link = itemLink(item);
      const state = item.state || item.status || 'pending';
      return h('li', { 'data-state': state },
        link ? h('a', { href: link, text: title }) : h('span', { text: title }),
        h('span', { class: state === 'done' ? 'state-done' : 'hint', text: STATE_WORDS[state] || state }), doneButton(item));
    })));
}

function tipCard(tip) {
  if (!tip) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'tip-h' }, h('h2', { id: 'tip-h', text: 'Tip of the day' }),
    h('h3', { text: tip.title }), h('p', { text: tip.body }),
    h('a', { href: '#/nourish', text: 'More tips' }));
}

function consistencyText(today) {
  const c = today.consistency ?? today.consistency_30d;
  if (c && typeof c === 'object' && c.days !== undefined) return `You checked in on ${c.days} of the last ${c.of || 30} days. Every day you show up counts.`;
  if (typeof c === 'number') {
    const days = c <= 1 ? Math.round(c * 30) : Math.round(c);
    return `You checked in on ${days} of the last 30 days. Every day you show up counts.`;
  }
  return null;
}

export default async function today({ main, ctx }) {
  const date = localDate();
  const [remote, local, nudges] = await Promise.all([tryApi('/today'), kvGet(`checkin:${date}`).catch(() => null), tryApi('/nudges?limit=5')]);
  const data = remote.data || {};
  // The bundle is only needed for titles of planned items, or a tip when the server is away.
  const bundle = data.tip && !(data.routines || []).length ? null : await getBundle();
  const checkedIn = Boolean(local || (data.checkin && data.checkin.done));
  let tip = data.tip || data.tip_of_the_day;
  if (!tip) tip = (await tryApi('/content/tips/today')).data;
  if (!tip && bundle && bundle.tips && bundle.tips.length) {
    const day = Math.floor(Date.now() / 86400000);
    tip = bundle.tips[day % bundle.tips.length];
  }
  const name = ctx.me && ctx.me.display_name;
  const due = data.routines || [];
  const screenersDue = data.screeners_due || [];
  const hide = ctx.me && ctx.me.hide_streaks;
  const consistency = hide ? null : consistencyText(data);
  add(main, 
    h('h1', { text: name ? `Hi, ${name}` : 'Today' }),
    remote.data && remote.data.fromCache ? h('p', { class: 'hint', text: 'Showing what was saved on this phone; it will refresh when you are back online.' }) : null,
    h('section', { class: 'card', 'aria-labelledby': 'ci-h' }, h('h2', { id: 'ci-h', text: 'Check-in' }),
      checkedIn
        ? [h('p', { 'data-testid': 'checkin-status', text: 'You have checked in today. Thank you for taking a moment for yourself.' }),
          h('a', { class: 'btn btn-quiet', href: '#/checkin', text: 'Edit today’s check-in' })]
        : [h('p', { 'data-testid': 'checkin-status', text: 'How are you today? It takes about 30 seconds, and every question is optional.' }),
          h('a', { class: 'btn', href: '#/checkin', text: 'Check in' })]),
    inbox((nudges.data && nudges.data.nudges) || []),
    dueList(due, bundle),
    screenersDue.length ? h('section', { class: 'card', 'aria-labelledby': 'scr-h' }, h('h2', { id: 'scr-h', text: 'A weekly questionnaire is ready' }),
      h('p', { text: 'Two minutes, whenever suits you.' }),
      h('div', { class: 'row' }, screenersDue.map((id) => h('a', { class: 'btn btn-quiet', href: `#/screeners/${encodeURIComponent(id)}`, text: INSTRUMENTS[id] || id.toUpperCase() })))) : null,
    h('section', { class: 'card', 'aria-labelledby': 'pause-h' }, h('h2', { id: 'pause-h', text: 'Take a pause' }),
      h('div', { class: 'row' }, h('a', { class: 'btn', href: '#/meditate/sos-breath', text: 'One minute to breathe' }),
        h('a', { class: 'btn btn-quiet', href: '#/meditate', text: 'All meditations' }))),
    tipCard(tip),
    consistency ? h('p', { class: 'hint', 'data-testid': 'consistency', text: consistency }) : null,
    h('p', {}, h('a', { href: '#/screeners', text: 'Weekly questionnaires' })));
}
