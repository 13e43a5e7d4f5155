// Weekly questionnaires (PHQ-9, GAD-7) from the bundle's instrument definitions. A high-risk
// answer shows crisis resources at once, from the offline copy.
import { tryApi } from '../api.js';
import { crisis, getBundle, instruments } from '../content.js';
import { add, h, replace, status } from '../dom.js';
import { helpPanel } from '../help-panel.js';
import { enqueue } from '../outbox.js';

function band(inst, total) {
  const b = (inst.bands || []).find((x) => total >= x.min && total <= x.max);
  return b ? b.label : '';
}

function flagged(inst, answers) {
  return (inst.flags || []).some((f) => {
    const i = inst.items.findIndex((item) => item.id === f.item);
    return i >= 0 && answers[i] >= (f.min ?? 1);
  });
}

async function list(main, all) {
  const { data } = await tryApi('/screeners');
  const history = (data && data.results) || [];
  add(main, h('h1', { text: 'Questionnaires' }),
    h('p', { text: 'A couple of minutes, about once a week. They help you and your care team notice how things are going.' }),
    h('ul', { class: 'plain' }, all.map((i) => h('li', {}, h('a', { class: 'btn btn-quiet', href: `#/screeners/${i.id}`, text: i.title })))),
    Array.isArray(history) && history.length ? [h('h2', { text: 'Earlier results' }),
      h('ul', { class: 'plain' }, history.slice(0, 12).map((r) => h('li', {
        text: `${(r.instrument || '').toUpperCase()} · ${new Date(r.taken_at).toLocaleDateString()} · ${r.total} (${r.band})`,
      })))] : null);
}

export default async function screeners({ main, params, ctx }) {
  const bundle = await getBundle();
  const all = instruments(bundle).filter((i) => ['phq9', 'gad7'].includes(i.id));
  if (!params.id) return list(main, all);
  const inst = instruments(bundle).find((i) => i.id === params.id);
  if (!inst) {
    add(main, h('h1', { text: 'Questionnaire' }), status('This questionnaire is not on this phone yet. Connect once to load it.'));
    return undefined;
  }
  const out = h('div', { 'aria-live': 'assertive' });
  const form = h('form', {},
    h('p', { text: inst.prompt }),
    inst.items.map((item, n) => h('fieldset', {}, h('legend', { text: `${n + 1}. ${item.text}` }),
      h('div', { class: 'choices' }, inst.options.map((o) => h('label', { class: 'choice' },
        h('input', { type: 'radio', name: item.id, value: String(o.value), required: true }), h('span', { text: o.label })))))),
    h('button', { type: 'submit', text: 'Save answers' }),
    inst.attribution ? h('p', { class: 'hint', text: inst.attribution }) : null);
  form.addEventListener('change', async (event) => {
    const answers = inst.items.map((item) => Number(form.querySelector(`input[name="${item.id}"]:checked`)?.value ?? 0));
    if (event.target.name && flagged(inst, answers) && !out.querySelector('.crisis')) {
      replace(out, helpPanel(await crisis(), { heading: 'You do not have to go through this alone' }));
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answers = inst.items.map((item) => Number(form.querySelector(`input[name="${item.id}"]:checked`).value));
    const total = answers.reduce((a, b) => a + b, 0);
    await enqueue('screener.submit', { instrument: inst.id, answers, taken_at: new Date().toISOString() }, `${inst.title} questionnaire`);
    ctx.sync();
    const risky = flagged(inst, answers);
    replace(out, 
      risky ? helpPanel(await crisis(), { heading: 'You do not have to go through this alone' }) : null,
      status(`Saved. Your total is ${total}${band(inst, total) ? ` (${band(inst, total)})` : ''}. This is not a diagnosis; it is something to talk over with someone you trust.`, 'ok'),
      h('p', {}, h('a', { href: '#/', text: 'Back to today' })));
    form.hidden = true;
    out.focus();
  });
  out.setAttribute('tabindex', '-1');
  add(main, h('h1', { text: inst.title }), out, form);
  return undefined;
}
