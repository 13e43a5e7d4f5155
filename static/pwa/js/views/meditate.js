// The meditation library with filters; everything comes from the offline content bundle.
import { getBundle } from '../content.js';
import { add, clear, field, h, status } from '../dom.js';

const LENGTHS = [['', 'Any length'], ['short', 'Up to 5 minutes'], ['medium', '5 to 15 minutes'], ['long', 'Over 15 minutes']];

function fits(m, { tag, length, level }) {
  const minutes = m.duration_seconds / 60;
  if (tag && !(m.tags || []).includes(tag)) return false;
  if (level && m.level !== level) return false;
  if (length === 'short' && minutes > 5) return false;
  if (length === 'medium' && (minutes <= 5 || minutes > 15)) return false;
  if (length === 'long' && minutes <= 15) return false;
  return true;
}

export default async function meditate({ main }) {
  add(main, h('h1', { text: 'Meditate' }));
  const bundle = await getBundle();
  if (!bundle) {
    add(main, status('The meditations are not on this phone yet. Connect once and they will stay available offline.'));
    return;
  }
  const items = bundle.meditations || [];
  const tags = [...new Set(items.flatMap((m) => m.tags || []))].sort();
  const levels = [...new Set(items.map((m) => m.level).filter(Boolean))];
  const tag = h('select', {}, h('option', { value: '', text: 'All topics' }), tags.map((t) => h('option', { value: t, text: t })));
  const length = h('select', {}, LENGTHS.map(([v, t]) => h('option', { value: v, text: t })));
  const level = h('select', {}, h('option', { value: '', text: 'Any level' }), levels.map((l) => h('option', { value: l, text: l })));
  const list = h('ul', { class: 'plain', 'aria-live': 'polite' });
  const render = () => {
    const shown = items.filter((m) => fits(m, { tag: tag.value, length: length.value, level: level.value }));
    add(clear(list), ...shown.map((m) => h('li', {},
      h('a', { href: `#/meditate/${encodeURIComponent(m.slug)}`, text: m.title }),
      h('span', { class: 'hint', text: ` · ${Math.round(m.duration_seconds / 60)} min` }),
      h('p', { class: 'hint', text: m.summary }))));
    if (!shown.length) add(list, h('li', { text: 'Nothing matches those filters. Try fewer.' }));
  };
  for (const el of [tag, length, level]) el.addEventListener('change', render);
  add(main, h('div', { class: 'row' }, field('Topic', tag), field('Length', length), field('Level', level)), list);
  render();
}
