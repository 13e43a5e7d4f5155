// Settings: reminders, notifications, privacy, counselor links, access history, data, sign out.
import { api, tryApi } from '../api.js';
import { add, clear, field, h, replace, status } from '../dom.js';
import * as push from '../push.js';
import { remember } from '../session.js';
import { waiting } from '../outbox.js';

const SCOPES = [['checkin_summary', 'Check-in summary'], ['checkin_details', 'Check-in details'], ['notes', 'Notes'],
  ['practice', 'Practice'], ['screeners', 'Questionnaires'], ['safety_alerts', 'Safety alerts']];
const DEFAULT_SCOPES = ['checkin_summary', 'practice', 'screeners', 'safety_alerts'];
const KINDS = [['checkin', 'Daily check-in'], ['meditation', 'Meditation']];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']; // the server's 0 = Monday

const section = (title, ...children) => h('section', { class: 'card' }, h('h2', { text: title }), ...children);
const result = () => h('div', { 'aria-live': 'polite' });

async function patchMe(changes, out) {
  try {
    await remember(await api('/me', { method: 'PATCH', body: changes }));
    replace(out, status('Saved.', 'ok'));
  } catch (err) {
    replace(out, status(err.offline ? 'You are offline; please try again later.' : err.message, 'error'));
  }
}

function scopeBoxes(selected, name) {
  return h('fieldset', {}, h('legend', { text: 'What they can see' }),
    SCOPES.map(([value, label]) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name, value, checked: selected.includes(value) }), label)));
}
const checked = (el, name) => [...el.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);

async function reminders(me) {
  const out = result();
  const { data } = await tryApi('/reminders');
  const list = (data && data.reminders) || null;
  const body = [];
  if (list) {
    const rows = KINDS.map(([kind, label]) => {
      const r = list.find((x) => x.kind === kind) || { kind, local_time: kind === 'checkin' ? '20:00' : '08:00', days_of_week: [0, 1, 2, 3, 4, 5, 6], enabled: false };
      const on = h('input', { type: 'checkbox', name: `${kind}-on`, checked: r.enabled !== false && list.includes(r) });
      const time = h('input', { type: 'time', name: `${kind}-time`, value: (r.local_time || '').slice(0, 5) });
      const days = h('fieldset', {}, h('legend', { text: `${label}: which days` }), h('div', { class: 'choices' },
        WEEKDAYS.map((d, i) => h('label', { class: 'choice' },
          h('input', { type: 'checkbox', name: `${kind}-days`, value: String(i), checked: (r.days_of_week || []).includes(i) }), h('span', { text: d })))));
      return { kind, r, on, time, days, el: h('div', { class: 'card' }, h('label', { class: 'check' }, on, label), field(`${label} time`, time), days) };
    });
    const save = h('button', { type: 'button', text: 'Save reminders', onclick: async () => {
      const keep = ({ id, kind, label, local_time, days_of_week, enabled }) => ({ id, kind, label, local_time, days_of_week, enabled });
      const others = list.filter((x) => x.kind === 'custom').map(keep);
      const edited = rows.filter(({ r, on }) => r.id || on.checked)
        .map(({ r, on, time, days }) => keep({ ...r, local_time: time.value, enabled: on.checked,
          days_of_week: [...days.querySelectorAll('input:checked')].map((x) => Number(x.value)) }));
      try {
        await api('/reminders', { method: 'PUT', body: { reminders: [...others, ...edited] } });
        replace(out, status('Reminders saved.', 'ok'));
      } catch (err) { replace(out, status(err.message, 'error')); }
    } });
    body.push(...rows.map((x) => x.el), save);
  } else {
    body.push(h('p', { class: 'hint', text: 'Reminders can be set when you are online.' }));
  }
  const qs = h('input', { type: 'time', value: me.quiet_start || '22:00' });
  const qe = h('input', { type: 'time', value: me.quiet_end || '07:00' });
  body.push(h('h3', { text: 'Quiet hours' }), h('p', { class: 'hint', text: 'No reminders arrive between these times.' }),
    h('div', { class: 'row' }, field('From', qs), field('Until', qe)),
    h('button', { type: 'button', class: 'btn btn-quiet', text: 'Save quiet hours', onclick: () => patchMe({ quiet_start: qs.value, quiet_end: qe.value }, out) }));
  return section('Reminders', ...body, out);
}

async function notifications() {
  const out = result();
  const box = h('div', {});
  async function render() {
    clear(box);
    if (!push.supported()) { add(box, h('p', { class: 'hint', text: 'This browser cannot show notifications.' })); return; }
    const sub = await push.current().catch(() => null);
    add(box, h('p', { text: sub ? 'Notifications are on for this phone.' : 'Notifications are off. Reminders still wait for you in the app.' }),
      h('button', { type: 'button', class: sub ? 'btn btn-quiet' : 'btn', text: sub ? 'Turn notifications off' : 'Turn on notifications', onclick: async () => {
        try {
          if (sub) await push.unsubscribe(); else await push.subscribe();
          replace(out, status(sub ? 'Notifications are off.' : 'Notifications are on.', 'ok'));
        } catch (err) { replace(out, status(err.message || 'Notifications could not be turned on.', 'error')); }
        render();
      } }));
  }
  await render();
  return section('Notifications', box, out);
}

