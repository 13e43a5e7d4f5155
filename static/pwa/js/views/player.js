// The meditation player: step by step, optional voice, bells, screen kept awake, pause and resume.
// Full and partial sessions are logged through the outbox.
import { getBundle } from '../content.js';
import { add, h, replace, status, uuid } from '../dom.js';
import { kvGet, kvSet } from '../idb.js';
import { enqueue } from '../outbox.js';

let audio = null;
function bell() {
  try {
    audio = audio || new AudioContext();
    const t = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 528;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 3);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 3.1);
  } catch { /* no Web Audio: the session goes on silently */ }
}

function speak(text) {
  if (!('speechSynthesis' in self)) return;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.rate = 0.9;
  speechSynthesis.speak(u);
}

const mmss = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export default async function player({ main, params, ctx }) {
  const bundle = await getBundle();
  const m = bundle && (bundle.meditations || []).find((x) => x.slug === params.slug);
  if (!m) {
    add(main, h('h1', { text: 'Meditation' }), status('This meditation is not on this phone. Connect once to load the library.'), h('a', { href: '#/meditate', text: 'Back to the library' }));
    return undefined;
  }
  const prefs = (await kvGet('player').catch(() => null)) || { voice: false, bells: true };
  const starts = [];
  let total = 0;
  for (const s of m.steps) { starts.push(total); total += s.seconds; }
  let elapsed = 0;
  let running = false;
  let lastTick = 0;
  let startedAt = null;
  let step = -1;
  let timer = null;
  let lock = null;
  let logged = false;

  const stepText = h('p', { class: 'player-step card', 'aria-live': 'polite', 'data-testid': 'step', text: 'When you are ready, press Start. You can pause at any time.' });
  const bar = h('progress', { max: total, value: 0, 'aria-label': 'Progress through the meditation' });
  const clock = h('p', { class: 'hint', text: `${mmss(total)} in all` });
  const primary = h('button', { type: 'button', text: 'Start' });
  const stop = h('button', { type: 'button', class: 'btn btn-quiet', text: 'End session', disabled: true });
  const voice = h('input', { type: 'checkbox', id: 'voice', checked: prefs.voice });
  const bells = h('input', { type: 'checkbox', id: 'bells', checked: prefs.bells });
  const out = h('div', { 'aria-live': 'polite' });

  async function keepAwake(on) {
    try {
      if (on && 'wakeLock' in navigator && !lock) lock = await navigator.wakeLock.request('screen');
      if (!on && lock) { await lock.release(); lock = null; }
    } catch { lock = null; }
  }
  const onVisible = () => { if (running && document.visibilityState === 'visible') keepAwake(true); };
  document.addEventListener('visibilitychange', onVisible);

  function showStep(i) {
    step = i;
    const s = m.steps[i];
    stepText.textContent = s.text;
    if (bells.checked && s.bell) bell();
    if (voice.checked) speak(s.text);
  }

  async function log(completed) {
    if (logged) return;
    const actual = Math.round(elapsed);
    if (!completed && actual < 5) return;
    logged = true;
    await enqueue('practice.create', {
      id: uuid(), meditation_slug: m.slug, started_at: startedAt.toISOString(), planned_seconds: total,
      actual_seconds: actual, completed, source: 'app',
    }, `${m.title} (${Math.max(1, Math.round(actual / 60))} min)`);
    ctx.sync();
  }

  function tick() {
    const now = Date.now();
    elapsed = Math.min(total, elapsed + (now - lastTick) / 1000);
    lastTick = now;
    let i = starts.length - 1;
    while (i > 0 && starts[i] > elapsed) i -= 1;
    if (i !== step) showStep(i);
    bar.value = elapsed;
    clock.textContent = `${mmss(total - elapsed)} left`;
    if (elapsed >= total) finish(true);
  }

  function play() {
    if (!startedAt) { startedAt = new Date(); if (bells.checked) bell(); showStep(0); }
    running = true;
    lastTick = Date.now();
    timer = setInterval(tick, 250);
    primary.textContent = 'Pause';
    stop.disabled = false;
    keepAwake(true);
  }

  function pause() {
    running = false;
    clearInterval(timer);
    if ('speechSynthesis' in self) speechSynthesis.cancel();
    primary.textContent = 'Resume';
    keepAwake(false);
  }

  async function finish(completed) {
    pause();
    primary.disabled = true;
    stop.disabled = true;
    if (completed) { if (bells.checked) bell(); stepText.textContent = 'Well done. Notice how you feel now.'; }
    await log(completed);
    replace(out, status(completed
      ? `Session complete: ${Math.round(total / 60) || 1} minute${total >= 120 ? 's' : ''} of practice saved.`
      : `You practised for ${mmss(elapsed)}. Every minute counts, and it is saved.`, 'ok'),
    h('div', { class: 'row' }, h('a', { class: 'btn', href: '#/', text: 'Back to today' }), h('a', { class: 'btn btn-quiet', href: '#/meditate', text: 'Library' })));
  }

  primary.addEventListener('click', () => (running ? pause() : play()));
  stop.addEventListener('click', () => finish(elapsed >= total));
  for (const el of [voice, bells]) el.addEventListener('change', () => kvSet('player', { voice: voice.checked, bells: bells.checked }).catch(() => {}));

  add(main, h('h1', { text: m.title }), h('p', { class: 'hint', text: m.summary }),
    stepText, bar, clock,
    h('div', { class: 'row' }, primary, stop),
    h('div', { class: 'row' },
      h('label', { class: 'check', for: 'voice' }, voice, 'Read the steps aloud'),
      h('label', { class: 'check', for: 'bells' }, bells, 'Bells')),
    out, h('p', {}, h('a', { href: '#/meditate', text: 'Back to the library' })));

  return () => {
    if (running) pause();
    if (startedAt && !logged) log(false);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
