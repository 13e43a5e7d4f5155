// Get help now: crisis resources, cached for offline use; telling the care team is a choice.
import { api } from '../api.js';
import { crisis } from '../content.js';
import { add, h, replace, status } from '../dom.js';
import { helpPanel } from '../help-panel.js';

export default async function help({ main, ctx }) {
  add(main, h('h1', { text: 'Get help now' }), helpPanel(await crisis(), { heading: 'People you can reach right now' }));
  if (!ctx.me || ctx.me.role !== 'client') return;
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button', class: 'btn btn-quiet', text: 'Let my care team know I am struggling',
    onclick: async () => {
      button.disabled = true;
      try {
        await api('/help-now', { method: 'POST', body: {} });
        replace(out, status('Sent. Your linked counselor will see it when they are next able to — it is not watched around the clock.', 'ok'));
      } catch (err) {
        button.disabled = false;
        replace(out, status(err.offline ? 'No connection right now. Please use one of the numbers above.' : 'That could not be sent. Please use one of the numbers above.', 'error'));
      }
    },
  });
  add(main, h('section', { class: 'card' }, h('h2', { text: 'Your care team' }),
    h('p', { text: 'If you have linked a counselor and shared safety alerts with them, you can let them know. They will follow up when they can.' }),
    button, out));
}
