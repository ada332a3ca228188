// The department page (/department): a form's verified records, filterable and paged; exports
// of them (format, encoding, new since the last export) downloaded at once; letter batches
// made, downloaded and printed again; phone scripts downloaded. Supervisors may look; only
// department users and admins make files.
'use strict';

Adb.addStrings({
  ja: {
    'dept.title': '担当課 — adbridge',
    'dept.heading': '担当課',
    'dept.formHeading': '様式の選択',
    'dept.form': '様式',
    'dept.formOption': '{title} (確認済み {verified} 件・新着 {fresh} 件)',
    'dept.noForms': '登録された様式がありません。',
    'dept.countVerified': '確認済み',
    'dept.countReview': '確認中',
    'dept.countNew': '前回の書き出しから新着',
    'dept.lastExport': '前回の書き出し',
    'dept.lastExportText': '{at} ({by}、{documents} 件)',
    'dept.never': 'まだありません',
    'dept.records': '記録',
    'dept.search': '絞り込み',
    'dept.searchHint': '名前・住所・番号など',
    'dept.onlyNew': '新着のみ',
    'dept.showAny': '確認中も表示',
    'dept.applyFilter': '表示',
    'dept.recordsSummary': '{total} 件中 {from}–{to} 件目',
    'dept.recordsNone': '条件に合う記録はありません。',
    'dept.colDocument': '番号',
    'dept.colSource': '受付元',
    'dept.prev': '← 前へ',
    'dept.next': '次へ →',
    'dept.maskNote': '＊＊＊＊ は現地でだけ見られる項目 (個人番号など) です。画面では伏せ、検索の対象にもしません。',
    'dept.inReview': '確認中',
    'dept.export': '書き出し',
    'dept.format': '形式',
    'dept.formatCsv': 'CSV',
    'dept.formatJsonl': 'JSON Lines',
    'dept.encoding': '文字コード',
    'dept.encBom': 'UTF-8 (BOM 付き・Excel 向け)',
    'dept.encUtf8': 'UTF-8',
    'dept.encCp932': 'Shift_JIS (CP932・古い Windows 向け)',
    'dept.status': '対象',
    'dept.statusVerified': '確認済みの記録だけ',
    'dept.statusAny': '確認中の記録も (機械の読み取りのまま)',
    'dept.exportNew': '前回の書き出しから新着のみ',
    'dept.replace': 'Shift_JIS で書けない文字を〓にする',
    'dept.exportButton': '書き出してダウンロード',
    'dept.exportNote': '書き出したファイルには、画面で伏せている項目も入ります (adbridge export と同じ内容)。書き出しはあなたの名前で記録されます。',
    'dept.exported': '{documents} 件を書き出しました ({name})。',
    'dept.exportedReplaced': '{documents} 件を書き出しました ({name})。{replaced} 文字を〓にしました。',
    'dept.exportHistory': 'これまでの書き出し',
    'dept.historyItem': '{at} {by} — {documents} 件 ({format}, {encoding}{fresh})',
    'dept.historyNew': '、新着のみ',
    'dept.historyNone': 'まだ書き出していません。',
    'dept.letters': '手紙',
    'dept.template': '雛形',
    'dept.noTemplate': 'この様式の雛形はありません',
    'dept.largePrint': '大きな文字 (高齢の方向け)',
    'dept.lettersButton': '手紙の束を作る',
    'dept.lettersMade': '{letters} 通 ({pages} ページ) の手紙の束 #{id} を作りました。',
    'dept.lettersDownload': '手紙の束 #{id} の PDF をダウンロード',
    'dept.lettersNone': '手紙を待っている確認済みの記録はありません。',
    'dept.lettersSkipped': '{count} 件は手紙を作れませんでした:',
    'dept.skippedItem': '文書 {document}: {reason}',
    'dept.batches': 'これまでの手紙の束 (再印刷)',
    'dept.batchItem': '#{id} {at} {by} — {letters} 通 {pages} ページ{large}',
    'dept.batchLarge': '・大きな文字',
    'dept.batchPdf': 'PDF',
    'dept.batchPdfLabel': '手紙の束 #{id} の PDF',
    'dept.batchesNone': 'まだ作っていません。',
    'dept.scripts': '電話台本',
    'dept.scriptFormat': '形式',
    'dept.scriptText': 'テキスト',
    'dept.scriptsButton': '電話台本をダウンロード',
    'dept.scriptsMade': '{scripts} 件の電話台本をダウンロードしました ({name})。',
    'dept.scriptsSkipped': '{skipped} 件は作れませんでした。',
    'dept.working': '作っています…',
    'dept.readOnly': '監督者は見ることだけができます。書き出しや手紙は担当課の利用者が作ります。',
    'dept.notForRole': 'このページは担当課・監督者・管理者のためのページです。',
  },
  en: {
    'dept.title': 'Department — adbridge',
    'dept.heading': 'Department',
    'dept.formHeading': 'Choose a form',
    'dept.form': 'Form',
    'dept.formOption': '{title} ({verified} verified, {fresh} new)',
    'dept.noForms': 'No form is registered.',
    'dept.countVerified': 'Verified',
    'dept.countReview': 'In review',
    'dept.countNew': 'New since the last export',
    'dept.lastExport': 'Last export',
    'dept.lastExportText': '{at} ({by}, {documents} records)',
    'dept.never': 'none yet',
    'dept.records': 'Records',
    'dept.search': 'Filter',
    'dept.searchHint': 'name, address, number…',
    'dept.onlyNew': 'New only',
    'dept.showAny': 'Include records in review',
    'dept.applyFilter': 'Show',
    'dept.recordsSummary': '{from}–{to} of {total}',
    'dept.recordsNone': 'No record matches.',
    'dept.colDocument': 'No.',
    'dept.colSource': 'Source',
    'dept.prev': '← Previous',
    'dept.next': 'Next →',
    'dept.maskNote': '＊＊＊＊ marks fields seen only on site (My Number and the like): hidden on screen and never searched.',
    'dept.inReview': 'in review',
    'dept.export': 'Export',
    'dept.format': 'Format',
    'dept.formatCsv': 'CSV',
    'dept.formatJsonl': 'JSON Lines',
    'dept.encoding': 'Encoding',
    'dept.encBom': 'UTF-8 with BOM (for Excel)',
    'dept.encUtf8': 'UTF-8',
    'dept.encCp932': 'Shift_JIS (CP932, older Windows systems)',
    'dept.status': 'Records',
    'dept.statusVerified': 'verified records only',
    'dept.statusAny': 'records in review too (machine readings)',
    'dept.exportNew': 'only new since the last export',
    'dept.replace': 'write 〓 for characters Shift_JIS lacks',
    'dept.exportButton': 'Export and download',
    'dept.exportNote': 'The file holds the fields hidden on screen too (as adbridge export does). The export is recorded under your name.',
    'dept.exported': 'Exported {documents} records ({name}).',
    'dept.exportedReplaced': 'Exported {documents} records ({name}); {replaced} characters written as 〓.',
    'dept.exportHistory': 'Earlier exports',
    'dept.historyItem': '{at} {by} — {documents} records ({format}, {encoding}{fresh})',
    'dept.historyNew': ', new only',
    'dept.historyNone': 'No export yet.',
    'dept.letters': 'Letters',
    'dept.template': 'Template',
    'dept.noTemplate': 'no template for this form',
    'dept.largePrint': 'Large print (for older residents)',
    'dept.lettersButton': 'Make a batch of letters',
    'dept.lettersMade': 'Made letter batch #{id}: {letters} letters, {pages} pages.',
    'dept.lettersDownload': 'Download the PDF of batch #{id}',
    'dept.lettersNone': 'No verified record is waiting for a letter.',
    'dept.lettersSkipped': '{count} records got no letter:',
    'dept.skippedItem': 'document {document}: {reason}',
    'dept.batches': 'Earlier batches (reprint)',
    'dept.batchItem': '#{id} {at} {by} — {letters} letters, {pages} pages{large}',
    'dept.batchLarge': ', large print',
    'dept.batchPdf': 'PDF',
    'dept.batchPdfLabel': 'PDF of letter batch #{id}',
    'dept.batchesNone': 'No batch yet.',
    'dept.scripts': 'Phone scripts',
    'dept.scriptFormat': 'Format',
    'dept.scriptText': 'text',
    'dept.scriptsButton': 'Download phone scripts',
    'dept.scriptsMade': 'Downloaded {scripts} phone scripts ({name}).',
    'dept.scriptsSkipped': '{skipped} records could have none.',
    'dept.working': 'Working…',
    'dept.readOnly': 'Supervisors may look only; department users make exports and letters.',
    'dept.notForRole': 'This page is for department users, supervisors and administrators.',
  },
});

