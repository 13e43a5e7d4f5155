// Starts the app: service worker, session, navigation, outbox flushing and the router.
import { prefetch } from './content.js';
import { h, replace } from './dom.js';
import { markCurrent, renderNav } from './nav.js';
import { flush } from './outbox.js';
import { loadView, match, redirectFor } from './router.js';
import { current, forget, remember, restore, signOut } from './session.js';
import { renderSyncStatus } from './sync-status.js';
import { watchForUpdates } from './update-prompt.js';

const $ = (id) => document.getElementById(id);
let cleanup = null;
let first = true;
let navigation = 0;

async function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  try {
    const reg = await navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' });
    watchForUpdates($('update'), reg);
  } catch { /* the app still works online without it */ }
}

async function sync() {
  if (current()) await flush().catch(() => {});
  await renderSyncStatus($('sync-status'));
}

const ctx = {
  get me() { return current(); },
  go(hash) { if (location.hash === hash) route(); else location.hash = hash; },
  async signedIn(profile) {
    await remember(profile);
    renderNav($('nav'), profile);
    sync();
    ctx.go('#/');
  },
  async signOut() {
    await signOut();
    renderNav($('nav'), null);
    await renderSyncStatus($('sync-status'));
    ctx.go('#/signin');
  },
  refreshSync: () => renderSyncStatus($('sync-status')),
  sync,
};

async function route() {
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return; // in-page anchors such as the skip link
  const found = match(hash);
  const redirect = redirectFor(found, current());
  if (redirect) { location.replace(redirect); return; }
  if (cleanup) { try { cleanup(); } catch { /* a view failing to tidy up must not block the next */ } }
  cleanup = null;
  const main = $('main');
  const mine = ++navigation;
  replace(main, h('p', { class: 'loading', text: 'Loading…' }));
  document.title = `${found.title} · Wellness`;
  markCurrent($('nav'));
  // Each screen draws into its own box: a slow screen left behind draws into a detached one.
  const box = h('div', { class: 'view' });
  try {
    const view = await loadView(found.view);
    if (mine !== navigation) return;
    replace(main, box);
    const done = (await view({ ...found, main: box, ctx })) || null;
    if (mine !== navigation) { if (done) done(); return; }
    cleanup = done;
  } catch (err) {
    if (mine !== navigation) return;
    replace(main, h('h1', { text: 'Something went wrong' }),
      h('p', { text: 'This screen could not open. Your entries are safe on this phone.' }),
      h('p', { class: 'hint', text: String(err && err.message ? err.message : err) }));
  }
  if (!first) main.querySelector('h1')?.setAttribute('tabindex', '-1');
  if (!first) main.querySelector('h1')?.focus();
  first = false;
}

export async function start() {
  const { checked } = await restore();
  const shownAs = current();
  renderNav($('nav'), shownAs);
  window.addEventListener('hashchange', route);
  window.addEventListener('online', sync);
  window.addEventListener('wellness:unauthorized', () => {
    if (!current()) return;
    forget();
    renderNav($('nav'), null);
    ctx.go('#/signin?expired=1');
  });
  try {
    new BroadcastChannel('wellness').onmessage = () => renderSyncStatus($('sync-status'));
  } catch { /* older browsers: the page re-renders on its own events */ }
  await route();
  checked.then((ok) => {
    if (ok || !shownAs) return;
    renderNav($('nav'), null);
    ctx.go('#/signin?expired=1');
  });
  registerWorker();
  prefetch();
  sync();
  // Retry now and then, for a server that was down while the phone stayed online.
  setInterval(() => { if (navigator.onLine) sync(); }, 60_000);
}
