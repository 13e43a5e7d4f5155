// Who is signed in on this device, and leaving no trace on sign out.
import { api } from './api.js';
import { destroy, kvGet, kvSet } from './idb.js';
import { unsubscribe } from './push.js';

let me = null;
export const current = () => me;

// Starts from the profile saved on this phone (so the app opens offline and fast) and checks
// the session with the server; `checked` resolves to false when the session has ended.
export async function restore() {
  me = (await kvGet('me').catch(() => null)) || null;
  const checked = api('/me').then(async (profile) => { await remember(profile); return true; }, (err) => {
    // An expired session keeps the outbox: the same person signing in again loses nothing.
    if (err.status === 401) { me = null; return false; }
    return true;
  });
  if (!me) await checked;
  return { checked };
}

export function forget() {
  me = null;
}

// A different person signing in on this phone starts from a clean slate.
export async function remember(profile) {
  const previous = await kvGet('me').catch(() => null);
  if (previous && previous.id !== profile.id) await wipe();
  me = profile;
  await kvSet('me', profile);
}

// Everything of this person on the device: push subscription (server too), session, caches, IndexedDB.
export async function signOut() {
  await unsubscribe().catch(() => {});
  await api('/auth/logout', { method: 'POST' }).catch(() => {});
  await wipe();
}

export async function wipe() {
  me = null;
  if (self.caches) {
    for (const name of await caches.keys()) {
      if (name.startsWith('wellness-api-')) await caches.delete(name);
    }
  }
  await destroy();
  try { sessionStorage.clear(); localStorage.clear(); } catch { /* storage disabled */ }
}
