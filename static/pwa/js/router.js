// Hash routing: "#/path/param". Each view module exports default async (ctx) => cleanup?.
const ROUTES = [
  ['/signin', 'signin', 'Sign in', null],
  ['/register', 'signin', 'Create an account', null],
  ['/help', 'help', 'Get help now', null],
  ['/', 'today', 'Today', 'client'],
  ['/checkin', 'checkin', 'Check in', 'client'],
  ['/meditate', 'meditate', 'Meditate', 'client'],
  ['/meditate/:slug', 'player', 'Meditation', 'client'],
  ['/nourish', 'nourish', 'Nourish', 'client'],
  ['/progress', 'progress', 'Progress', 'client'],
  ['/screeners', 'screeners', 'Questionnaires', 'client'],
  ['/screeners/:id', 'screeners', 'Questionnaire', 'client'],
  ['/settings', 'settings', 'Settings', 'any'],
  ['/caseload', 'caseload', 'Caseload', 'staff'],
  ['/clients/:id', 'client', 'Client', 'staff'],
  ['/routines', 'routines', 'Routines', 'staff'],
  ['/alerts', 'alerts', 'Alerts', 'staff'],
  ['/invites', 'invites', 'Invite codes', 'staff'],
];

const VIEWS = {
  signin: () => import('./views/signin.js'), help: () => import('./views/help.js'),
  today: () => import('./views/today.js'), checkin: () => import('./views/checkin.js'),
  meditate: () => import('./views/meditate.js'), player: () => import('./views/player.js'),
  nourish: () => import('./views/nourish.js'), progress: () => import('./views/progress.js'),
  screeners: () => import('./views/screeners.js'), settings: () => import('./views/settings.js'),
  caseload: () => import('./views/caseload.js'), client: () => import('./views/client.js'),
  routines: () => import('./views/routines.js'), alerts: () => import('./views/alerts.js'),
  invites: () => import('./views/invites.js'),
};

// Other names the server uses in notification links.
const ALIASES = { '/today': '/', '/meditations': '/meditate', '/reminders': '/settings' };

export function match(hash) {
  const asked = (hash.replace(/^#/, '') || '/').split('?')[0];
  const path = ALIASES[asked] || asked;
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, view, title, role] of ROUTES) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((w, i) => (w.startsWith(':') ? (params[w.slice(1)] = decodeURIComponent(parts[i])) : w === parts[i]))) {
      return { path, view, title, role, params, query: new URLSearchParams(hash.split('?')[1] || '') };
    }
  }
  return null;
}

export function isStaff(me) {
  return Boolean(me) && me.role !== 'client';
}

// Where this person may go; null means "fine as asked".
export function redirectFor(route, me) {
  if (!route) return me ? '#/' : '#/signin';
  if (!route.role) return null;
  if (!me) return '#/signin';
  if (route.role === 'client' && isStaff(me)) return '#/caseload';
  if (route.role === 'staff' && !isStaff(me)) return '#/';
  return null;
}

export async function loadView(name) {
  return (await VIEWS[name]()).default;
}
