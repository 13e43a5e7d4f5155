// "Update available — reload": offered, never forced (a meditation may be playing).
import { add, clear, h } from './dom.js';

export function watchForUpdates(el, registration) {
  const offer = (worker) => {
    add(clear(el), h('div', { class: 'update', role: 'status' },
      h('span', { text: 'An update is available.' }),
      h('button', {
        type: 'button', class: 'btn btn-small', text: 'Reload',
        onclick: () => worker.postMessage('skip-waiting'),
      })));
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!reloading && el.firstChild) { reloading = true; location.reload(); }
  });
}
