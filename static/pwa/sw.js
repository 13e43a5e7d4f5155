// The service worker: app shell precache, offline content, per-user API fallback, push, sync.
import { kvGet } from './js/idb.js';
import { flush } from './js/outbox.js';

const VERSION = 'v1-4154185036';
const PREFIX = 'wellness-';
const SHELL = `${PREFIX}shell-${VERSION}`;
const CONTENT = `${PREFIX}content-${VERSION}`;
const API = `${PREFIX}api-${VERSION}-`; // + user id: one cache per person on a shared phone

const PRECACHE = [
  '/', '/styles.css', '/manifest.webmanifest', '/icons/icon-192.png',
  '/js/app.js', '/js/shell.js', '/js/dom.js', '/js/idb.js', '/js/api.js', '/js/outbox.js',
  '/js/session.js', '/js/content.js', '/js/router.js', '/js/push.js', '/js/nav.js',
  '/js/sync-status.js', '/js/update-prompt.js', '/js/help-panel.js', '/js/charts.js',
  '/js/views/signin.js', '/js/views/today.js', '/js/views/checkin.js', '/js/views/meditate.js',
  '/js/views/player.js', '/js/views/nourish.js', '/js/views/progress.js',
  '/js/views/screeners.js', '/js/views/settings.js', '/js/views/help.js',
  '/js/views/caseload.js', '/js/views/client.js', '/js/views/routines.js',
  '/js/views/alerts.js', '/js/views/invites.js',
];
// Public content every visitor may keep offline; everything else under /api/ is personal.
const CONTENT_PATHS = ['/api/v1/content/bundle', '/api/v1/crisis-resources'];
const NEVER_CACHE = ['/api/v1/auth/', '/api/v1/me/export', '/api/v1/sync', '/api/v1/push/'];


self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    await (await caches.open(SHELL)).addAll(PRECACHE);
    // Best effort: help and meditations should work offline from the very first visit.
    await (await caches.open(CONTENT)).addAll(CONTENT_PATHS).catch(() => {});
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      const ours = name.startsWith(PREFIX);
      const current = name === SHELL || name === CONTENT || name.startsWith(API);
      if (ours && !current) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    if (NEVER_CACHE.some((p) => url.pathname.startsWith(p))) return;
    if (CONTENT_PATHS.includes(url.pathname)) {
      event.respondWith(revalidate(request, CONTENT));
    } else {
      event.respondWith(networkFirstPerUser(request));
    }
    return;
  }
  if (request.mode === 'navigate') event.respondWith(shellPage(request));
  else event.respondWith(cacheOrNetwork(request));
});

async function cacheOrNetwork(request) {
  const cached = await caches.match(request, { cacheName: SHELL, ignoreSearch: true });
  return cached || fetch(request);
}

async function shellPage(request) {
  const cached = await caches.match('/', { cacheName: SHELL });
  if (cached) return cached;
  return fetch(request);
}

function offlineProblem() {
  return new Response(JSON.stringify({ title: 'Offline', status: 503, offline: true }), {
    status: 503, headers: { 'Content-Type': 'application/problem+json' },
  });
}

// Network with the cached ETag; a 304 (or no network) answers from the cache.
async function revalidate(request, cacheName) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(request);
  const headers = new Headers(request.headers);
  const etag = cached && cached.headers.get('ETag');
  if (etag) headers.set('If-None-Match', etag);
  try {
    const response = await fetch(request.url, { headers, credentials: 'same-origin' });
    if (response.status === 304 && cached) return cached;
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch {
    return cached || offlineProblem();
  }
}

async function userCache() {
  try {
    const me = await kvGet('me');
    return me && me.id ? `${API}${me.id}` : null;
  } catch {
    return null;
  }
}

async function networkFirstPerUser(request) {
  const name = await userCache();
  try {
    const response = await fetch(request);
    if (name && response.ok) await (await caches.open(name)).put(request, response.clone());
    return response;
  } catch {
    const cached = name && (await (await caches.open(name)).match(request));
    if (!cached) return offlineProblem();
    const headers = new Headers(cached.headers);
    headers.set('X-Wellness-Cached', '1');
    return new Response(await cached.blob(), { status: cached.status, headers });
  }
}

self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') event.waitUntil(flush());
});

self.addEventListener('push', (event) => {
  let payload = {};
  try { payload = event.data ? event.data.json() : {}; } catch { payload = { body: event.data.text() }; }
  const title = payload.title || 'Wellness';
  event.waitUntil(self.registration.showNotification(title, {
    body: payload.body || 'A gentle reminder is waiting for you.',
    tag: payload.tag || 'wellness',
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: payload.url || '/#/', nudge_id: payload.nudge_id || null },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const { url, nudge_id: nudgeId } = event.notification.data || {};
  const target = new URL(url || '/#/', self.location.origin);
  event.waitUntil((async () => {
    if (nudgeId) {
      fetch(`/api/v1/nudges/${encodeURIComponent(nudgeId)}/opened`, {
        method: 'POST', credentials: 'same-origin',
      }).catch(() => {});
    }
    if (target.origin !== self.location.origin) return;
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows[0];
    if (!open) return self.clients.openWindow(target.href);
    await open.focus().catch(() => {});
    return open.navigate(target.href).catch(() => self.clients.openWindow(target.href));
  })());
});
