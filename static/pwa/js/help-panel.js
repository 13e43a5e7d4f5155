// Crisis resources as links a thumb can reach; rendered from cached content, so it works offline.
import { h } from './dom.js';

const SAFE = /^(tel:|sms:|https:)/;

export function helpPanel(crisis, { heading = 'Help, right now', level = 'h2' } = {}) {
  const contacts = (crisis.contacts || []).map((c) => h('li', { class: 'card' },
    h('h3', { text: c.name }),
    c.description ? h('p', { text: c.description }) : null,
    h('div', { class: 'row' }, (c.actions || []).filter((a) => SAFE.test(a.value)).map((a) =>
      h('a', { class: 'btn', href: a.value, text: a.label, rel: a.kind === 'chat' ? 'noopener noreferrer' : null })))));
  const steps = crisis.overdose_steps || [];
  return h('section', { class: 'card crisis', 'aria-labelledby': 'crisis-heading' },
    h(level, { id: 'crisis-heading', text: heading }),
    h('p', { text: 'You deserve support. Reaching out is a strong thing to do.' }),
    h('ul', { class: 'plain' }, contacts),
    steps.length ? h('h3', { text: 'If someone may be overdosing' }) : null,
    steps.length ? h('ol', {}, steps.map((s) => h('li', { text: typeof s === 'string' ? s : s.text }))) : null,
    (crisis.notes || []).map((n) => h('p', { class: 'hint', text: typeof n === 'string' ? n : n.text })),
    crisis.disclaimer ? h('p', { class: 'hint', text: crisis.disclaimer }) : null);
}
