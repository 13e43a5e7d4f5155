// Get help now: crisis resources, cached for offline use. Telling the care team is a separate,
// clearly labelled tap, so opening this screen on a shared phone alerts no one by accident.
import { api } from '../api.js';
import { crisis } from '../content.js';
import { add, h, replace, status } from '../dom.js';
import { helpPanel } from '../help-panel.js';

function careTeam() {
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button', class: 'btn', text: 'Let my care team know I am struggling',
    onclick: async () => {
      button.disabled = true;
      try {
        await api('/help-now', { method: 'POST', body: {} });
        replace(out, status('Sent. A counselor you share safety alerts with will see it when they are next able to — it is not watched around the clock.', 'ok'));
      } catch (err) {
        button.disabled = false;
        replace(out, status(err.offline
          ? 'Not sent: this phone is offline. Please try again when you have signal, or call or text one of the numbers below — calls and texts work without internet.'
          : 'Not sent: something went wrong on our side. Please try again, or use one of the numbers below.', 'error'));
      }
    },
  });
  return h('section', { class: 'card', 'aria-labelledby': 'care-team-heading' },
    h('h2', { id: 'care-team-heading', text: 'Your care team' }),
    h('p', { text: 'Nothing is sent unless you tap the button below. If you share safety alerts with a counselor, they will follow up when they can.' }),
    button, out);
}

export default async function help({ main, ctx }) {
  add(main, h('h1', { text: 'Get help now' }));
  if (ctx.me && ctx.me.role === 'client') add(main, careTeam());
  add(main, helpPanel(await crisis(), { heading: 'People you can reach right now' }));
}
