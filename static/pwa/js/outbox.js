// Writes go to an IndexedDB outbox first, then through POST /api/v1/sync, in order. No DOM here:
// the service worker runs flush() too (Background Sync). Nothing leaves the outbox until the
// server has answered for it.
import { del, getAll, put } from './idb.js';

const DONE = new Set(['applied', 'duplicate', 'superseded']);
const BATCH = 500;
const KEEP_SYNCED = 30;

function announce() {
  try {
    const channel = new BroadcastChannel('wellness');
    channel.postMessage({ type: 'outbox' });
    channel.close();
  } catch { /* no BroadcastChannel: the page refreshes on its own events */ }
}

export async function enqueue(type, data, label) {
  const op = {
    op_id: (self.crypto.randomUUID && self.crypto.randomUUID()) || String(Date.now() + Math.random()),
    type, data, client_updated_at: new Date().toISOString(), label: label || type,
  };
  await put('outbox', op);
  announce();
  requestBackgroundSync();
  return op;
}

export const waiting = () => getAll('outbox');
export const synced = async () => (await getAll('synced')).reverse();

// How the server answered one operation, once it has (null while it waits in the outbox).
export async function answerFor(opId) {
  return (await getAll('synced')).find((op) => op.op_id === opId) || null;
}

export async function discard(seq) {
  await del('outbox', seq);
  announce();
}

async function requestBackgroundSync() {
  try {
    const reg = await self.navigator.serviceWorker?.ready;
    await reg?.sync?.register('outbox');
  } catch { /* not supported or not allowed: online and app-start flushes cover it */ }
}

async function send(batch) {
  const response = await fetch('/api/v1/sync', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      ops: batch.map(({ op_id, type, data, client_updated_at }) => ({ op_id, type, data, client_updated_at })),
    }),
  });
  if (!response.ok) return { status: response.status };
  const body = await response.json();
  return { status: response.status, crisis: body.crisis || null,
    results: body.results || body.ops || (Array.isArray(body) ? body : []) };
}

async function settle(batch, results, crisis) {
  const byId = new Map(results.map((r) => [String(r.op_id), r]));
  let count = 0;
  const history = await getAll('synced');
  for (const op of batch) {
    const result = byId.get(op.op_id);
    if (!result) continue;
    if (DONE.has(result.status)) {
      await del('outbox', op.seq);
      // The server's own safety answer (its threshold, its resources), for the screen that asked.
      const help = result.safety && crisis ? { crisis } : {};
      await put('synced', { op_id: op.op_id, label: op.label, status: result.status, at: new Date().toISOString(), ...help });
      count += 1;
    } else {
      await put('outbox', { ...op, rejected: result.problem || result });
    }
  }
  for (const old of history.slice(0, Math.max(0, history.length + count - KEEP_SYNCED))) {
    await del('synced', old.seq);
  }
  return count;
}

async function flushNow() {
  const ops = (await getAll('outbox')).filter((op) => !op.rejected);
  let sent = 0;
  for (let i = 0; i < ops.length; i += BATCH) {
    const batch = ops.slice(i, i + BATCH);
    let answer;
    try {
      answer = await send(batch);
    } catch {
      return { sent, offline: true };
    }
    if (!answer.results) return { sent, status: answer.status };
    sent += await settle(batch, answer.results, answer.crisis);
  }
  if (sent) announce();
  return { sent };
}

// One flush at a time across the page and the worker.
export function flush() {
  const locks = self.navigator.locks;
  return locks ? locks.request('wellness-outbox', flushNow) : flushNow();
}
