// Routine builder: a named plan of items, each with a cadence and an optional time.
import { api, tryApi } from '../api.js';
import { add, clear, field, h, replace, status } from '../dom.js';

const KINDS = [['checkin', 'Daily check-in'], ['meditation', 'A meditation'], ['meditation_tag', 'Any meditation with a tag'],
  ['tip', 'A nutrition tip'], ['screener', 'A questionnaire'], ['custom', 'Something in your words']];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function itemEditor(n) {
  const kind = h('select', { name: 'kind' }, KINDS.map(([v, t]) => h('option', { value: v, text: t })));
  const ref = h('input', { name: 'target', placeholder: 'e.g. sos-breath, sleep, phq9' });
  const title = h('input', { name: 'text', maxlength: 200 });
  const time = h('input', { name: 'local_time', type: 'time' });
  return h('fieldset', { class: 'item' }, h('legend', { text: `Item ${n}` }),
    field('What', kind), field('Which one (meditation slug, tag, tip, questionnaire)', ref), field('In your words (needed for “something in your words”)', title),
    h('fieldset', {}, h('legend', { text: 'Days' }), h('div', { class: 'choices' }, DAYS.map((d) => h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name: 'days', value: String(DAYS.indexOf(d) + 1), checked: true }), h('span', { text: d }))))),
    field('Time (optional)', time));
}

export default async function routines({ main }) {
  document.body.classList.add('staff');
  const list = h('ul', { class: 'plain' });
  const out = h('div', { 'aria-live': 'polite' });
  async function render() {
    clear(list);
    const { data } = await tryApi('/routines');
    const items = (data && data.routines) || [];
    if (!Array.isArray(items) || !items.length) add(list, h('li', { text: 'No routines yet.' }));
    else add(list, ...items.map((r) => h('li', { text: `${r.name} — ${(r.items || []).length} items` })));
  }
  const name = h('input', { name: 'name', required: true, maxlength: 80 });
  const itemsBox = h('div', {}, itemEditor(1));
  const form = h('form', {}, field('Routine name', name), itemsBox,
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn btn-quiet', text: 'Add an item', onclick: () => add(itemsBox, itemEditor(itemsBox.children.length + 1)) }),
      h('button', { type: 'submit', text: 'Save routine' })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const items = [...itemsBox.querySelectorAll('fieldset.item')].map((fs) => {
      const get = (n) => fs.querySelector(`[name="${n}"]`).value.trim();
      const item = { kind: get('kind'), days_of_week: [...fs.querySelectorAll('input[name="days"]:checked')].map((x) => Number(x.value)) };
      if (get('target')) item.target = get('target');
      if (get('text')) item.text = get('text');
      if (get('local_time')) item.local_time = get('local_time');
      return item;
    });
    try {
      await api('/routines', { method: 'POST', body: { name: name.value.trim(), items } });
      replace(out, status('Routine saved. Assign it from a client’s page.', 'ok'));
      render();
    } catch (err) { replace(out, status(err.message, 'error')); }
  });
  add(main, h('h1', { text: 'Routines' }), h('h2', { text: 'Your routines' }), list, h('h2', { text: 'Build a routine' }), form, out);
  await render();
}
