// adbridge's shared page code: the words of every page in Japanese and English, the fetch
// helper that carries the CSRF token and turns API errors into messages, and the header
// controls (language switch, log out) every page has. No framework, no build step.
'use strict';

const Adb = (() => {
  const lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'ja';

  // Every string the pages show. Keys are grouped by page; {name} is filled in by t().
  const STRINGS = {
    ja: {
      'app.name': 'adbridge',
      'common.langSwitch': 'English',
      'common.toIntake': '電話受付の取り込みへ',
      'common.toFrontdesk': '窓口のページへ',
      'common.logout': 'ログアウト',
      'common.skipToMain': '本文へ移動',
      'common.networkError': 'サーバーにつながりません。しばらくしてからもう一度試してください。',
      'common.unknownError': '予期しないエラーです (HTTP {status})。',
      'common.loading': '読み込んでいます…',
      'common.user': '{display} さん ({role})',

      'role.admin': '管理者',
      'role.supervisor': '監督者',
      'role.frontdesk': '窓口',
      'role.reviewer': '確認作業者',
      'role.department': '担当課',

      'type.text': '文字',
      'type.kana': 'カナ',
      'type.digits': '数字',
      'type.integer': '整数',
      'type.date': '日付',
      'type.postal_code': '郵便番号',
      'type.phone': '電話番号',
      'type.checkbox': 'チェック欄',
      'type.choice': '選択肢',

      'login.title': 'ログイン — adbridge',
      'login.heading': 'adbridge にログイン',
      'login.lead': '紙や電話の申請を確かなデジタルの記録にする仕事の入口です。',
      'login.name': 'ユーザー名',
      'login.password': 'パスワード',
      'login.submit': 'ログイン',
      'login.sending': 'ログインしています…',
      'login.missing': 'ユーザー名とパスワードを入力してください。',
      'landing.title': 'ようこそ — adbridge',
      'landing.heading': 'ようこそ',
      'landing.pages': 'この役割で使えるページは、まだありません。',
      'fd.title': '窓口 — adbridge',
      'fd.heading': '窓口',
      'fd.updated': '{time} に更新',
      'fd.upload': 'スキャンを取り込む',
      'fd.drop': 'ここにファイルをドロップ、または押してファイルを選ぶ',
      'fd.dropHint': 'PNG・JPEG・TIFF (複数ページ可)。いくつでもまとめて選べます。',
      'fd.dropActive': 'ここで離すと取り込みます',
      'fd.sending': '送っています… {percent}%',
      'fd.waiting': '順番を待っています',
      'fd.stored': '取り込みました: 文書 {id}',
      'fd.duplicate': '重複: 文書 {id} と同じファイルです',
      'fd.uploadFailed': '取り込めません: {reason}',
      'fd.uploadDone': '{count} 件のうち {ok} 件を取り込みました。',
      'fd.documents': '文書',
      'fd.documentsEmpty': 'まだ文書はありません。',
      'fd.colId': '番号',
      'fd.colName': 'ファイル',
      'fd.colForm': '様式',
      'fd.colPages': 'ページ',
      'fd.colState': '状態',
      'fd.colOpen': '確認待ち項目',
      'fd.colUpdated': '更新',
      'fd.noForm': '(未判別)',
      'fd.open': '文書 {id} を開く',
      'fd.state.received': '読み取り待ち',
      'fd.state.processing': '読み取り中',
      'fd.state.in_review': '確認待ち',
      'fd.state.verified': '確認済み',
      'fd.state.failed': '失敗',
      'fd.duplicateBadge': '重複',
      'fd.changed': '文書 {id} ({name}): {state}',
      'fd.detailHeading': '文書 {id}: {name}',
      'fd.close': '閉じる',
      'fd.failure': '失敗の理由: {reason}',
      'fd.classification': '様式の判別が必要です: {reason}',
      'fd.form': '様式',
      'fd.formNone': '— 様式を選ぶ —',
      'fd.assignForm': 'この様式にする',
      'fd.pages': 'ページ',
      'fd.page': '{n} 枚目',
      'fd.pageAlt': '{n} 枚目の縮小画像',
      'fd.outcome.identified': '読み取り済み',
      'fd.outcome.blank': '白紙',
      'fd.outcome.unknown': '様式が分かりません',
      'fd.outcome.ambiguous': '様式が 2 つ以上に当たります',
      'fd.outcome.unregistrable': '位置を合わせられません',
      'fd.outcome.extra': '余分なページ',
      'fd.rotateLeft': '⟲ 左に回す',
      'fd.rotateRight': '⟳ 右に回す',
      'fd.rotateLeftLabel': '{n} 枚目を左に 90° 回す',
      'fd.rotateRightLabel': '{n} 枚目を右に 90° 回す',
      'fd.remove': 'このページを除く',
      'fd.removeLabel': '{n} 枚目を除く',
      'fd.split': 'ここで分ける',
      'fd.splitLabel': '{n} 枚目から別の文書にする',
      'fd.mergeWith': 'ほかの文書を後ろに合わせる',
      'fd.mergeNone': '— 文書を選ぶ —',
      'fd.merge': '合わせる',
      'fd.confirmRemove': '{n} 枚目を文書 {id} から除きます。よろしいですか。',
      'fd.confirmSplit': '文書 {id} を {n} 枚目の前で 2 つに分けます。よろしいですか。',
      'fd.confirmMerge': '文書 {from} のページを文書 {id} の後ろに合わせ、文書 {from} はなくなります。よろしいですか。',
      'fd.chooseForm': '様式を選んでください。',
      'fd.chooseDocument': '合わせる文書を選んでください。',
      'fd.done.form': '様式を「{title}」にしました。読み取り直します。',
      'fd.done.rotate': '{n} 枚目を回しました。読み取り直します。',
      'fd.done.remove': '{n} 枚目を除きました。読み取り直します。',
      'fd.done.split': '{n} 枚目からを文書 {other} にしました。読み取り直します。',
      'fd.done.merge': '文書 {other} を合わせました。読み取り直します。',

      'review.title': '確認作業 — adbridge',
      'review.heading': '確認作業',
      'review.today': '今日 {entries} 件・{time}',
      'review.filter': '項目の種類',
      'review.filterAll': 'すべて',
      'review.toSupervisor': '監督者のページ',
      'review.form': '様式',
      'review.valueLabel': '「{label}」の値',
      'review.blind': '二重入力: 画像だけを見て入力してください',
      'review.blindPlaceholder': '画像を見て入力',
      'review.phoneNote': '電話受付のメモ',
      'review.noSnippet': '画像はありません (電話で受けた申請です)。',
      'review.snippetAlt': '「{label}」の記入欄の画像',
      'review.snippetFailed': '画像を読み込めませんでした。スキップ (Alt+S) してください。',
      'review.optionsHint': '番号・値・表示名のどれでも入力できます。↑↓ で選べます。',
      'review.optionResolved': '→ {n}. {label} ({value})',
      'review.optionUnknown': 'どの選択肢にも当たりません。',
      'review.checkboxOn': '印あり',
      'review.checkboxOff': '印なし',
      'review.keyAccept': '確定 (入力した値で)',
      'review.keyConfirm': '規則に合わない値をそのまま確定',
      'review.keyUnreadable': '読めない',
      'review.keySkip': 'スキップ',
      'review.keyEscalate': '監督者に相談',
      'review.emptyTitle': '確認待ちの項目はありません',
      'review.emptyBody': '数秒ごとに確かめています。新しい項目が来たらここに表示します。',
      'review.emptyStatus': '確認待ちの項目はありません。',
      'review.shown': '次は「{label}」({type}) です。',
      'review.first': '「{label}」({type}) です。',
      'review.result.verified': '確定しました。',
      'review.result.recorded': '1 人目の入力として記録しました。',
      'review.result.disagreement': 'もう 1 人の入力と違うため、監督者が判断します。',
      'review.result.unreadable': '読めないとして記録しました。',
      'review.result.skipped': 'スキップしました。',
      'review.result.escalated': '監督者に回しました。',
      'review.docVerified': 'この書類の確認がすべて終わりました。',
      'review.refusedConfirm': '{reason} このまま確定するには Ctrl+Enter を押してください。',
      'review.refused': '{reason} 値を直してください。',
      'review.leaseLost': 'この項目は時間切れか、ほかで処理済みです。次の項目を出しました。',
      'review.filtered': '絞り込み: {type}',

      'sup.title': '監督 — adbridge',
      'sup.heading': '監督',
      'sup.toReview': '確認作業のページ',
      'sup.updated': '{time} に更新 (10 秒ごと)',
      'sup.queue': '確認待ちの件数',
      'sup.queueForm': '様式',
      'sup.queueType': '項目の種類',
      'sup.queueOpen': '待ち',
      'sup.queueLeased': '作業中',
      'sup.queueEscalated': '監督者待ち',
      'sup.queueTotal': '合計',
      'sup.queueEmpty': '待っている項目はありません。',
      'sup.cases': '判断が必要な項目 (相談と不一致)',
      'sup.casesEmpty': '判断が必要な項目はありません。',
      'sup.caseOcr': '機械の読み取り',
      'sup.caseReason': '理由',
      'sup.caseEntries': '入力の記録',
      'sup.entryUser': '作業者',
      'sup.entryAction': '操作',
      'sup.entryValue': '値',
      'sup.entryNote': 'メモ',
      'sup.entryAt': '時刻',
      'sup.action.submit': '入力',
      'sup.action.unreadable': '読めない',
      'sup.action.skip': 'スキップ',
      'sup.action.escalate': '相談',
      'sup.action.decide': '判断',
      'sup.decideLabel': '確定する値',
      'sup.decide': 'この値で確定 (Enter)',
      'sup.decideUnreadable': '読めないとする',
      'sup.useValue': '「{value}」を入れる',
      'sup.decided': '「{label}」を確定しました。',
      'sup.decidedUnreadable': '「{label}」を読めないとしました。',
      'sup.reviewers': '作業者ごとの今日の実績',
      'sup.revName': '作業者',
      'sup.revEntries': '件数',
      'sup.revHours': '時間',
      'sup.revPerHour': '件/時',
      'sup.revGold': '確認用問題 (正解/出題)',
      'sup.revAccuracy': '正解率',
      'sup.reviewersEmpty': '今日はまだ誰も作業していません。',
      'sup.none': '—',
      'sup.empty': '(空)',
    },
    en: {
      'app.name': 'adbridge',
      'common.langSwitch': '日本語',
      'common.toIntake': 'Phone intake',
      'common.toFrontdesk': 'Front desk',
      'common.logout': 'Log out',
      'common.skipToMain': 'Skip to main content',
      'common.networkError': 'The server cannot be reached. Please try again in a moment.',
      'common.unknownError': 'Unexpected error (HTTP {status}).',
      'common.loading': 'Loading…',
      'common.user': '{display} ({role})',

      'role.admin': 'administrator',
      'role.supervisor': 'supervisor',
      'role.frontdesk': 'front desk',
      'role.reviewer': 'reviewer',
      'role.department': 'department',

      'type.text': 'text',
      'type.kana': 'kana',
      'type.digits': 'digits',
      'type.integer': 'integer',
      'type.date': 'date',
      'type.postal_code': 'postal code',
      'type.phone': 'phone',
      'type.checkbox': 'checkbox',
      'type.choice': 'choice',

      'login.title': 'Log in — adbridge',
      'login.heading': 'Log in to adbridge',
      'login.lead': 'Paper and phone applications, turned into verified digital records.',
      'login.name': 'User name',
      'login.password': 'Password',
      'login.submit': 'Log in',
      'login.sending': 'Logging in…',
      'login.missing': 'Please enter your user name and password.',
      'landing.title': 'Welcome — adbridge',
      'landing.heading': 'Welcome',
      'landing.pages': 'There are no pages for this role yet.',
      'fd.title': 'Front desk — adbridge',
      'fd.heading': 'Front desk',
      'fd.updated': 'Updated {time}',
      'fd.upload': 'Scan in applications',
      'fd.drop': 'Drop files here, or press to choose files',
      'fd.dropHint': 'PNG, JPEG or TIFF (multi-page too). Choose as many as you like at once.',
      'fd.dropActive': 'Release to upload',
      'fd.sending': 'Sending… {percent}%',
      'fd.waiting': 'Waiting its turn',
      'fd.stored': 'Stored: document {id}',
      'fd.duplicate': 'Duplicate: the same file as document {id}',
      'fd.uploadFailed': 'Not stored: {reason}',
      'fd.uploadDone': 'Stored {ok} of {count} files.',
      'fd.documents': 'Documents',
      'fd.documentsEmpty': 'No documents yet.',
      'fd.colId': 'No.',
      'fd.colName': 'File',
      'fd.colForm': 'Form',
      'fd.colPages': 'Pages',
      'fd.colState': 'State',
      'fd.colOpen': 'Fields to review',
      'fd.colUpdated': 'Updated',
      'fd.noForm': '(not identified)',
      'fd.open': 'Open document {id}',
      'fd.state.received': 'waiting to be read',
      'fd.state.processing': 'being read',
      'fd.state.in_review': 'in review',
      'fd.state.verified': 'verified',
      'fd.state.failed': 'failed',
      'fd.duplicateBadge': 'duplicate',
      'fd.changed': 'Document {id} ({name}): {state}',
      'fd.detailHeading': 'Document {id}: {name}',
      'fd.close': 'Close',
      'fd.failure': 'Why it failed: {reason}',
      'fd.classification': 'The form must be chosen: {reason}',
      'fd.form': 'Form',
      'fd.formNone': '— choose a form —',
      'fd.assignForm': 'Use this form',
      'fd.pages': 'Pages',
      'fd.page': 'Page {n}',
      'fd.pageAlt': 'Thumbnail of page {n}',
      'fd.outcome.identified': 'read',
      'fd.outcome.blank': 'blank',
      'fd.outcome.unknown': 'form not recognised',
      'fd.outcome.ambiguous': 'matches more than one form',
      'fd.outcome.unregistrable': 'could not be aligned',
      'fd.outcome.extra': 'extra page',
      'fd.rotateLeft': '⟲ Turn left',
      'fd.rotateRight': '⟳ Turn right',
      'fd.rotateLeftLabel': 'Turn page {n} left by 90°',
      'fd.rotateRightLabel': 'Turn page {n} right by 90°',
      'fd.remove': 'Remove page',
      'fd.removeLabel': 'Remove page {n}',
      'fd.split': 'Split here',
      'fd.splitLabel': 'Make page {n} onwards a document of its own',
      'fd.mergeWith': 'Append another document',
      'fd.mergeNone': '— choose a document —',
      'fd.merge': 'Merge',
      'fd.confirmRemove': 'Remove page {n} from document {id}?',
      'fd.confirmSplit': 'Split document {id} in two before page {n}?',
      'fd.confirmMerge': 'Append the pages of document {from} to document {id}? Document {from} will be gone.',
      'fd.chooseForm': 'Please choose a form.',
      'fd.chooseDocument': 'Please choose the document to merge.',
      'fd.done.form': 'The form is now “{title}”. It will be read again.',
      'fd.done.rotate': 'Page {n} turned. It will be read again.',
      'fd.done.remove': 'Page {n} removed. It will be read again.',
      'fd.done.split': 'Page {n} onwards is now document {other}. Both will be read again.',
      'fd.done.merge': 'Document {other} merged in. It will be read again.',

      'review.title': 'Review — adbridge',
      'review.heading': 'Review',
      'review.today': 'Today: {entries} entries, {time}',
      'review.filter': 'Field type',
      'review.filterAll': 'all',
      'review.toSupervisor': 'Supervisor page',
      'review.form': 'Form',
      'review.valueLabel': 'Value of “{label}”',
      'review.blind': 'Double entry: type what the image shows',
      'review.blindPlaceholder': 'type what the image shows',
      'review.phoneNote': 'Phone operator’s note',
      'review.noSnippet': 'No image (this application was taken by phone).',
      'review.snippetAlt': 'Image of the field “{label}”',
      'review.snippetFailed': 'The image could not be loaded. Please skip (Alt+S).',
      'review.optionsHint': 'Type an option’s number, value or label, or pick one with ↑↓.',
      'review.optionResolved': '→ {n}. {label} ({value})',
      'review.optionUnknown': 'This matches no option.',
      'review.checkboxOn': 'marked',
      'review.checkboxOff': 'not marked',
      'review.keyAccept': 'accept the value in the box',
      'review.keyConfirm': 'confirm a value that breaks the rules',
      'review.keyUnreadable': 'unreadable',
      'review.keySkip': 'skip',
      'review.keyEscalate': 'ask a supervisor',
      'review.emptyTitle': 'Nothing is waiting for review',
      'review.emptyBody': 'Checking again every few seconds; a new task will appear here.',
      'review.emptyStatus': 'Nothing is waiting for review.',
      'review.shown': 'Next: “{label}” ({type}).',
      'review.first': '“{label}” ({type}).',
      'review.result.verified': 'Saved.',
      'review.result.recorded': 'Recorded as the first of two entries.',
      'review.result.disagreement': 'Differs from the other entry; a supervisor will decide.',
      'review.result.unreadable': 'Recorded as unreadable.',
      'review.result.skipped': 'Skipped.',
      'review.result.escalated': 'Sent to a supervisor.',
      'review.docVerified': 'The document is now fully verified.',
      'review.refusedConfirm': '{reason} Press Ctrl+Enter to confirm this value as it is.',
      'review.refused': '{reason} Please correct the value.',
      'review.leaseLost': 'That task ran out of time or was settled elsewhere; here is the next one.',
      'review.filtered': 'Showing: {type}',

      'sup.title': 'Supervisor — adbridge',
      'sup.heading': 'Supervisor',
      'sup.toReview': 'Review page',
      'sup.updated': 'Updated {time} (every 10 s)',
      'sup.queue': 'Waiting for review',
      'sup.queueForm': 'Form',
      'sup.queueType': 'Field type',
      'sup.queueOpen': 'Open',
      'sup.queueLeased': 'In progress',
      'sup.queueEscalated': 'For a supervisor',
      'sup.queueTotal': 'Total',
      'sup.queueEmpty': 'Nothing is waiting.',
      'sup.cases': 'To settle (escalations and disagreements)',
      'sup.casesEmpty': 'Nothing to settle.',
      'sup.caseOcr': 'Machine reading',
      'sup.caseReason': 'Reason',
      'sup.caseEntries': 'Entries',
      'sup.entryUser': 'Reviewer',
      'sup.entryAction': 'Action',
      'sup.entryValue': 'Value',
      'sup.entryNote': 'Note',
      'sup.entryAt': 'Time',
      'sup.action.submit': 'entered',
      'sup.action.unreadable': 'unreadable',
      'sup.action.skip': 'skipped',
      'sup.action.escalate': 'escalated',
      'sup.action.decide': 'decided',
      'sup.decideLabel': 'Value to settle',
      'sup.decide': 'Settle with this value (Enter)',
      'sup.decideUnreadable': 'Mark unreadable',
      'sup.useValue': 'Use “{value}”',
      'sup.decided': 'Settled “{label}”.',
      'sup.decidedUnreadable': 'Marked “{label}” unreadable.',
      'sup.reviewers': 'Reviewers today',
      'sup.revName': 'Reviewer',
      'sup.revEntries': 'Entries',
      'sup.revHours': 'Hours',
      'sup.revPerHour': 'Tasks/hour',
      'sup.revGold': 'Known-answer tasks (right/total)',
      'sup.revAccuracy': 'Accuracy',
      'sup.reviewersEmpty': 'No one has worked today yet.',
      'sup.none': '—',
      'sup.empty': '(empty)',
    },
  };

  // Adds a page's own strings ({ja: {...}, en: {...}}); call before initPage.
  function addStrings(more) {
    for (const language of Object.keys(STRINGS)) Object.assign(STRINGS[language], more[language] || {});
  }

  // The string `key` in the page's language with {name} replaced from `vars`.
  function t(key, vars = {}) {
    const s = STRINGS[lang][key] ?? STRINGS.ja[key] ?? key;
    return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }

  // Fills every element marked data-i18n (text), data-i18n-placeholder and data-i18n-aria-label.
  function applyI18n(root = document) {
    document.documentElement.lang = lang;
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    }
    for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
      el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
    }
  }

  // A path of this site in the page's language.
  function href(path) {
    return lang === 'en' ? `${path}?lang=en` : path;
  }

  // An answer of the API other than 2xx, with the message in the page's language.
  class ApiError extends Error {
    constructor(status, body) {
      const err = (body && body.error) || {};
      const text = (lang === 'en' ? err.message_en : err.message) || err.message || err.message_en;
      super(text || (status === 0 ? t('common.networkError') : t('common.unknownError', {status})));
      this.status = status;
      this.code = err.code || '';
      this.body = body || {};
      this.canConfirm = Boolean(body && body.can_confirm);
    }
  }

  let csrfToken = '';

  // Calls the API and returns {data, response}. A POST carries the CSRF token. Throws
  // ApiError for an error answer (status 0: the server could not be reached). A 401 takes the
  // browser back to the log-in page unless `stayOn401`.
  async function call(method, path, body, {stayOn401 = false} = {}) {
    const headers = {Accept: 'application/json'};
    const init = {method, headers, credentials: 'same-origin'};
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
      init.body = JSON.stringify(body ?? {});
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, null);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (response.status === 401 && !stayOn401) {
      location.assign(href('/'));
      throw new ApiError(401, data);
    }
    if (!response.ok) throw new ApiError(response.status, data);
    if (data && typeof data.csrf_token === 'string') csrfToken = data.csrf_token;
    return {data: data || {}, response};
  }

  // Sends a request whose answer may be a file (an export, a PDF) and returns the Response when
  // it is 2xx. `body` is sent as it is (a File, a string); `json` as JSON. A POST carries the
  // CSRF token. Throws ApiError, with the server's message, for an error answer.
  async function send(method, path, {json, body, contentType} = {}) {
    const headers = {};
    const init = {method, headers, credentials: 'same-origin'};
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    } else if (body !== undefined) {
      headers['Content-Type'] = contentType || 'application/octet-stream';
      init.body = body;
    }
    if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, null);
    }
    if (response.ok) return response;
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (response.status === 401) location.assign(href('/'));
    throw new ApiError(response.status, data);
  }

  // The file name a response names in Content-Disposition (filename* first), or `fallback`.
  function downloadName(response, fallback) {
    const header = response.headers.get('Content-Disposition') || '';
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) {
      try {
        return decodeURIComponent(encoded[1]);
      } catch (e) {
        // fall through to the plain name
      }
    }
    const plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  // Hands `blob` to the browser as a download named `name`.
  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = el('a', {href: url, download: name});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  async function api(method, path, body, options) {
    return (await call(method, path, body, options)).data;
  }

  // The signed-in user, today's figures and the CSRF token (GET /api/me).
  function loadMe(options) {
    return api('GET', '/api/me', undefined, options);
  }

  function errorText(err) {
    return err instanceof ApiError ? err.message : t('common.unknownError', {status: '?'});
  }

  // "1:05" for 3900 seconds.
  function formatDuration(seconds) {
    const total = Math.max(0, Math.round((seconds || 0) / 60));
    return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
  }

  // A timestamp (now when none) as Japan time, "09:41" or with seconds "09:41:07".
  function formatTime(iso, {seconds = false} = {}) {
    const d = iso ? new Date(iso) : new Date();
    if (Number.isNaN(d.getTime())) return '';
    const options = {timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'};
    if (seconds) options.second = '2-digit';
    return d.toLocaleTimeString(lang === 'en' ? 'en-GB' : 'ja-JP', options);
  }

  // A field type's name in the page's language; '' for none.
  function typeName(type) {
    if (!type) return '';
    return STRINGS[lang][`type.${type}`] ? t(`type.${type}`) : type;
  }

  function userText(user) {
    return t('common.user', {display: user.display_name || user.name, role: t(`role.${user.role}`)});
  }

  async function logout() {
    try {
      await api('POST', '/api/logout', {}, {stayOn401: true});
    } catch (e) {
      // Logged out already, or the server is gone: the log-in page is right either way.
    }
    location.assign(href('/'));
  }

  // Translates the page, names the window, and wires the language link and log-out buttons.
  function initPage(titleKey) {
    applyI18n();
    document.title = t(titleKey);
    for (const link of document.querySelectorAll('.lang-switch')) {
      const params = new URLSearchParams(location.search);
      if (lang === 'en') params.delete('lang');
      else params.set('lang', 'en');
      const query = params.toString();
      link.href = location.pathname + (query ? `?${query}` : '');
      link.lang = lang === 'en' ? 'ja' : 'en';
    }
    // Links to the other pages of the same role keep the page's language.
    for (const link of document.querySelectorAll('a.site-link[data-path]')) {
      link.href = href(link.dataset.path);
    }
    for (const button of document.querySelectorAll('.logout')) {
      button.addEventListener('click', logout);
    }
  }

  // Creates an element: el('td', {className: 'num'}, 'text', otherNode).
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k.startsWith('aria') || k === 'role' || k === 'for' || k === 'lang') {
        node.setAttribute(k === 'for' ? 'for' : k.replace(/^aria([A-Z])/, (m, c) => `aria-${c.toLowerCase()}`), v);
      } else node[k] = v;
    }
    for (const c of children) {
      if (c !== null && c !== undefined) node.append(c);
    }
    return node;
  }

  // A timestamp as a Japan date and time, "2026/11/21 09:41".
  function formatDateTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    return d.toLocaleString(lang === 'en' ? 'en-GB' : 'ja-JP', {
      timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
  }

  return {lang, t, href, api, call, send, downloadName, saveBlob, loadMe, ApiError, errorText,
          formatDuration, formatTime, formatDateTime, typeName, userText, logout, initPage, el,
          addStrings};
})();
