// Invite codes a counselor reads out to a client.
import { api } from '../api.js';
import { add, h, replace, status } from '../dom.js';

export default async function invites({ main }) {
  document.body.classList.add('staff');
  const out = h('div', { 'aria-live': 'polite' });
  add(main, h('h1', { text: 'Invite codes' }),
    h('p', { text: 'A code works once and expires after 72 hours. The client chooses what to share when they enter it.' }),
    h('button', { type: 'button', text: 'Create a code', onclick: async () => {
      try {
        const invite = await api('/invites', { method: 'POST', body: {} });
        replace(out, h('p', { class: 'card' }, 'Code: ', h('strong', { 'data-testid': 'invite-code', text: invite.code })),
          invite.expires_at ? h('p', { class: 'hint', text: `Expires ${new Date(invite.expires_at).toLocaleString()}` }) : null);
      } catch (err) { replace(out, status(err.message, 'error')); }
    } }), out);
}
