// The review page in a real browser (issue 4): Debian's chromium, driven headless by
// playwright-core, against `adbridge serve` on the bundled sample scans.
//
//   ADBRIDGE=build/server/adbridge node tests/browser/review_test.mjs
//
// It registers the bundled forms, ingests and reads the sample scans, adds a reviewer and a
// supervisor, starts the server on a free port, and then, as the reviewer, logs in and works
// through the queue from the keyboard alone (Enter accepts the machine's reading, typing
// corrects it, Alt+E / Alt+S for an escalation and the double-entry fields one reviewer cannot
// settle) until at least ten entries are made and the status line has said that a document is
// fully verified; the CLI must then list a newly verified document. As the supervisor it checks
// the reviewer's row and the escalated task, and settles it.
//
// Environment: ADBRIDGE (required) the adbridge binary; CHROMIUM (default /usr/bin/chromium);
// ADBRIDGE_SCREENSHOTS the folder for review.png and supervisor.png (default ./screenshots;
// docs/screenshots to refresh the committed ones); KEEP_DATA=1 keeps the data folder.
// Exits 0 when every check passed, 1 with a message naming the failed one.
import fs from 'node:fs';
import path from 'node:path';

import {BrowserTest, REPO, jsonLines} from './harness.mjs';

const t = new BrowserTest('browser_review');
const fail = (message) => t.fail(message);
const step = (message) => t.step(message);
const REVIEWER = 'hanako';
const SUPERVISOR = 'sato';
const MIN_ENTRIES = 10;
const MAX_ACTIONS = 60;
const VERIFIED_JA = 'この書類の確認がすべて終わりました';

// ---- the data: forms, scans, users ----

function verifiedDocuments() {
  return new Set(jsonLines(t.adbridge(['documents', 'list', '--state', 'verified']).stdout)
                     .filter((d) => d.state === undefined || d.state === 'verified')
                     .map((d) => d.document ?? d.id));
}

function prepareData() {
  t.prepareData();
  t.adbridge(['forms', 'add', ...t.bundledForms()]);
  t.adbridge(['ingest', ...t.sampleScans()]);
  t.adbridge(['process']);
  const inReview = jsonLines(t.adbridge(['documents', 'list', '--state', 'in_review']).stdout);
  if (inReview.length === 0) fail('no sample document is waiting for review after `adbridge process`');
  step(`${inReview.length} documents wait for review`);
  t.addUser(REVIEWER, 'reviewer');
  t.addUser(SUPERVISOR, 'supervisor');
}

// ---- what the reviewer types: the ground truth of the sample scans ----

// For a task shown as (form title, field label, machine reading): the true value of the
// sample whose value is nearest the reading (the page shows no document, so the nearest of
// the form's samples is taken). null when the field is unknown.
function loadTruth() {
  const byTitle = new Map();
  for (const name of fs.readdirSync(path.join(REPO, 'models/forms'))) {
    if (!name.endsWith('.json')) continue;
    const form = JSON.parse(fs.readFileSync(path.join(REPO, 'models/forms', name), 'utf8'));
    const labels = new Map();
    for (const field of form.fields) labels.set(field.label, [...(labels.get(field.label) || []), field.name]);
    byTitle.set(form.title, {id: form.id, labels, samples: []});
  }
  const truth = fs.readFileSync(path.join(REPO, 'samples/scans/truth.jsonl'), 'utf8');
  for (const record of jsonLines(truth)) {
    for (const form of byTitle.values()) if (form.id === record.form) form.samples.push(record.fields);
  }
  return (formTitle, label, reading) => {
    const form = byTitle.get(formTitle);
    const names = form && form.labels.get(label);
    if (!names) return null;
    const candidates = form.samples.flatMap((fields) => names.map((n) => fields[n]))
                           .filter((v) => typeof v === 'string');
    if (!candidates.length) return null;
    return candidates.reduce((best, v) => (distance(v, reading) < distance(best, reading) ? v : best));
  };
}

function distance(a, b) {
  const x = [...a];
  const y = [...b];
  let row = Array.from({length: y.length + 1}, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length];
}

