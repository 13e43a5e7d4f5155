// The main navigation; which links depends on who is signed in.
import { add, clear, h } from './dom.js';
import { isStaff } from './router.js';

const CLIENT = [['#/', 'Today'], ['#/checkin', 'Check in'], ['#/meditate', 'Meditate'],
  ['#/nourish', 'Nourish'], ['#/progress', 'Progress'], ['#/settings', 'Settings']];
const STAFF = [['#/caseload', 'Caseload'], ['#/alerts', 'Alerts'], ['#/routines', 'Routines'],
  ['#/invites', 'Invites'], ['#/settings', 'Settings']];

export function renderNav(el, me) {
  clear(el);
  if (!me) return;
  const links = isStaff(me) ? STAFF : CLIENT;
  add(el, h('ul', {}, links.map(([href, label]) => h('li', {}, h('a', { href, text: label })))));
  markCurrent(el);
}

export function markCurrent(el) {
  const here = location.hash || '#/';
  for (const a of el.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    const active = href === here || (href !== '#/' && here.startsWith(`${href}/`));
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