function privacy(me) {
  const out = result();
  const discreet = h('input', { type: 'checkbox', id: 'discreet', checked: me.discreet_notifications });
  discreet.addEventListener('change', () => patchMe({ discreet_notifications: discreet.checked }, out));
  const hide = h('input', { type: 'checkbox', id: 'hide', checked: me.hide_streaks });
  hide.addEventListener('change', () => patchMe({ hide_streaks: hide.checked }, out));
  const zones = (Intl.supportedValuesOf && Intl.supportedValuesOf('timeZone')) || [me.timezone];
  const tz = h('select', {}, zones.map((z) => h('option', { value: z, text: z, selected: z === me.timezone })));
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return section('Privacy and time',
    h('label', { class: 'check', for: 'discreet' }, discreet, 'Discreet notifications (plain wording on the lock screen)'),
    h('label', { class: 'check', for: 'hide' }, hide, 'Hide streaks and day counts'),
    field('Time zone', tz, `This phone says ${here}.`),
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn btn-quiet', text: 'Save time zone', onclick: () => patchMe({ timezone: tz.value }, out) })),
    out);
}

async function links() {
  const out = result();
  const box = h('div', {});
  async function render() {
    clear(box);
    const { data, error } = await tryApi('/links');
    const items = (data && data.links) || [];
    if (error) { add(box, h('p', { class: 'hint', text: 'Counselor links can be managed when you are online.' })); return; }
    if (!items.length) add(box, h('p', { text: 'You have not linked a counselor. Nothing is shared.' }));
    for (const link of items) {
      const name = `scopes-${link.id}`;
      const form = h('form', { class: 'card' }, h('h3', { text: (link.with && link.with.display_name) || 'Counselor' }),
        scopeBoxes(link.scopes || [], name),
        h('div', { class: 'row' }, h('button', { type: 'submit', text: 'Save what they see' }),
          h('button', { type: 'button', class: 'btn btn-danger', text: 'End link', onclick: async () => {
            try { await api(`/links/${link.id}`, { method: 'DELETE' }); replace(out, status('Link ended. They can no longer see anything.', 'ok')); render(); } catch (err) { replace(out, status(err.message, 'error')); }
          } })));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        try { await api(`/links/${link.id}`, { method: 'PATCH', body: { scopes: checked(form, name) } }); replace(out, status('Saved. The change applies right away.', 'ok')); } catch (err) { replace(out, status(err.message, 'error')); }
      });
      add(box, form);
    }
  }
  const code = h('input', { name: 'code', autocomplete: 'off', autocapitalize: 'characters', maxlength: 32 });
  const redeem = h('form', {}, field('Invite code from your counselor', code), scopeBoxes(DEFAULT_SCOPES, 'new-scopes'),
    h('button', { type: 'submit', text: 'Link counselor' }));
  redeem.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('/links', { method: 'POST', body: { code: code.value.trim(), scopes: checked(redeem, 'new-scopes') } });
      code.value = '';
      replace(out, status('Linked.', 'ok'));
      render();
    } catch (err) { replace(out, status(err.message, 'error')); }
  });
  await render();
  return section('Counselors', h('p', { class: 'hint', text: 'You choose what each counselor sees, and can change it or end the link at any time. Alerts are not watched around the clock.' }),
    box, h('h3', { text: 'Add a counselor' }), redeem, out);
}

async function accessLog() {
  const { data } = await tryApi('/me/access-log');
  const items = (data && data.entries) || [];
  return section('Who looked at your data',
    Array.isArray(items) && items.length ? h('ul', { class: 'plain' }, items.slice(0, 50).map((e) => h('li', {
      text: `${new Date(e.at).toLocaleString()} — ${e.actor_name} looked at ${e.resource.replace(/_/g, ' ')}${e.outcome === 'allowed' || e.outcome === 'ok' ? '' : ` (${e.outcome})`}`,
    }))) : h('p', { class: 'hint', text: data ? 'Nobody has viewed your data.' : 'Available when you are online.' }));
}

function yourData(ctx) {
  const out = result();
  const password = h('input', { type: 'password', autocomplete: 'current-password' });
  return section('Your data',
    h('div', { class: 'row' }, h('a', { class: 'btn btn-quiet', href: '/api/v1/me/export?format=json', download: 'wellness-export.json', text: 'Download (JSON)' }),
      h('a', { class: 'btn btn-quiet', href: '/api/v1/me/export?format=csv', download: 'wellness-export.zip', text: 'Download (spreadsheet)' })),
    h('h3', { text: 'Delete my account' }),
    h('p', { class: 'hint', text: 'This erases everything stored about you on the server and on this phone. It cannot be undone.' }),
    field('Your password', password),
    h('button', { type: 'button', class: 'btn btn-danger', text: 'Delete my account', onclick: async () => {
      if (!confirm('Delete your account and everything in it? This cannot be undone.')) return;
      try {
        await api('/me', { method: 'DELETE', body: { password: password.value } });
        await ctx.signOut();
      } catch (err) { replace(out, status(err.message, 'error')); }
    } }), out);
}

function signOutSection(ctx) {
  return section('Sign out', h('p', { class: 'hint', text: 'Signing out removes everything of yours from this phone.' }),
    h('button', { type: 'button', 'data-testid': 'signout', text: 'Sign out', onclick: async () => {
      const pending = await waiting().catch(() => []);
      if (pending.length) {
        await ctx.sync();
        const still = await waiting().catch(() => []);
        if (still.length && !confirm(`${still.length} entries have not reached the server yet. Signing out now removes them from this phone. Sign out anyway?`)) return;
      }
      await ctx.signOut();
    } }));
}

export default async function settings({ main, ctx }) {
  const me = ctx.me;
  add(main, h('h1', { text: 'Settings' }));
  if (me.role !== 'client') {
    add(main, privacy(me), signOutSection(ctx));
    return;
  }
  const [r, n, l, a] = await Promise.all([reminders(me), notifications(), links(), accessLog()]);
  add(main, r, n, privacy(me), l, a, yourData(ctx), signOutSection(ctx));
}
