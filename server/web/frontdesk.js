// The front desk's page (/frontdesk): scan in a batch of applications and watch each become
// read. Files are dropped on the drop zone (or chosen with it: it is a button) and each is sent
// as a request of its own, so every file shows its own progress and one bad file does not stop
// the others. The document list is asked again every 2 seconds while a document waits to be
// read or is being read, and every 10 seconds otherwise; state changes are announced. A
// document opens in a panel with its pages, where the scanner's mistakes are fixed: the form,
// a page's turn, a blank page, a split, a merge.
'use strict';

(() => {
  const {t, api, loadMe, ApiError, errorText, formatTime, userText, el} = Adb;
  Adb.initPage('fd.title');

  const LIVE_MS = 2000;    // while a document is waiting or being read
  const CALM_MS = 10000;   // otherwise
  const PARALLEL = 2;      // uploads at once
  const LIVE_STATES = new Set(['received', 'processing']);

  const $ = (id) => document.getElementById(id);
  const ui = {
    drop: $('drop'), files: $('files'), uploads: $('uploads'), status: $('status'),
    error: $('error'), table: $('documents'), empty: $('documents-empty'), updated: $('updated'),
    who: $('who'), live: $('live'), detail: $('detail'), detailHeading: $('detail-heading'),
    detailState: $('detail-state'), detailReason: $('detail-reason'),
    detailClassification: $('detail-classification'), formChoice: $('form-choice'),
    formAssign: $('form-assign'), pages: $('pages'), mergeChoice: $('merge-choice'),
    merge: $('merge'), detailClose: $('detail-close'), detailStatus: $('detail-status'),
    detailError: $('detail-error'),
  };

  let csrfToken = '';
  let documents = [];            // the last list, newest first
  const knownStates = new Map(); // id -> state last shown, to announce changes
  const duplicates = new Set();  // ids an upload of this page found again
  let activeUploads = 0;
  const queue = [];              // files waiting to be sent: {file, row}
  let pollTimer = null;
  let openId = null;             // the document in the panel
  let detailBusy = false;

  function stateText(state) {
    return t(`fd.state.${state}`);
  }

  // ---- uploading ----

  function uploadRow(file) {
    const progress = el('progress', {max: 100, value: 0});
    const text = el('span', {className: 'upload-text'}, t('fd.waiting'));
    const row = el('li', {className: 'upload-row'},
                   el('span', {className: 'upload-name'}, file.name), progress, text);
    row.dataset.name = file.name;
    ui.uploads.append(row);
    return {row, progress, text};
  }

  // Sends one file; resolves with the API's answer, rejects with an ApiError.
  function send(file, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/documents/upload?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('X-CSRF-Token', csrfToken);
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
      };
      xhr.onload = () => {
        let data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch (e) {
          data = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && data) resolve(data);
        else reject(new ApiError(xhr.status, data));
      };
      xhr.onerror = () => reject(new ApiError(0, null));
      xhr.send(file);
    });
  }

  let batch = {count: 0, ok: 0};

  async function pump() {
    while (activeUploads < PARALLEL && queue.length) {
      const item = queue.shift();
      activeUploads++;
      item.row.text.textContent = t('fd.sending', {percent: 0});
      send(item.file, (percent) => {
        item.row.progress.value = percent;
        item.row.text.textContent = t('fd.sending', {percent});
      }).then((data) => {
        const id = data.document.id;
        item.row.progress.value = 100;
        batch.ok++;
        if (data.duplicate) {
          duplicates.add(id);
          item.row.row.classList.add('dup');
          item.row.text.textContent = t('fd.duplicate', {id});
        } else {
          item.row.row.classList.add('ok');
          item.row.text.textContent = t('fd.stored', {id});
        }
        item.row.row.dataset.document = id;
      }, (err) => {
        item.row.row.classList.add('bad');
        item.row.progress.hidden = true;
        // The server names the file; the row already does.
        const reason = errorText(err);
        const named = `${item.file.name}: `;
        item.row.text.textContent = t('fd.uploadFailed', {
          reason: reason.startsWith(named) ? reason.slice(named.length) : reason});
      }).finally(() => {
        activeUploads--;
        if (!queue.length && !activeUploads) {
          ui.status.textContent = t('fd.uploadDone', {count: batch.count, ok: batch.ok});
        }
        refreshSoon(0);
        pump();
      });
    }
  }

  function upload(fileList) {
    const files = [...fileList];
    if (!files.length) return;
    if (!queue.length && !activeUploads) {
      batch = {count: 0, ok: 0};
      ui.uploads.replaceChildren();
    }
    ui.status.textContent = '';
    batch.count += files.length;
    for (const file of files) queue.push({file, row: uploadRow(file)});
    pump();
  }

  ui.drop.addEventListener('click', () => ui.files.click());
  ui.files.addEventListener('change', () => {
    upload(ui.files.files);
    ui.files.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    ui.drop.addEventListener(type, (event) => {
      event.preventDefault();
      ui.drop.classList.add('over');
    });
  }
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.drop.classList.remove('over');
    if (event.dataTransfer) upload(event.dataTransfer.files);
  });
  // A file dropped beside the zone would make the browser leave the page for it.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());

  // ---- the list ----

  function stateBadge(doc) {
    const badge = el('span', {className: `state state-${doc.state}`}, stateText(doc.state));
    const cell = el('span', {className: 'state-cell'}, badge);
    if (duplicates.has(doc.id)) {
      cell.append(' ', el('span', {className: 'badge dup'}, t('fd.duplicateBadge')));
    }
    if (doc.state === 'failed' && doc.failure_reason) {
      cell.append(el('span', {className: 'failure'}, doc.failure_reason));
    }
    return cell;
  }

  function renderList() {
    const body = ui.table.tBodies[0];
    body.replaceChildren();
    ui.empty.hidden = documents.length > 0;
    ui.table.hidden = documents.length === 0;
    for (const doc of documents) {
      const open = el('button', {type: 'button', className: 'link', ariaLabel: t('fd.open', {id: doc.id})},
                      doc.source_name);
      open.addEventListener('click', () => openDocument(doc.id, {focus: true}));
      const row = el('tr', {dataset: {id: doc.id, state: doc.state}},
                     el('td', {className: 'num'}, String(doc.id)),
                     el('td', {}, open),
                     el('td', {}, doc.form_title || t('fd.noForm')),
                     el('td', {className: 'num'}, String(doc.pages)),
                     el('td', {}, stateBadge(doc)),
                     el('td', {className: 'num'}, String(doc.open_tasks)),
                     el('td', {}, formatTime(doc.updated_at)));
      if (doc.id === openId) row.classList.add('current');
      body.append(row);
    }
    fillMergeChoice();
  }

  // Announces documents whose state changed since the last list (not the first list).
  function announce(list, first) {
    const changes = [];
    for (const doc of list) {
      const before = knownStates.get(doc.id);
      if (!first && before !== doc.state) {
        changes.push(t('fd.changed', {id: doc.id, name: doc.source_name, state: stateText(doc.state)}));
      }
      knownStates.set(doc.id, doc.state);
    }
    if (changes.length) ui.live.textContent = changes.join(' ');
  }

  let firstList = true;
  async function refresh() {
    try {
      const data = await api('GET', '/api/frontdesk/documents');
      documents = data.documents;
      announce(documents, firstList);
      firstList = false;
      renderList();
      ui.updated.textContent = t('fd.updated', {time: formatTime(null, {seconds: true})});
      if (openId !== null && !detailBusy) {
        const doc = documents.find((d) => d.id === openId);
        const shown = ui.detail.dataset.state;
        if (doc && (doc.state !== shown || doc.updated_at !== ui.detail.dataset.updated)) {
          await openDocument(openId, {focus: false});
        }
      }
      if (ui.error.dataset.fromList) {
        ui.error.textContent = '';
        delete ui.error.dataset.fromList;
      }
    } catch (err) {
      ui.error.textContent = errorText(err);
      ui.error.dataset.fromList = '1';
    }
  }

  function refreshSoon(ms) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      await refresh();
      const live = activeUploads > 0 || queue.length > 0 ||
                   documents.some((d) => LIVE_STATES.has(d.state));
      refreshSoon(live ? LIVE_MS : CALM_MS);
    }, ms);
  }

  // ---- the document panel ----

  let forms = [];

  function fillFormChoice(current) {
    ui.formChoice.replaceChildren(el('option', {value: ''}, t('fd.formNone')));
    for (const form of forms) {
      const option = el('option', {value: form.id}, form.title);
      if (current && current.id === form.id) option.selected = true;
      ui.formChoice.append(option);
    }
  }

  function fillMergeChoice() {
    if (openId === null) return;
    const chosen = ui.mergeChoice.value;
    ui.mergeChoice.replaceChildren(el('option', {value: ''}, t('fd.mergeNone')));
    for (const doc of documents) {
      if (doc.id === openId) continue;
      const option = el('option', {value: String(doc.id)}, `${doc.id}: ${doc.source_name}`);
      if (String(doc.id) === chosen) option.selected = true;
      ui.mergeChoice.append(option);
    }
  }

  function pageItem(doc, page, count) {
    const n = page.index + 1;
    // The rotation and time in the address: a turned page is fetched again, an unchanged one not.
    const img = el('img', {alt: t('fd.pageAlt', {n}), loading: 'lazy',
                           src: `${page.preview_url}?width=240&r=${page.rotation}&u=${encodeURIComponent(doc.updated_at)}`});
    const outcome = page.outcome ? t(`fd.outcome.${page.outcome}`) : stateText(doc.state);
    const caption = el('figcaption', {},
                       el('strong', {}, t('fd.page', {n})), ' ',
                       el('span', {className: 'muted'}, outcome));
    if (page.note) caption.append(el('span', {className: 'note'}, page.note));
    const left = el('button', {type: 'button', ariaLabel: t('fd.rotateLeftLabel', {n}),
                               dataset: {key: `left-${page.index}`}}, t('fd.rotateLeft'));
    const right = el('button', {type: 'button', ariaLabel: t('fd.rotateRightLabel', {n}),
                                dataset: {key: `right-${page.index}`}}, t('fd.rotateRight'));
    left.addEventListener('click', () => fix(`/api/documents/${doc.id}/pages/${page.index}/rotate`,
                                             {degrees: 270}, 'fd.done.rotate', {n}));
    right.addEventListener('click', () => fix(`/api/documents/${doc.id}/pages/${page.index}/rotate`,
                                              {degrees: 90}, 'fd.done.rotate', {n}));
    const tools = el('div', {className: 'page-tools'}, left, right);
    if (count > 1) {
      const remove = el('button', {type: 'button', ariaLabel: t('fd.removeLabel', {n}),
                                   dataset: {key: `remove-${page.index}`}}, t('fd.remove'));
      remove.addEventListener('click', () => {
        if (!confirm(t('fd.confirmRemove', {n, id: doc.id}))) return;
        fix(`/api/documents/${doc.id}/pages/${page.index}/remove`, {}, 'fd.done.remove', {n});
      });
      tools.append(remove);
    }
    if (page.index > 0) {
      const split = el('button', {type: 'button', ariaLabel: t('fd.splitLabel', {n}),
                                  dataset: {key: `split-${page.index}`}}, t('fd.split'));
      split.addEventListener('click', () => {
        if (!confirm(t('fd.confirmSplit', {n, id: doc.id}))) return;
        fix(`/api/documents/${doc.id}/split`, {first_page: page.index}, 'fd.done.split', {n});
      });
      tools.append(split);
    }
    return el('li', {className: 'page', dataset: {index: page.index, rotation: page.rotation}},
              el('figure', {}, img, caption), tools);
  }

  // The key of the panel's control that has the focus, so that it can be found again once the
  // panel is drawn anew (after a fix, or when the document's state changes).
  function focusedKey() {
    const active = document.activeElement;
    return active && ui.detail.contains(active) ? (active.dataset.key || active.id || '') : '';
  }

  function restoreFocus(key) {
    if (!key) return;
    const target = ui.detail.querySelector(`[data-key="${key}"]`) || document.getElementById(key);
    (target && ui.detail.contains(target) && !target.disabled ? target : ui.detailHeading).focus();
  }

  function renderDetail(data) {
    const doc = data.document;
    ui.detail.dataset.id = doc.id;
    ui.detail.dataset.state = doc.state;
    ui.detail.dataset.updated = doc.updated_at;
    ui.detailHeading.textContent = t('fd.detailHeading', {id: doc.id, name: doc.source_name});
    ui.detailState.className = `state state-${doc.state}`;
    ui.detailState.textContent = stateText(doc.state);
    ui.detailReason.textContent = doc.state === 'failed' && doc.failure_reason
        ? t('fd.failure', {reason: doc.failure_reason}) : '';
    const task = data.classification;
    ui.detailClassification.textContent = task && task.state !== 'done'
        ? t('fd.classification', {reason: task.reason}) : '';
    fillFormChoice(data.form);
    ui.pages.replaceChildren(...data.pages.map((page) => pageItem(doc, page, data.pages.length)));
    fillMergeChoice();
    ui.detail.hidden = false;
  }

  async function openDocument(id, {focus}) {
    const changed = openId !== id;
    openId = id;
    if (changed) {
      ui.detailStatus.textContent = '';
      ui.detailError.textContent = '';
    }
    try {
      const data = await api('GET', `/api/frontdesk/documents/${id}`);
      const key = focusedKey();
      renderDetail(data);
      renderList();
      if (focus) ui.detailHeading.focus();
      else restoreFocus(key);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        closeDetail();  // merged into another document, or gone
        return;
      }
      ui.detailError.textContent = errorText(err);
    }
  }

  function closeDetail() {
    const id = openId;
    openId = null;
    ui.detail.hidden = true;
    renderList();
    const button = id !== null && ui.table.querySelector(`tr[data-id="${id}"] button`);
    if (button) button.focus();
  }

  // Sends a fix and shows the document as it now is; the answer is the document's detail.
  async function fix(path, body, doneKey, vars) {
    if (detailBusy) return;
    detailBusy = true;
    const key = focusedKey();
    ui.detailStatus.textContent = '';
    ui.detailError.textContent = '';
    for (const button of ui.detail.querySelectorAll('button')) button.disabled = true;
    try {
      const data = await api('POST', path, body);
      renderDetail(data);
      ui.detailStatus.textContent = t(doneKey, {...vars, other: data.new_document ?? vars.other,
                                                title: data.form ? data.form.title : ''});
      refreshSoon(0);
    } catch (err) {
      ui.detailError.textContent = errorText(err);
    } finally {
      detailBusy = false;
      for (const button of ui.detail.querySelectorAll('button')) button.disabled = false;
      restoreFocus(key);
    }
  }

  ui.detailClose.addEventListener('click', closeDetail);
  ui.detail.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeDetail();
  });
  ui.formAssign.addEventListener('click', () => {
    const formId = ui.formChoice.value;
    if (!formId) {
      ui.detailError.textContent = t('fd.chooseForm');
      ui.formChoice.focus();
      return;
    }
    fix(`/api/documents/${openId}/form`, {form_id: formId}, 'fd.done.form', {});
  });
  ui.merge.addEventListener('click', () => {
    const from = Number(ui.mergeChoice.value);
    if (!from) {
      ui.detailError.textContent = t('fd.chooseDocument');
      ui.mergeChoice.focus();
      return;
    }
    if (!confirm(t('fd.confirmMerge', {from, id: openId}))) return;
    fix(`/api/documents/${openId}/merge`, {from}, 'fd.done.merge', {other: from});
  });

  // ---- start ----

  loadMe().then(async (me) => {
    csrfToken = me.csrf_token;
    ui.who.textContent = userText(me.user);
    try {
      forms = (await api('GET', '/api/forms')).forms;
    } catch (err) {
      ui.error.textContent = errorText(err);
    }
    refreshSoon(0);
  }, (err) => {
    ui.error.textContent = errorText(err);
  });
})();