// What the review page shows of its task, read from the page.
function readTask(page) {
  return page.evaluate(() => {
    const task = document.getElementById('task');
    if (task.hidden || !task.dataset.taskId) return null;
    return {
      id: task.dataset.taskId,
      formTitle: document.getElementById('form-title').textContent,
      label: document.getElementById('field-label').textContent,
      value: document.getElementById('value').value,
      blind: !document.getElementById('blind-badge').hidden,
      focused: document.activeElement === document.getElementById('value'),
      // The sample scans have no phone records: every task has a snippet, and it must show.
      snippet: (() => {
        const img = document.getElementById('snippet');
        return Boolean(img && !img.hidden && img.complete && img.naturalWidth > 0);
      })(),
      snippetNote: document.getElementById('snippet-none').textContent,
      selected: (() => {
        const input = document.getElementById('value');
        return input.selectionStart === 0 && input.selectionEnd === input.value.length;
      })(),
    };
  });
}

// Waits until the page has moved past task `id`: another task, an empty queue, or an error.
async function settled(page, id) {
  await page.waitForFunction((previous) => {
    const task = document.getElementById('task');
    return (!task.hidden && task.dataset.taskId && task.dataset.taskId !== previous) ||
           !document.getElementById('empty').hidden ||
           document.getElementById('error').textContent !== '';
  }, id);
  return {
    error: await page.textContent('#error'),
    status: await page.textContent('#status'),
  };
}

async function review(page, base, truthOf) {
  await t.logIn(page, base, REVIEWER, '/review');
  step(`${REVIEWER} logged in and reached /review`);
  let entries = 0;          // entries that count as work today (not skips)
  let escalatedId = null;
  let escalatedTask = null;
  let verifiedAt = 0;
  let shot = false;
  for (let actions = 0; actions < MAX_ACTIONS && (entries < MIN_ENTRIES || !verifiedAt); actions++) {
    await page.waitForFunction(() => !document.getElementById('task').hidden ||
                                     !document.getElementById('empty').hidden);
    const task = await readTask(page);
    if (!task) fail(`the queue ran empty after ${entries} entries without a verified document`);
    if (!task.focused) fail(`task ${task.id}: the value box does not have the focus`);
    if (!task.snippet) fail(`task ${task.id}: its snippet is not shown (${task.snippetNote || 'no image'})`);
    if (!task.blind && task.value && !task.selected) fail(`task ${task.id}: the reading is not selected`);
    if (!shot) {
      fs.mkdirSync(t.shots, {recursive: true});
      await page.screenshot({path: path.join(t.shots, 'review.png')});
      shot = true;
    }

    let outcome;
    let keys;
    if (task.blind) {
      // A double-entry field needs a second, independent reviewer: give it back.
      if (task.value !== '') fail(`double-entry task ${task.id} shows a value: "${task.value}"`);
      await page.keyboard.press('Alt+KeyS');
      outcome = await settled(page, task.id);
      if (outcome.error) fail(`skipping task ${task.id} failed: ${outcome.error}`);
      step(`task ${task.id} 「${task.label}」 double entry: Alt+S (skipped)`);
      continue;
    }
    if (!escalatedId && entries === 1) {
      await page.keyboard.press('Alt+KeyE');
      outcome = await settled(page, task.id);
      if (outcome.error) fail(`escalating task ${task.id} failed: ${outcome.error}`);
      escalatedId = task.id;
      escalatedTask = task;
      entries++;
      step(`task ${task.id} 「${task.label}」 "${task.value}": Alt+E (escalated)`);
      continue;
    }

    const value = truthOf(task.formTitle, task.label, task.value);
    if (value === null || value === task.value) {
      await page.keyboard.press('Enter');                // accept the machine's reading
      keys = 'Enter';
    } else if (value === '') {
      await page.keyboard.press('Backspace');            // the field is empty on paper
      await page.keyboard.press('Enter');
      keys = 'Backspace Enter';
    } else {
      await page.keyboard.type(value);                   // replaces the selected reading
      await page.keyboard.press('Enter');
      keys = `"${value}" Enter`;
    }
    outcome = await settled(page, task.id);
    if (outcome.error) {
      if (outcome.error.includes('Ctrl+Enter')) {
        await page.keyboard.press('Control+Enter');      // confirm deliberately
        keys += ` (refused: ${outcome.error}) Ctrl+Enter`;
      } else {
        await page.keyboard.press('Alt+KeyU');           // refused outright: unreadable
        keys += ` (refused: ${outcome.error}) Alt+U`;
      }
      outcome = await settled(page, task.id);
      if (outcome.error) fail(`task ${task.id} ("${task.label}"): ${outcome.error}`);
    }
    entries++;
    step(`task ${task.id} 「${task.label}」 "${task.value}": ${keys} → ${outcome.status}`);
    if (outcome.status.includes(VERIFIED_JA) && !verifiedAt) {
      verifiedAt = entries;
      step(`the status line announced a verified document after ${entries} entries: ${outcome.status}`);
    }
  }
  if (entries < MIN_ENTRIES) fail(`only ${entries} entries were made in ${MAX_ACTIONS} actions`);
  if (!verifiedAt) fail(`no document was announced as verified in ${entries} entries`);

  // The day's count, as /api/me tells it, follows the entries.
  await page.waitForFunction((n) => document.getElementById('today').textContent.includes(`今日 ${n} 件`),
                             entries, {timeout: 10000})
      .catch(async () => fail(`the page shows "${await page.textContent('#today')}", not 今日 ${entries} 件`));
  step(`${entries} entries made from the keyboard; the page shows ${await page.textContent('#today')}`);
  return {entries, escalatedId, escalatedTask};
}

