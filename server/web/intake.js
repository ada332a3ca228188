// The phone-intake page (/intake): choose or drop the CSV file typed during calls, upload it,
// and see each row's outcome: the document it became and its state, a duplicate, or the
// reason a row was refused, by line.
'use strict';

Adb.addStrings({
  ja: {
    'intake.title': '電話受付の取り込み — adbridge',
    'intake.heading': '電話受付の取り込み',
    'intake.upload': 'CSV ファイルを取り込む',
    'intake.lead': '電話を受けながら入力した CSV ファイルを選ぶか、ここに落としてください。1 行が 1 件の申請になります。',
    'intake.drop': 'ここに CSV ファイルをドラッグ＆ドロップ',
    'intake.choose': 'またはファイルを選ぶ',
    'intake.chosen': '選んだファイル: {name} ({size})',
    'intake.send': '取り込む',
    'intake.sample': '見本の CSV (形式の例) をダウンロード',
    'intake.formatTitle': 'ファイルの形式',
    'intake.formatEncoding': '文字コードは UTF-8 (BOM 付きでも可) か Shift_JIS (CP932)。Excel で保存したままで構いません。',
    'intake.formatForm': '1 行目は見出し。form 列に様式の ID (juminhyo-request など) を入れます。',
    'intake.formatFields': 'ほかの列の見出しは様式の項目名 (applicant_name など)。値は紙の申請と同じ規則で確かめます。',
    'intake.formatOptional': '任意の列: received_at (受付日時)、operator (受付者)、note (メモ)、uncertain (自信のない項目名を空白区切り)。',
    'intake.formatTwice': '同じファイルをもう一度取り込んでも、同じ行は増えません。',
    'intake.sending': '取り込んでいます…',
    'intake.resultHeading': '{name} の取り込み結果',
    'intake.summary': '{stored} 件を取り込みました (確認済み {verified} 件・確認待ち {review} 件)。重複 {duplicates} 件、取り込めなかった行 {malformed} 件。',
    'intake.stored': '新しく取り込んだ件数',
    'intake.verified': 'そのまま確認済み',
    'intake.inReview': '確認待ち (要確認の項目あり)',
    'intake.duplicates': '取り込み済み (重複)',
    'intake.malformed': '取り込めなかった行',
    'intake.errorsTitle': '取り込めなかった行と理由',
    'intake.rowsTitle': '取り込んだ行',
    'intake.line': '行',
    'intake.reason': '理由',
    'intake.document': '文書番号',
    'intake.state': '状態',
    'intake.lineText': '{line} 行目',
    'intake.state.verified': '確認済み',
    'intake.state.in_review': '確認待ち',
    'intake.state.received': '受付済み',
    'intake.duplicate': '取り込み済み (重複)',
    'intake.noFile': 'CSV ファイルを選んでください。',
    'intake.notCsv': 'CSV ファイル (.csv) を選んでください: {name}',
    'intake.tooLarge': 'ファイルが大きすぎます (8 MiB まで): {name}',
    'intake.notForRole': 'このページは窓口・監督者・管理者のためのページです。',
  },
  en: {
    'intake.title': 'Phone intake — adbridge',
    'intake.heading': 'Phone intake',
    'intake.upload': 'Upload a CSV file',
    'intake.lead': 'Choose or drop the CSV file you typed while taking calls. Each row becomes one application.',
    'intake.drop': 'Drag and drop a CSV file here',
    'intake.choose': 'or choose a file',
    'intake.chosen': 'Chosen: {name} ({size})',
    'intake.send': 'Upload',
    'intake.sample': 'Download a sample CSV (the format)',
    'intake.formatTitle': 'The file format',
    'intake.formatEncoding': 'UTF-8 (with or without BOM) or Shift_JIS (CP932); a file saved by Excel as it is.',
    'intake.formatForm': 'The first line is the header; the form column names the form (juminhyo-request, …).',
    'intake.formatFields': 'Other headers are the form’s field names (applicant_name, …); values are checked by the same rules as paper applications.',
    'intake.formatOptional': 'Optional columns: received_at, operator, note, and uncertain (field names you were not sure of, separated by spaces).',
    'intake.formatTwice': 'Uploading the same file again adds nothing.',
    'intake.sending': 'Uploading…',
    'intake.resultHeading': 'Result for {name}',
    'intake.summary': 'Stored {stored} ({verified} verified, {review} waiting for review); {duplicates} duplicates; {malformed} rows refused.',
    'intake.stored': 'Newly stored',
    'intake.verified': 'Verified at once',
    'intake.inReview': 'Waiting for review',
    'intake.duplicates': 'Already stored (duplicates)',
    'intake.malformed': 'Rows refused',
    'intake.errorsTitle': 'Rows refused, and why',
    'intake.rowsTitle': 'Rows stored',
    'intake.line': 'Line',
    'intake.reason': 'Reason',
    'intake.document': 'Document',
    'intake.state': 'State',
    'intake.lineText': 'line {line}',
    'intake.state.verified': 'verified',
    'intake.state.in_review': 'waiting for review',
    'intake.state.received': 'received',
    'intake.duplicate': 'already stored (duplicate)',
    'intake.noFile': 'Please choose a CSV file.',
    'intake.notCsv': 'Please choose a CSV file (.csv): {name}',
    'intake.tooLarge': 'The file is too large (8 MiB at most): {name}',
    'intake.notForRole': 'This page is for front-desk staff, supervisors and administrators.',
  },
});

