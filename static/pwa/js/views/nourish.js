// Nourish: nutrition tips from the offline bundle, filterable by topic.
import { getBundle } from '../content.js';
import { add, clear, field, h, replace, status } from '../dom.js';

function tipCard(t) {
  const safe = t.source && /^https:\/\//.test(t.source.url);
  return h('li', { class: 'card' }, h('h2', { text: t.title }), h('p', { text: t.body }),
    t.why_it_matters ? h('details', {}, h('summary', { text: 'Why it matters' }), h('p', { text: t.why_it_matters })) : null,
    t.source ? h('p', { class: 'hint' }, 'Source: ', safe ? h('a', { href: t.source.url, rel: 'noopener noreferrer', text: t.source.name }) : t.source.name) : null);
}

export default async function nourish({ main }) {
  add(main, h('h1', { text: 'Nourish' }), h('p', { text: 'Small, doable ideas for eating and drinking well. Take what helps and leave the rest.' }));
  const bundle = await getBundle();
  if (!bundle) {
    add(main, status('Tips are not on this phone yet. Connect once and they will stay available offline.'));
    return;
  }
  const tips = bundle.tips || [];
  const tags = [...new Set(tips.flatMap((t) => t.tags || []))].sort();
  const topic = h('select', {}, h('option', { value: '', text: 'All topics' }), tags.map((t) => h('option', { value: t, text: t.replace(/-/g, ' ') })));
  const list = h('ul', { class: 'plain' });
  const render = () => add(clear(list), ...tips.filter((t) => !topic.value || (t.tags || []).includes(topic.value)).map(tipCard));
  topic.addEventListener('change', render);
  add(main, field('Topic', topic), list);
  render();
}
