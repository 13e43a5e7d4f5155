// Shows what is waiting to be sent and what reached the server; a rejected entry stays until
// the person chooses to drop it.
import { add, clear, h } from './dom.js';
import { discard, synced, waiting } from './outbox.js';

const when = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export async function renderSyncStatus(el) {
  const [pending, done] = await Promise.all([waiting().catch(() => []), synced().catch(() => [])]);
  clear(el);
  if (!pending.length && !done.length) return;
  const summary = pending.length
    ? `${pending.length} ${pending.length === 1 ? 'entry is' : 'entries are'} saved on this phone, waiting to sync`
    : 'Everything is synced';
  add(el, h('details', { class: 'sync' },
    h('summary', { text: summary }),
    pending.length ? h('ul', { class: 'plain', 'aria-label': 'Waiting to sync' }, pending.map((op) => h('li', { 'data-state': 'waiting' },
      `${op.label} — `, op.rejected ? 'the server could not accept this. ' : 'waiting',
      op.rejected ? h('button', {
        type: 'button', class: 'btn btn-small', text: 'Remove',
        onclick: async () => { await discard(op.seq); renderSyncStatus(el); },
      }) : null))) : null,
    done.length ? h('ul', { class: 'plain', 'aria-label': 'Synced' }, done.slice(0, 10).map((op) =>
      h('li', { 'data-state': 'synced', text: `${op.label} — synced ${when(op.at)}` }))) : null));
}
