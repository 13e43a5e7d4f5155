// The daily check-in: under 30 seconds, every question optional, saved on the phone first.
import { add, field, h, localDate, nextId, replace, status } from '../dom.js';
import { crisis } from '../content.js';
import { helpPanel } from '../help-panel.js';
import { kvGet, kvSet } from '../idb.js';
import { answerFor, enqueue } from '../outbox.js';

const TRIGGERS = ['stress', 'people', 'places', 'boredom', 'loneliness', 'pain', 'conflict', 'money', 'tiredness', 'celebration'];
const MOOD = ['Very low', 'Low', 'Okay', 'Good', 'Very good'];
// Used only while the server cannot answer; online, its configured threshold decides.
const OFFLINE_CRAVING_THRESHOLD = 8;

// Numbers keep their number next to the word; yes/no style answers show only the word.
const label = (value, word, sep) => (!word ? String(value) : typeof value === 'number' ? `${value}${sep}${word}` : word);

function scale(name, legend, values, current, words) {
  return h('fieldset', {}, h('legend', { text: legend }),
    h('div', { class: 'choices' }, values.map((v, i) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name, value: String(v), checked: current !== undefined && current !== null && String(current) === String(v), 'aria-label': label(v, words && words[i], ' — ') }),
      h('span', { 'aria-hidden': 'true', text: label(v, words && words[i], ' ') })))));
}

const radio = (form, name) => {
  const el = form.querySelector(`input[name="${name}"]:checked`);
  return el ? el.value : null;
};

export default async function checkin({ main, ctx }) {
  const date = localDate();
  const saved = (await kvGet(`checkin:${date}`).catch(() => null)) || {};
  const sleep = h('input', { type: 'number', inputmode: 'decimal', min: 0, max: 24, step: 0.25, name: 'sleep_hours', value: saved.sleep_hours ?? '' });
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 2000 });
  note.value = saved.note || '';
  const gratitude = h('input', { name: 'gratitude', maxlength: 280, value: saved.gratitude || '' });
  const triggerId = nextId('trig');
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', {},
    scale('mood', 'Mood right now', [1, 2, 3, 4, 5], saved.mood, MOOD),
    scale('craving', 'Cravings (0 none – 10 very strong)', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], saved.craving),
    h('details', { open: Boolean(saved.sleep_hours || saved.sleep_quality || saved.stress || saved.energy) },
      h('summary', { class: 'btn btn-quiet', text: 'Sleep, stress and energy' }),
      field('Hours of sleep last night', sleep),
      scale('sleep_quality', 'Sleep quality (1 poor – 5 great)', [1, 2, 3, 4, 5], saved.sleep_quality),
      scale('stress', 'Stress (0 none – 10 a lot)', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], saved.stress),
      scale('energy', 'Energy (1 drained – 5 full)', [1, 2, 3, 4, 5], saved.energy)),
    h('fieldset', {}, h('legend', { id: triggerId, text: 'Anything that was hard today?' }),
      h('div', { class: 'choices' }, TRIGGERS.map((t) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: 'triggers', value: t, checked: (saved.triggers || []).includes(t) }), h('span', { text: t }))))),
    scale('medication_taken', 'Medication as planned today', ['yes', 'no', 'not_applicable'], saved.medication_taken, ['Yes', 'No', 'Doesn’t apply']),
    h('details', { open: saved.used_today !== undefined && saved.used_today !== null },
      h('summary', { class: 'btn btn-quiet', text: 'One more question, only if you want to' }),
      h('p', { class: 'hint', text: 'There is no wrong answer. A hard day is information, not failure, and it helps you see patterns.' }),
      scale('used_today', 'Did you use today?', ['false', 'true'], saved.used_today === undefined || saved.used_today === null ? null : String(saved.used_today), ['No', 'Yes'])),
    field('A note for yourself', note, 'Private. Shared only if you choose to share notes with a counselor.'),
    field('One thing you are grateful for', gratitude),
    h('button', { type: 'submit', text: 'Save check-in' }), out);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const num = (name) => { const v = radio(form, name); return v === null ? null : Number(v); };
    const data = {
      local_date: date, mood: num('mood'), craving: num('craving'),
      sleep_hours: sleep.value === '' ? null : Number(sleep.value), sleep_quality: num('sleep_quality'),
      stress: num('stress'), energy: num('energy'),
      triggers: [...form.querySelectorAll('input[name="triggers"]:checked')].map((el) => el.value),
      medication_taken: radio(form, 'medication_taken'),
      used_today: radio(form, 'used_today') === null ? null : radio(form, 'used_today') === 'true',
      note: note.value.trim() || null, gratitude: gratitude.value.trim() || null,
    };
    await kvSet(`checkin:${date}`, data);
    const op = await enqueue('checkin.upsert', data, `Check-in for ${date}`);
    await ctx.sync();
    const answer = await answerFor(op.op_id).catch(() => null);
    const help = answer ? answer.crisis
      : data.craving !== null && data.craving >= OFFLINE_CRAVING_THRESHOLD ? await crisis() : null;
    const saved = answer ? 'Saved. Thank you for checking in.'
      : navigator.onLine ? 'Saved on this phone. It will sync as soon as the server can be reached.'
        : 'Saved on this phone. It will sync when you are back online.';
    replace(out, status(saved, 'ok'),
      help ? h('div', { class: 'card', 'data-testid': 'craving-help' },
        h('p', { text: 'Strong cravings are hard, and they do pass. Would something help right now?' }),
        h('div', { class: 'row' }, h('a', { class: 'btn', href: '#/meditate/urge-surfing', text: 'Ride the wave (guided)' })),
        helpPanel(help, { heading: 'People you can reach right now' })) : null,
      h('p', {}, h('a', { href: '#/', text: 'Back to today' })));
    out.querySelector('[role="status"]')?.focus();
  });
  add(main, h('h1', { text: 'Check in' }),
    h('p', { class: 'hint', text: 'Answer what you like and skip the rest.' }), form);
}
