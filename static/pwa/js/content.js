// The content bundle (meditations, tips, instruments, crisis resources), cached for offline use
// by the service worker with ETag revalidation.
import { api } from './api.js';

let bundle = null;

// Used only when nothing was ever cached on this device (first visit with no signal).
export const FALLBACK_CRISIS = {
  disclaimer: 'This app is not an emergency service. If you or someone near you is in danger right now, call 911.',
  contacts: [
    { id: '988', name: '988 Suicide & Crisis Lifeline', description: 'Free, confidential support, any time.',
      actions: [{ kind: 'call', label: 'Call 988', value: 'tel:988' }, { kind: 'text', label: 'Text 988', value: 'sms:988' }] },
    { id: 'emergency', name: 'Emergency: 911', description: 'For an overdose or immediate danger.',
      actions: [{ kind: 'call', label: 'Call 911', value: 'tel:911' }] },
  ],
  overdose_steps: [], notes: [],
};

export async function getBundle() {
  if (bundle) return bundle;
  try {
    bundle = await api('/content/bundle');
  } catch {
    return null;
  }
  return bundle;
}

export function instruments(b) {
  const all = (b && b.instruments) || {};
  return Array.isArray(all) ? all : Object.values(all);
}

export async function crisis() {
  const b = await getBundle();
  if (b && b.crisis) return b.crisis;
  try {
    return await api('/crisis-resources');
  } catch {
    return FALLBACK_CRISIS;
  }
}

// Warm the offline copies right after the app starts.
export function prefetch() {
  getBundle();
  api('/crisis-resources').catch(() => {});
}
