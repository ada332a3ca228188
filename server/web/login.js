// The log-in page (/): log in, then on to the page of the user's role. Users whose role has
// no page yet see their name and role and can log out.
'use strict';

(() => {
  const {t, href, api, loadMe, errorText, userText} = Adb;
  Adb.initPage('login.title');

  const loginSection = document.getElementById('login-section');
  const landing = document.getElementById('landing');
  const form = document.getElementById('login');
  const nameInput = document.getElementById('name');
  const passwordInput = document.getElementById('password');
  const button = document.getElementById('login-button');
  const errorLine = document.getElementById('login-error');
  const statusLine = document.getElementById('login-status');

  function goOn(user) {
    if (user.role === 'reviewer') {
      location.assign(href('/review'));
    } else if (user.role === 'supervisor') {
      location.assign(href('/supervisor'));
    } else if (user.role === 'frontdesk') {
      location.assign(href('/frontdesk'));
    } else if (user.role === 'department') {
      location.assign(href('/department'));
    } else {
      loginSection.hidden = true;
      landing.hidden = false;
      document.title = t('landing.title');
      document.getElementById('landing-who').textContent = userText(user);
      document.getElementById('landing-heading').focus();
    }
  }

  function showLogin() {
    loginSection.hidden = false;
    nameInput.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorLine.textContent = '';
    const name = nameInput.value.trim();
    const password = passwordInput.value;
    if (!name || !password) {
      errorLine.textContent = t('login.missing');
      (name ? passwordInput : nameInput).focus();
      return;
    }
    button.disabled = true;
    statusLine.textContent = t('login.sending');
    try {
      const data = await api('POST', '/api/login', {name, password}, {stayOn401: true});
      goOn(data.user);
    } catch (err) {
      statusLine.textContent = '';
      errorLine.textContent = errorText(err);
      passwordInput.value = '';
      passwordInput.focus();
    } finally {
      button.disabled = false;
    }
  });

  // Someone already logged in goes straight on.
  loadMe({stayOn401: true}).then((me) => goOn(me.user), showLogin);
})();