(() => {
  const {t, api, send, downloadName, saveBlob, loadMe, errorText, userText, el,
         formatDateTime} = Adb;
  Adb.initPage('dept.title');

  const PAGE = 20;
  const $ = (id) => document.getElementById(id);
  const statusLine = $('status');
  const errorLine = $('error');
  const formSelect = $('form');
  let forms = [];
  let templates = [];
  let offset = 0;
  let total = 0;

  function say(text) {
    errorLine.textContent = '';
    statusLine.textContent = text;
  }
  function sayError(err) {
    statusLine.textContent = '';
    errorLine.textContent = errorText(err);
  }
  const current = () => forms.find((f) => f.id === formSelect.value);

  // ---- forms and counts ----

  async function loadForms() {
    const data = await api('GET', '/api/department/forms');
    forms = data.forms;
    templates = data.templates;
    const chosen = formSelect.value;
    formSelect.replaceChildren(...forms.map((f) => el('option', {value: f.id},
        t('dept.formOption', {title: f.title, verified: f.verified, fresh: f.new}))));
    if (!forms.length) {
      say(t('dept.noForms'));
      return;
    }
    // The form chosen before, else the one with the most new records.
    const best = forms.reduce((a, b) => (b.new > a.new ? b : a));
    formSelect.value = forms.some((f) => f.id === chosen) ? chosen : best.id;
    showCounts();
  }

  function showCounts() {
    const form = current();
    if (!form) return;
    $('count-verified').textContent = form.verified;
    $('count-review').textContent = form.in_review;
    $('count-new').textContent = form.new;
    const last = form.last_export;
    $('last-export').textContent = last
      ? t('dept.lastExportText', {at: formatDateTime(last.created_at), by: last.requested_by,
                                  documents: last.documents})
      : t('dept.never');
    fillTemplates('letter-template', 'letter');
    fillTemplates('script-template', 'script');
  }

  function fillTemplates(id, kind) {
    const select = $(id);
    const mine = templates.filter((tp) => tp.kind === kind && tp.form === formSelect.value);
    select.replaceChildren(...mine.map((tp) => el('option', {value: tp.id}, `${tp.title} (${tp.id})`)));
    if (!mine.length) select.append(el('option', {value: ''}, t('dept.noTemplate')));
    select.disabled = !mine.length;
    const button = $(kind === 'letter' ? 'letters-button' : 'scripts-button');
    button.disabled = !mine.length || !mayMake;
  }

  // ---- records ----

  async function loadRecords() {
    const form = current();
    if (!form) return;
    const params = new URLSearchParams({form: form.id, limit: PAGE, offset});
    const q = $('q').value.trim();
    if (q) params.set('q', q);
    if ($('only-new').checked) params.set('new', '1');
    if ($('show-any').checked) params.set('status', 'any');
    const data = await api('GET', `/api/department/records?${params}`);
    total = data.total;
    const head = el('tr', {},
        el('th', {scope: 'col', className: 'num'}, t('dept.colDocument')),
        el('th', {scope: 'col'}, t('dept.colSource')),
        ...data.columns.map((c) => el('th', {scope: 'col'}, c.label)));
    $('records').tHead.replaceChildren(head);
    const rows = data.records.map((r) => {
      const cells = data.columns.map((c) => {
        const field = r.fields[c.name];
        const value = field && field.value !== null ? field.value : '';
        const cell = el('td', {}, value);
        if (c.masked) cell.className = 'masked';
        if (field && field.state === 'needs_review') cell.className = 'pending';
        return cell;
      });
      const id = el('th', {scope: 'row', className: 'num'}, String(r.id));
      if (r.state !== 'verified') id.append(' ', el('span', {className: 'badge'}, t('dept.inReview')));
      // The file's own name and line; the folder it was read from is in the tooltip.
      const source = el('td', {className: 'source', title: r.source_name},
                        r.source_name.replace(/^.*[\\/]/, ''));
      return el('tr', {}, id, source, ...cells);
    });
    $('records').tBodies[0].replaceChildren(...rows);
    $('records-summary').textContent = total === 0 ? t('dept.recordsNone')
        : t('dept.recordsSummary', {total, from: offset + 1, to: offset + data.records.length});
    $('prev').disabled = offset === 0;
    $('next').disabled = offset + PAGE >= total;
  }

  // ---- histories ----

  async function loadExports() {
    const form = current();
    if (!form) return;
    const data = await api('GET', `/api/department/exports?form=${encodeURIComponent(form.id)}`);
    const list = $('export-history');
    list.replaceChildren(...data.exports.slice(0, 5).map((e) => el('li', {}, t('dept.historyItem', {
      at: formatDateTime(e.created_at), by: e.requested_by, documents: e.documents,
      format: e.format, encoding: e.encoding, fresh: e.new ? t('dept.historyNew') : ''}))));
    if (!data.exports.length) list.append(el('li', {className: 'muted'}, t('dept.historyNone')));
  }

  async function loadBatches() {
    const data = await api('GET', '/api/department/letters/batches');
    const form = current();
    const mine = data.batches.filter((b) => !form || b.form === form.id).slice(0, 8);
    const list = $('batches');
    list.replaceChildren(...mine.map((b) => el('li', {},
        t('dept.batchItem', {id: b.id, at: formatDateTime(b.created_at), by: b.requested_by,
                             letters: b.letters, pages: b.pages,
                             large: b.large_print ? t('dept.batchLarge') : ''}),
        ' ',
        el('a', {href: b.download_url, download: '', ariaLabel: t('dept.batchPdfLabel', {id: b.id})},
           t('dept.batchPdf')))));
    if (!mine.length) list.append(el('li', {className: 'muted'}, t('dept.batchesNone')));
  }

  async function refreshAll() {
    await loadForms();
    await Promise.all([loadRecords(), loadExports(), loadBatches()]);
  }

  // ---- making files ----

  // Runs `work` with `button` disabled and the page saying it is working; errors are shown.
  async function busy(button, work) {
    button.disabled = true;
    say(t('dept.working'));
    try {
      await work();
    } catch (err) {
      sayError(err);
    } finally {
      button.disabled = false;
    }
  }

  $('export-form').addEventListener('submit', (event) => {
    event.preventDefault();
    busy($('export-button'), async () => {
      const response = await send('POST', '/api/department/exports', {json: {
        form: formSelect.value,
        format: $('export-format').value,
        encoding: $('export-format').value === 'jsonl' ? 'utf-8' : $('export-encoding').value,
        status: $('export-status').value,
        new: $('export-new').checked,
        replace_unmappable: $('export-replace').checked,
      }});
      const name = downloadName(response, 'export.csv');
      saveBlob(await response.blob(), name);
      const documents = response.headers.get('X-Adbridge-Documents');
      const replaced = Number(response.headers.get('X-Adbridge-Replaced') || 0);
      await refreshAll();
      say(t(replaced ? 'dept.exportedReplaced' : 'dept.exported', {documents, name, replaced}));
    });
  });

  // JSON Lines is always UTF-8.
  $('export-format').addEventListener('change', () => {
    $('export-encoding').disabled = $('export-format').value === 'jsonl';
  });

  $('letters-form').addEventListener('submit', (event) => {
    event.preventDefault();
    busy($('letters-button'), async () => {
      const data = await api('POST', '/api/department/letters', {
        template: $('letter-template').value, large_print: $('large-print').checked});
      const result = $('letters-result');
      result.replaceChildren();
      if (data.batch) {
        const b = data.batch;
        result.append(t('dept.lettersMade', {id: b.id, letters: b.letters, pages: b.pages}), ' ',
                      el('a', {href: b.download_url, download: '', id: 'letters-download'},
                         t('dept.lettersDownload', {id: b.id})));
      } else if (!data.skipped.length) {
        result.append(t('dept.lettersNone'));
      }
      if (data.skipped.length) {
        result.append(el('span', {className: 'skipped'}, t('dept.lettersSkipped', {count: data.skipped.length})),
                      el('ul', {}, ...data.skipped.map((s) => el('li', {}, t('dept.skippedItem', {
                        document: s.document, reason: Adb.lang === 'en' ? s.reason_en : s.reason})))));
      }
      await refreshAll();
      say(data.batch ? t('dept.lettersMade', {id: data.batch.id, letters: data.batch.letters,
                                              pages: data.batch.pages})
                     : t('dept.lettersNone'));
      const link = document.getElementById('letters-download');
      if (link) link.focus();
    });
  });

  $('scripts-form').addEventListener('submit', (event) => {
    event.preventDefault();
    busy($('scripts-button'), async () => {
      const format = document.querySelector('input[name="script-format"]:checked').value;
      const response = await send('POST', '/api/department/scripts', {json: {
        template: $('script-template').value, format}});
      const name = downloadName(response, format === 'pdf' ? 'scripts.pdf' : 'scripts.txt');
      saveBlob(await response.blob(), name);
      const skipped = Number(response.headers.get('X-Adbridge-Skipped') || 0);
      const text = t('dept.scriptsMade', {scripts: response.headers.get('X-Adbridge-Scripts'), name}) +
                   (skipped ? ` ${t('dept.scriptsSkipped', {skipped})}` : '');
      $('scripts-result').textContent = text;
      say(text);
    });
  });

  // ---- filtering and paging ----

  $('filter').addEventListener('submit', (event) => {
    event.preventDefault();
    offset = 0;
    loadRecords().catch(sayError);
  });
  for (const box of [$('only-new'), $('show-any')]) {
    box.addEventListener('change', () => {
      offset = 0;
      loadRecords().catch(sayError);
    });
  }
  $('prev').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    loadRecords().catch(sayError);
  });
  $('next').addEventListener('click', () => {
    offset += PAGE;
    loadRecords().catch(sayError);
  });
  formSelect.addEventListener('change', () => {
    offset = 0;
    $('letters-result').textContent = '';
    $('scripts-result').textContent = '';
    showCounts();
    Promise.all([loadRecords(), loadExports(), loadBatches()]).catch(sayError);
  });

  let mayMake = false;
  loadMe().then(async (me) => {
    $('who').textContent = userText(me.user);
    const role = me.user.role;
    if (!['department', 'admin', 'supervisor'].includes(role)) {
      sayError(new Adb.ApiError(403, {error: {message: t('dept.notForRole'), message_en: t('dept.notForRole')}}));
      return;
    }
    mayMake = role !== 'supervisor';
    for (const id of ['export-button']) $(id).disabled = !mayMake;
    if (!mayMake) say(t('dept.readOnly'));
    await refreshAll();
    formSelect.focus();
  }).catch(sayError);
})();
