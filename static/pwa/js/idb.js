// The one IndexedDB helper, shared by the page and the service worker.
export const DB_NAME = 'wellness';
const DB_VERSION = 1;
let opening = null;

export function openDb() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
      if (!db.objectStoreNames.contains('outbox')) {
        db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      }
      if (!db.objectStoreNames.contains('synced')) {
        db.createObjectStore('synced', { keyPath: 'seq', autoIncrement: true });
      }
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => { db.close(); opening = null; };
      db.onclose = () => { opening = null; };
      resolve(db);
    };
    req.onerror = () => { opening = null; reject(req.error); };
  });
  return opening;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(store, mode, fn) {
  const db = await openDb();
  const t = db.transaction(store, mode);
  const result = fn(t.objectStore(store));
  await new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
  return result instanceof IDBRequest ? result.result : result;
}

export const get = (store, key) => openDb().then((db) => done(db.transaction(store).objectStore(store).get(key)));
export const getAll = (store) => openDb().then((db) => done(db.transaction(store).objectStore(store).getAll()));
export const put = (store, value, key) =>
  tx(store, 'readwrite', (s) => (key === undefined ? s.put(value) : s.put(value, key)));
export const del = (store, key) => tx(store, 'readwrite', (s) => s.delete(key));
export const clearStore = (store) => tx(store, 'readwrite', (s) => s.clear());

export const kvGet = (key) => get('kv', key);
export const kvSet = (key, value) => put('kv', value, key);

// Removes the whole database (sign out); waits for other tabs to let go.
export async function destroy() {
  if (opening) {
    try { (await opening).close(); } catch { /* already closed */ }
    opening = null;
  }
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