(() => {
  const {t, send, loadMe, errorText, userText, el} = Adb;
  Adb.initPage('intake.title');

  const MAX_BYTES = 8 * 1024 * 1024;
  const $ = (id) => document.getElementById(id);
  const statusLine = $('status');
  const errorLine = $('error');
  const input = $('file');
  const button = $('upload-button');
  const drop = $('drop');
  let file = null;

  function showError(text) {
    statusLine.textContent = '';
    errorLine.textContent = text;
  }

  function sizeText(bytes) {
    return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
  }

  function choose(chosen) {
    errorLine.textContent = '';
    file = null;
    button.disabled = true;
    $('chosen').textContent = '';
    if (!chosen) return;
    if (!/\.csv$/i.test(chosen.name) && chosen.type !== 'text/csv') {
      showError(t('intake.notCsv', {name: chosen.name}));
      return;
    }
    if (chosen.size > MAX_BYTES) {
      showError(t('intake.tooLarge', {name: chosen.name}));
      return;
    }
    file = chosen;
    button.disabled = false;
    $('chosen').textContent = t('intake.chosen', {name: chosen.name, size: sizeText(chosen.size)});
  }

  input.addEventListener('change', () => choose(input.files[0]));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    choose(event.dataTransfer.files[0]);
  });

  function stateText(record) {
    return record.duplicate ? t('intake.duplicate') : t(`intake.state.${record.state}`);
  }

  function showResult(data) {
    const s = data.summary;
    $('result-heading').textContent = t('intake.resultHeading', {name: data.file});
    $('n-stored').textContent = s.stored;
    $('n-verified').textContent = s.verified;
    $('n-review').textContent = s.in_review;
    $('n-duplicates').textContent = s.duplicates;
    $('n-malformed').textContent = s.malformed;
    $('errors-block').hidden = data.errors.length === 0;
    $('errors').tBodies[0].replaceChildren(...data.errors.map((e) => el('tr', {},
        el('th', {scope: 'row', className: 'num'}, t('intake.lineText', {line: e.line})),
        el('td', {}, Adb.lang === 'en' ? e.reason_en : e.reason))));
    $('rows').tBodies[0].replaceChildren(...data.records.map((r) => el('tr',
        {className: r.duplicate ? 'duplicate' : r.state},
        el('th', {scope: 'row', className: 'num'}, t('intake.lineText', {line: r.line})),
        el('td', {className: 'num'}, String(r.document)),
        el('td', {}, stateText(r)))));
    $('result').hidden = false;
    statusLine.textContent = t('intake.summary', {
      stored: s.stored, verified: s.verified, review: s.in_review, duplicates: s.duplicates,
      malformed: s.malformed});
    $('result-heading').focus();
  }

  $('upload-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file) {
      showError(t('intake.noFile'));
      input.focus();
      return;
    }
    button.disabled = true;
    errorLine.textContent = '';
    statusLine.textContent = t('intake.sending');
    try {
      const response = await send('POST', `/api/intake/phone?name=${encodeURIComponent(file.name)}`,
                                  {body: file, contentType: 'text/csv'});
      showResult(await response.json());
    } catch (err) {
      showError(errorText(err));
    } finally {
      button.disabled = !file;
    }
  });

  loadMe().then((me) => {
    $('who').textContent = userText(me.user);
    if (!['frontdesk', 'supervisor', 'admin'].includes(me.user.role)) {
      showError(t('intake.notForRole'));
      button.hidden = true;
      return;
    }
    input.focus();
  }).catch((err) => showError(errorText(err)));
})();
