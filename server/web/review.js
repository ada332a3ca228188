// The review page (/review): one field at a time, from the keyboard. The machine's reading is
// pre-filled and selected, so Enter accepts it and typing replaces it; Alt+U, Alt+S and Alt+E
// mark the field unreadable, skip it and send it to a supervisor. The next task is always
// claimed and its snippet loaded before it is needed, so there is no wait between tasks.
'use strict';

(() => {
  const {t, href, api, call, loadMe, ApiError, errorText, formatDuration, typeName, userText, el} = Adb;
  Adb.initPage('review.title');

  const FIELD_TYPES = ['text', 'kana', 'digits', 'integer', 'date', 'postal_code', 'phone',
                       'checkbox', 'choice'];
  const POLL_MS = 4000;         // how often an empty queue is asked again
  const MIN_LEASE_MS = 20000;   // a prefetched task with less lease left than this is let go
  const FILTER_KEY = 'adbridge.review.field_type';

  const $ = (id) => document.getElementById(id);
  const ui = {
    loading: $('loading'), task: $('task'), empty: $('empty'), emptyHeading: $('empty-heading'),
    formTitle: $('form-title'), fieldLabel: $('field-label'), fieldType: $('field-type'),
    blindBadge: $('blind-badge'), reason: $('reason'), snippetFrame: $('snippet-frame'),
    snippetNone: $('snippet-none'), phoneNote: $('phone-note'), phoneNoteText: $('phone-note-text'),
    options: $('options'), valueLabel: $('value-label'), value: $('value'),
    choiceHint: $('choice-hint'), status: $('status'), error: $('error'), today: $('today'),
    filter: $('filter'), who: $('who'), toSupervisor: $('to-supervisor'),
  };
  let snippetImg = $('snippet');

  // A claimed task: {task, expiresAt (browser clock, ms), image (decoded), imageFailed}.
  let current = null;      // the one on screen
  let next = null;         // claimed and preloaded, shown after the current one
  let prefetching = null;  // the claim under way, if any
  let waiting = false;     // the queue was empty: the next claim is shown at once
  let generation = 0;      // bumped by a filter change; claims made before it are let go
  let busy = false;        // an entry is being sent; keys wait
  let refused = null;      // {taskId, typed}: refused with can_confirm, so Ctrl+Enter confirms
  let currentOptions = null;
  let announceNext = false;

  // ---- claiming and preloading ----

  // The lease's end in the browser's clock, using the server's Date header for the skew.
  function leaseDeadline(task, response) {
    const expires = Date.parse(task.lease_expires_at || '');
    if (Number.isNaN(expires)) return Infinity;
    const serverNow = Date.parse(response.headers.get('Date') || '');
    return Number.isNaN(serverNow) ? expires : expires - (serverNow - Date.now());
  }

  // Loads and decodes the snippet in an element of its own, which show() then puts in place:
  // the picture is ready without fetching it again (the server sends it no-store, and its
  // Content-Security-Policy allows images from itself only, so no blob: URLs).
  async function preload(item) {
    const img = new Image();
    img.src = item.task.snippet_url;
    try {
      await img.decode();
      item.image = img;
    } catch (e) {
      item.imageFailed = true;
    }
  }

  // Claims the next task of the chosen type with its snippet loaded; null when none waits.
  async function claim() {
    for (;;) {
      const gen = generation;
      const body = ui.filter.value ? {field_type: ui.filter.value} : {};
      const {data, response} = await call('POST', '/api/review/next', body);
      if (!data.task) return null;
      const item = {task: data.task, expiresAt: leaseDeadline(data.task, response)};
      if (item.task.snippet_url) await preload(item);
      if (gen === generation) return item;
      discard(item);  // claimed under the filter that was just changed; its lease runs out
    }
  }

  // Makes sure the next task is being claimed. While the queue is empty, what arrives is
  // shown at once; otherwise it waits in `next`.
  function prefetch() {
    if (next || prefetching) return prefetching || Promise.resolve();
    prefetching = claim().then((item) => {
      prefetching = null;
      if (!item) return;
      if (waiting && !busy) {
        show(item, '');
        prefetch();
      } else {
        next = item;
      }
    }, (err) => {
      prefetching = null;
      if (err instanceof ApiError && err.status !== 401) showError(errorText(err));
    });
    return prefetching;
  }

  // Shows the prefetched task (or claims one now), then starts claiming the one after.
  async function advance(message) {
    if (prefetching) await prefetching;
    let item = next;
    next = null;
    if (item && item.expiresAt - Date.now() < MIN_LEASE_MS) {
      discard(item);
      item = null;
    }
    if (!item) {
      await prefetch();
      item = next;
      next = null;
    }
    show(item, message);
    if (item) prefetch();
  }

  let pollTimer = 0;
  function startPolling() {
    if (!pollTimer) pollTimer = setInterval(() => { if (waiting) prefetch(); }, POLL_MS);
  }
  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = 0;
  }

  // ---- showing a task ----

  function displayLabel(task) {
    if (Adb.lang === 'en' && task.label_en && task.label_en !== task.label) {
      return `${task.label_en} (${task.label})`;
    }
    return task.label || task.label_en || '';
  }

  function optionsOf(task) {
    if (task.type === 'choice') return task.options || [];
    if (task.type === 'checkbox') {
      return [{value: 'true', label: t('review.checkboxOn')},
              {value: 'false', label: t('review.checkboxOff')}];
    }
    return null;
  }

  // Fits the snippet to the frame's width, never beyond 55% of the window's height nor four
  // times its size. Enlarged two times or more it is enlarged a whole number of times with
  // sharp pixels; otherwise it is scaled smoothly, so thin strokes of a scan survive.
  function fitSnippet() {
    const img = snippetImg;
    if (!img.naturalWidth || img.hidden) return;
    const style = getComputedStyle(ui.snippetFrame);
    const width = ui.snippetFrame.clientWidth - parseFloat(style.paddingLeft) -
                  parseFloat(style.paddingRight);
    const height = window.innerHeight * 0.55;
    let scale = Math.min(width / img.naturalWidth, height / img.naturalHeight, 4);
    const upscaled = scale >= 2;
    if (upscaled) scale = Math.floor(scale);
    img.classList.toggle('upscaled', upscaled);
    img.style.width = `${Math.round(img.naturalWidth * scale)}px`;
  }

  function showSnippet(item, label) {
    const task = item.task;
    ui.snippetNone.hidden = true;
    if (item.image) {
      item.image.id = 'snippet';
      item.image.alt = t('review.snippetAlt', {label});
      snippetImg.replaceWith(item.image);
      snippetImg = item.image;
      snippetImg.hidden = false;
      fitSnippet();
      return;
    }
    snippetImg.hidden = true;
    snippetImg.removeAttribute('src');
    ui.snippetNone.hidden = false;
    ui.snippetNone.textContent = task.snippet_url ? t('review.snippetFailed') : t('review.noSnippet');
  }

  function renderOptions(task) {
    currentOptions = optionsOf(task);
    ui.options.replaceChildren();
    ui.options.hidden = !currentOptions;
    if (!currentOptions) return;
    currentOptions.forEach((option, i) => {
      ui.options.append(el('li', {}, el('span', {className: 'num'}, `${i + 1}.`),
                           option.label, ` (${option.value})`));
    });
  }

  // The option the typed text means: its value, its label, or its number (1-based).
  function resolveOption(text) {
    const s = text.trim();
    if (!currentOptions || s === '') return -1;
    let i = currentOptions.findIndex((o) => o.value === s);
    if (i < 0) i = currentOptions.findIndex((o) => o.label === s);
    if (i < 0) i = currentOptions.findIndex((o) => o.value.toLowerCase() === s.toLowerCase());
    if (i < 0) {
      const digits = s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
      const n = /^\d+$/.test(digits) ? Number(digits) : 0;
      if (n >= 1 && n <= currentOptions.length) i = n - 1;
    }
    return i;
  }

  function updateChoiceHint() {
    if (!currentOptions) {
      ui.choiceHint.textContent = '';
      return;
    }
    const i = resolveOption(ui.value.value);
    [...ui.options.children].forEach((li, j) => li.classList.toggle('selected', j === i));
    if (i >= 0) {
      const o = currentOptions[i];
      ui.choiceHint.textContent = t('review.optionResolved', {n: i + 1, label: o.label, value: o.value});
    } else {
      ui.choiceHint.textContent = ui.value.value.trim() ? t('review.optionUnknown')
                                                        : t('review.optionsHint');
    }
  }

  function show(item, message) {
    current = item;
    refused = null;
    clearError();
    if (!item) {
      waiting = true;
      delete ui.task.dataset.taskId;
      ui.task.hidden = true;
      ui.empty.hidden = false;
      setStatus(join(message, t('review.emptyStatus')));
      ui.emptyHeading.focus();
      startPolling();
      return;
    }
    waiting = false;
    stopPolling();
    const task = item.task;
    const label = displayLabel(task);
    const type = typeName(task.type) || t('sup.none');
    ui.empty.hidden = true;
    ui.task.hidden = false;
    ui.task.dataset.taskId = String(task.id);
    ui.formTitle.textContent = task.form_title || '';
    ui.fieldLabel.textContent = label;
    ui.fieldType.textContent = typeName(task.type);
    ui.fieldType.hidden = !task.type;
    ui.blindBadge.hidden = !task.blind;
    ui.reason.textContent = task.reason || '';
    showSnippet(item, label);
    ui.phoneNote.hidden = !task.note;
    ui.phoneNoteText.textContent = task.note || '';
    renderOptions(task);
    ui.valueLabel.textContent = t('review.valueLabel', {label});
    ui.value.value = task.blind ? '' : (task.prefill ?? '');
    ui.value.placeholder = task.blind ? t('review.blindPlaceholder') : '';
    updateChoiceHint();
    ui.value.focus();
    ui.value.select();
    // The first task is announced by the focus landing in its labelled box; later ones keep
    // the focus where it is, so the status line says what came.
    setStatus(announceNext ? join(message, t('review.shown', {label, type})) : message);
    announceNext = true;
  }

  // ---- entries ----

  function valueToSend(typed) {
    const i = resolveOption(typed);
    return i >= 0 ? currentOptions[i].value : typed;
  }

  async function act(action) {
    if (busy || !current) return;
    const item = current;
    const task = item.task;
    const typed = ui.value.value;
    let path = action;
    let body = {};
    if (action === 'submit' || action === 'confirm') {
      path = 'submit';
      body = {value: valueToSend(typed)};
      if (action === 'confirm' && refused && refused.taskId === task.id && refused.typed === typed) {
        body.confirm = true;
      }
    }
    busy = true;
    ui.task.setAttribute('aria-busy', 'true');
    try {
      const data = await api('POST', `/api/review/tasks/${task.id}/${path}`, body);
      refreshToday();
      let message = data.result ? t(`review.result.${data.result}`) : '';
      if (data.document_state === 'verified') message = join(message, t('review.docVerified'));
      await advance(message);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 400 && path === 'submit') {
        refused = err.canConfirm ? {taskId: task.id, typed} : null;
        setStatus('');
        showError(t(err.canConfirm ? 'review.refusedConfirm' : 'review.refused', {reason: err.message}));
        ui.value.focus();
      } else if (err.status === 409 || err.status === 404) {
        await advance(t('review.leaseLost'));
      } else if (err.status !== 401) {
        showError(errorText(err));
      }
    } finally {
      busy = false;
      ui.task.removeAttribute('aria-busy');
    }
  }

  ui.value.addEventListener('keydown', (e) => {
    if (e.isComposing || e.keyCode === 229) return;  // Enter belongs to the IME while converting
    if (e.key === 'Enter' && !e.altKey && !e.shiftKey && !e.metaKey) {
      e.preventDefault();
      act(e.ctrlKey ? 'confirm' : 'submit');
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && currentOptions &&
               currentOptions.length && !e.altKey && !e.ctrlKey) {
      e.preventDefault();
      const n = currentOptions.length;
      const i = resolveOption(ui.value.value);
      const j = e.key === 'ArrowDown' ? (i + 1) % n : (i <= 0 ? n - 1 : i - 1);
      ui.value.value = currentOptions[j].value;
      ui.value.select();
      updateChoiceHint();
    }
  });
  ui.value.addEventListener('input', () => {
    updateChoiceHint();
    if (refused) clearError();
  });

  const ALT_KEYS = {KeyU: 'unreadable', KeyS: 'skip', KeyE: 'escalate'};
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    const action = ALT_KEYS[e.code];
    if (!action) return;
    e.preventDefault();
    act(action);
  });
  for (const action of ['unreadable', 'skip', 'escalate']) {
    $(action).addEventListener('click', () => act(action).then(() => ui.value.focus()));
  }

  // ---- the rest of the page ----

  function join(...parts) {
    return parts.filter(Boolean).join(' ');
  }
  function setStatus(text) {
    ui.status.textContent = text;
  }
  function showError(text) {
    ui.error.textContent = text;
  }
  function clearError() {
    ui.error.textContent = '';
  }

  function setToday(today) {
    if (!today) return;
    ui.today.textContent = t('review.today', {entries: today.entries ?? 0,
                                              time: formatDuration(today.seconds)});
  }
  function refreshToday() {
    loadMe().then((me) => setToday(me.today), () => {});
  }

  function setUpFilter() {
    for (const type of FIELD_TYPES) ui.filter.append(el('option', {value: type}, typeName(type)));
    const saved = sessionStorage.getItem(FILTER_KEY) || '';
    if (FIELD_TYPES.includes(saved)) ui.filter.value = saved;
    ui.filter.addEventListener('change', () => {
      generation += 1;
      sessionStorage.setItem(FILTER_KEY, ui.filter.value);
      discard(next);
      next = null;
      setStatus(t('review.filtered', {type: ui.filter.value ? typeName(ui.filter.value)
                                                             : t('review.filterAll')}));
      prefetch();
    });
  }

  window.addEventListener('resize', fitSnippet);

  (async () => {
    let me;
    try {
      me = await loadMe();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) showError(errorText(err));
      return;
    }
    if (me.user.role !== 'reviewer' && me.user.role !== 'supervisor') {
      location.assign(href('/'));
      return;
    }
    ui.who.textContent = userText(me.user);
    ui.toSupervisor.hidden = me.user.role !== 'supervisor';
    ui.toSupervisor.href = href('/supervisor');
    setToday(me.today);
    setUpFilter();
    await advance('');
    ui.loading.hidden = true;
  })();
})();
