// Sign in and create an account.
import { api } from '../api.js';
import { add, clear, field, h, status } from '../dom.js';

export default async function signin({ main, path, query, ctx }) {
  const registering = path === '/register';
  const out = h('div', { 'aria-live': 'polite' });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, minlength: registering ? 3 : 1, maxlength: 32, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', required: true, autocomplete: registering ? 'new-password' : 'current-password' });
  const name = registering ? h('input', { name: 'display_name', autocomplete: 'nickname', required: true, maxlength: 80 }) : null;
  const form = h('form', { novalidate: false },
    field('Username', username, registering ? 'At least 3 characters. It does not need to be your real name.' : null),
    name ? field('What should we call you?', name) : null,
    field('Password', password, registering ? 'Use a long passphrase only you know.' : null),
    h('button', { type: 'submit', text: registering ? 'Create account' : 'Sign in' }), out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(out);
    const body = { username: username.value.trim(), password: password.value };
    if (registering) {
      body.display_name = name.value.trim();
      body.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    }
    try {
      const profile = await api(registering ? '/auth/register' : '/auth/login', { method: 'POST', body });
      await ctx.signedIn(profile);
    } catch (err) {
      add(out, status(err.offline ? 'You seem to be offline. Please try again when you have a connection.'
        : err.message || 'That did not work. Please check and try again.', 'error'));
    }
  });
  add(main, 
    h('h1', { text: registering ? 'Create your account' : 'Welcome back' }),
    query.get('expired') ? status('For your privacy you were signed out. Anything you saved is still here once you sign in again.') : null,
    h('p', { text: registering ? 'A quiet place for check-ins, breathing and tips. Everything is optional.' : 'Sign in to continue.' }),
    form,
    h('p', {}, registering ? h('a', { href: '#/signin', text: 'I already have an account' })
      : h('a', { href: '#/register', text: 'Create an account' })),
    h('p', { class: 'hint', text: 'On a shared phone, sign out when you are done: it removes everything of yours from this phone.' }));
}