async function supervise(page, base, reviewed, truthOf) {
  await page.click('.logout');
  await page.waitForURL(`${base}/`);
  await t.logIn(page, base, SUPERVISOR, '/supervisor');
  step(`${SUPERVISOR} logged in and reached /supervisor`);
  const row = page.locator(`#reviewers tr[data-reviewer="${REVIEWER}"]`);
  await row.waitFor().catch(() => fail(`the supervisor page has no row for ${REVIEWER}`));
  const count = Number((await row.locator('td').first().textContent()).trim());
  if (count !== reviewed.entries) fail(`${REVIEWER}'s row shows ${count} entries, not ${reviewed.entries}`);
  const card = page.locator(`#cases article[data-task-id="${reviewed.escalatedId}"]`);
  await card.waitFor().catch(() => fail(`escalated task ${reviewed.escalatedId} is not listed to settle`));
  await page.waitForFunction(() => [...document.querySelectorAll('#cases img')].every((img) => img.complete));
  if (!(await card.locator('img').evaluate((img) => img.naturalWidth > 0).catch(() => false))) {
    fail(`the snippet of escalated task ${reviewed.escalatedId} is not shown to the supervisor`);
  }
  await page.screenshot({path: path.join(t.shots, 'supervisor.png'), fullPage: true});

  const task = reviewed.escalatedTask;
  const value = truthOf(task.formTitle, task.label, task.value) ?? task.value;
  await card.locator('input').focus();
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
  await card.waitFor({state: 'detached'}).catch(async () =>
      fail(`settling task ${task.id} with "${value}" failed: ${await card.locator('.error').textContent()}`));
  step(`${SUPERVISOR} settled escalated task ${task.id}: ${await page.textContent('#status')}`);
}

await t.run(async () => {
  prepareData();
  const before = verifiedDocuments();
  const truthOf = loadTruth();
  const base = await t.startServer();
  const {page} = await t.launch();

  const reviewed = await review(page, base, truthOf);
  const after = verifiedDocuments();
  const newly = [...after].filter((id) => !before.has(id));
  if (!newly.length) fail('the page said a document was verified, but `adbridge documents list --state verified` lists no new one');
  step(`adbridge documents list --state verified: newly verified ${newly.join(', ')}`);

  await supervise(page, base, reviewed, truthOf);
  step(`screenshots in ${t.shots}`);
});
