// Notifications: only after the person asks for them, never on first load.
import { api } from './api.js';

async function registration() {
  if (!('serviceWorker' in navigator)) return null;
  return (await navigator.serviceWorker.getRegistration()) || null;
}

export const supported = () => 'serviceWorker' in navigator && 'PushManager' in self && 'Notification' in self;

export async function current() {
  const reg = await registration();
  return reg && reg.pushManager ? reg.pushManager.getSubscription() : null;
}

function keyBytes(base64url) {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export async function subscribe() {
  if ((await Notification.requestPermission()) !== 'granted') {
    throw new Error('Notifications are blocked in this browser’s settings.');
  }
  const reg = await navigator.serviceWorker.ready;
  const body = await api('/push/public-key');
  const key = body.public_key || body.key || body.vapid_public_key;
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  await api('/push/subscriptions', { method: 'POST', body: sub.toJSON() });
  return sub;
}

export async function unsubscribe() {
  const sub = await current();
  if (!sub) return;
  await api('/push/subscriptions', { method: 'DELETE', body: { endpoint: sub.endpoint } }).catch(() => {});
  await sub.unsubscribe();
}
