// The supervisor page (/supervisor): what waits in the queue by form and field type, the
// escalations and disagreements to settle, and each reviewer's pace and accuracy today.
// Refreshes every 10 seconds without disturbing a decision being typed.
'use strict';

(() => {
  const {t, href, api, loadMe, ApiError, errorText, formatDuration, formatTime, typeName, userText,
         el} = Adb;
  Adb.initPage('sup.title');

  const REFRESH_MS = 10000;
  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $('status'), error: $('error'), updated: $('updated'), who: $('who'),
    toReview: $('to-review'), cases: $('cases'), casesEmpty: $('cases-empty'),
    casesHeading: $('cases-heading'),
    queueBody: document.querySelector('#queue tbody'),
    queueFoot: document.querySelector('#queue tfoot'),
    reviewersBody: document.querySelector('#reviewers tbody'),
  };
  const cards = new Map();  // task id → its <article>, kept across refreshes

  const num = (value) => el('td', {className: 'num'}, String(value ?? 0));
  const none = () => t('sup.none');

  function emptyRow(columns, key) {
    return el('tr', {}, el('td', {colSpan: columns, className: 'muted'}, t(key)));
  }

  function renderQueue(rows) {
    if (!rows.length) {
      ui.queueBody.replaceChildren(emptyRow(5, 'sup.queueEmpty'));
      ui.queueFoot.replaceChildren();
      return;
    }
    ui.queueBody.replaceChildren(...rows.map((r) => el('tr', {},
        el('td', {}, r.form_title || r.form_id || none()), el('td', {}, typeName(r.field_type) || none()),
        num(r.open), num(r.leased), num(r.escalated))));
    const sum = (key) => rows.reduce((total, r) => total + (r[key] || 0), 0);
    ui.queueFoot.replaceChildren(el('tr', {},
        el('th', {scope: 'row', colSpan: 2}, t('sup.queueTotal')),
        num(sum('open')), num(sum('leased')), num(sum('escalated'))));
  }

  function renderReviewers(rows) {
    if (!rows.length) {
      ui.reviewersBody.replaceChildren(emptyRow(6, 'sup.reviewersEmpty'));
      return;
    }
    const fixed = (x, digits) => (typeof x === 'number' ? x.toFixed(digits) : none());
    ui.reviewersBody.replaceChildren(...rows.map((r) => el('tr', {dataset: {reviewer: r.name}},
        el('th', {scope: 'row'}, r.display_name && r.display_name !== r.name
                                     ? `${r.display_name} (${r.name})` : r.name),
        num(r.entries),
        el('td', {className: 'num'}, typeof r.hours === 'number' ? formatDuration(r.hours * 3600) : none()),
        el('td', {className: 'num'}, fixed(r.tasks_per_hour, 1)),
        el('td', {className: 'num'}, `${r.gold_correct ?? 0} / ${r.gold_total ?? 0}`),
        el('td', {className: 'num'},
           typeof r.gold_accuracy === 'number' ? `${Math.round(r.gold_accuracy * 100)}%` : none()))));
  }

  function entriesTable(entries) {
    const head = el('tr', {}, ...['sup.entryUser', 'sup.entryAction', 'sup.entryValue',
                                  'sup.entryNote', 'sup.entryAt']
                                     .map((k) => el('th', {scope: 'col'}, t(k))));
    const rows = entries.map((e) => el('tr', {},
        el('td', {}, e.user || ''), el('td', {}, t(`sup.action.${e.action}`)),
        el('td', {}, e.value === null || e.value === undefined ? none()
                     : (e.value === '' ? t('sup.empty') : e.value)),
        el('td', {}, e.note || ''), el('td', {}, formatTime(e.at))));
    return el('table', {}, el('caption', {}, t('sup.caseEntries')), el('thead', {}, head),
              el('tbody', {}, ...rows));
  }

  function buildCard(task) {
    const titleId = `case-${task.id}-title`;
    const inputId = `decide-${task.id}`;
    const label = task.label || '';
    const input = el('input', {id: inputId, type: 'text', autocomplete: 'off', spellcheck: false});
    const decideButton = el('button', {type: 'button', className: 'primary'}, t('sup.decide'));
    const unreadableButton = el('button', {type: 'button'}, t('sup.decideUnreadable'));
    const errorLine = el('p', {className: 'error', role: 'alert'});

    const values = [task.ocr_value, ...(task.entries || []).map((e) => e.value)]
                       .filter((v, i, all) => typeof v === 'string' && v !== '' && all.indexOf(v) === i);
    const quick = el('div', {className: 'quick'}, ...values.map((v) => {
      const b = el('button', {type: 'button'}, t('sup.useValue', {value: v}));
      b.addEventListener('click', () => { input.value = v; input.focus(); });
      return b;
    }));

    const figure = el('figure', {className: 'snippet'}, task.snippet_url
        ? el('img', {src: task.snippet_url, alt: t('review.snippetAlt', {label})})
        : el('p', {className: 'none'}, t('review.noSnippet')));

    const card = el('article', {className: 'case panel', ariaLabelledby: titleId,
                                dataset: {taskId: String(task.id)}},
        el('h3', {id: titleId}, label,
           task.type ? el('span', {className: 'badge'}, typeName(task.type)) : null,
           el('span', {className: 'muted'}, `${task.form_title || ''} · #${task.id}`)),
        figure,
        el('dl', {}, el('dt', {}, t('sup.caseOcr')),
           el('dd', {}, task.ocr_value === null || task.ocr_value === undefined ? none()
                        : (task.ocr_value === '' ? t('sup.empty') : task.ocr_value)),
           el('dt', {}, t('sup.caseReason')), el('dd', {}, task.reason || none())),
        entriesTable(task.entries || []),
        el('div', {className: 'decide'}, el('label', {for: inputId}, t('sup.decideLabel')), input,
           decideButton, unreadableButton),
        quick, errorLine);

    const decide = (body) => settle(task, card, body, errorLine, input);
    decideButton.addEventListener('click', () => decide({value: input.value}));
    unreadableButton.addEventListener('click', () => decide({unreadable: true}));
    input.addEventListener('keydown', (e) => {
      if (e.isComposing || e.keyCode === 229 || e.key !== 'Enter') return;
      e.preventDefault();
      decide({value: input.value});
    });
    return card;
  }

  function removeCard(id, card) {
    const neighbour = card.nextElementSibling || card.previousElementSibling;
    card.remove();
    cards.delete(id);
    ui.casesEmpty.hidden = cards.size > 0;
    const nextInput = neighbour && neighbour.querySelector('input');
    (nextInput || ui.casesHeading).focus();
  }

  let settling = false;
  async function settle(task, card, body, errorLine, input) {
    if (settling) return;
    settling = true;
    errorLine.textContent = '';
    try {
      const data = await api('POST', `/api/supervisor/tasks/${task.id}/decide`, body);
      let message = t(body.unreadable ? 'sup.decidedUnreadable' : 'sup.decided', {label: task.label});
      if (data.document_state === 'verified') message += ` ${t('review.docVerified')}`;
      ui.status.textContent = message;
      removeCard(task.id, card);
      refresh();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 409 || err.status === 404) {
        ui.status.textContent = errorText(err);
        removeCard(task.id, card);
      } else if (err.status !== 401) {
        errorLine.textContent = errorText(err);
        input.focus();
      }
    } finally {
      settling = false;
    }
  }

  // Adds the cards of new cases and drops those settled elsewhere, except one being worked on.
  function renderCases(tasks) {
    const seen = new Set();
    for (const task of tasks) {
      seen.add(task.id);
      if (!cards.has(task.id)) {
        const card = buildCard(task);
        cards.set(task.id, card);
        ui.cases.append(card);
      }
    }
    for (const [id, card] of cards) {
      if (!seen.has(id) && !card.contains(document.activeElement)) {
        card.remove();
        cards.delete(id);
      }
    }
    ui.casesEmpty.hidden = cards.size > 0;
  }

  let refreshing = false;
  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      const [queue, cases, reviewers] = await Promise.all([
        api('GET', '/api/supervisor/queue'),
        api('GET', '/api/supervisor/escalations'),
        api('GET', '/api/supervisor/reviewers'),
      ]);
      renderQueue(queue.queue || []);
      renderCases(cases.tasks || []);
      renderReviewers(reviewers.reviewers || []);
      ui.updated.textContent = t('sup.updated', {time: formatTime(null, {seconds: true})});
      ui.error.textContent = '';
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) ui.error.textContent = errorText(err);
    } finally {
      refreshing = false;
    }
  }

  (async () => {
    let me;
    try {
      me = await loadMe();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) ui.error.textContent = errorText(err);
      return;
    }
    if (me.user.role !== 'supervisor') {
      location.assign(href('/'));
      return;
    }
    ui.who.textContent = userText(me.user);
    ui.toReview.href = href('/review');
    await refresh();
    setInterval(refresh, REFRESH_MS);
  })();
})();
