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
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.resolve(process.env.ADBRIDGE_SCREENSHOTS || 'screenshots');
const PASSWORD = 'browser-test-password-1';
const REVIEWER = 'hanako';
const SUPERVISOR = 'sato';
const MIN_ENTRIES = 10;
const MAX_ACTIONS = 60;
const VERIFIED_JA = 'この書類の確認がすべて終わりました';

let server = null;
let serverLog = '';
let context = null;
let profile = '';
let data = '';

class TestFailure extends Error {}
function fail(message) {
  throw new TestFailure(message);
}
function step(message) {
  console.log(`browser_review: ${message}`);
}

// ---- the data: forms, scans, users ----

function adbridge(args, {input, allowFailure = false} = {}) {
  const result = spawnSync(process.env.ADBRIDGE, ['--data', data, ...args], {
    cwd: REPO, input, encoding: 'utf8', env: {...process.env, OMP_THREAD_LIMIT: '1'},
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) fail(`adbridge ${args[0]}: ${result.error.message}`);
  if (result.status !== 0 && !allowFailure) {
    fail(`adbridge ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  }
  return result;
}

function jsonLines(text) {
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

function verifiedDocuments() {
  return new Set(jsonLines(adbridge(['documents', 'list', '--state', 'verified']).stdout)
                     .filter((d) => d.state === undefined || d.state === 'verified')
                     .map((d) => d.document ?? d.id));
}

function prepareData() {
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'adbridge-browser-'));
  step(`data folder ${data}`);
  const forms = fs.readdirSync(path.join(REPO, 'models/forms'))
                    .filter((name) => name.endsWith('.json'))
                    .map((name) => path.join('models/forms', name));
  adbridge(['forms', 'add', ...forms]);
  const scans = fs.readdirSync(path.join(REPO, 'samples/scans'))
                    .filter((name) => /\.(png|jpe?g|tiff?)$/i.test(name))
                    .map((name) => path.join('samples/scans', name));
  adbridge(['ingest', ...scans]);
  adbridge(['process']);
  const inReview = jsonLines(adbridge(['documents', 'list', '--state', 'in_review']).stdout);
  if (inReview.length === 0) fail('no sample document is waiting for review after `adbridge process`');
  step(`${inReview.length} documents wait for review`);
  adbridge(['users', 'add', REVIEWER, '--role', 'reviewer'], {input: `${PASSWORD}\n`});
  adbridge(['users', 'add', SUPERVISOR, '--role', 'supervisor'], {input: `${PASSWORD}\n`});
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

// ---- the server ----

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  server = spawn(process.env.ADBRIDGE,
                 ['--data', data, 'serve', '--port', String(port), '--bind', '127.0.0.1'],
                 {cwd: REPO, env: {...process.env, OMP_THREAD_LIMIT: '1'},
                  stdio: ['ignore', 'pipe', 'pipe']});
  const keep = (chunk) => { serverLog = (serverLog + chunk).slice(-4000); };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  let exited = null;
  server.on('exit', (code, signal) => { exited = signal || `exit code ${code}`; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (exited) fail(`adbridge serve stopped (${exited}) before answering`);
    try {
      const response = await fetch(`${base}/`);
      if (response.ok && (response.headers.get('content-type') || '').startsWith('text/html')) {
        step(`adbridge serve answers at ${base}`);
        return base;
      }
    } catch (e) {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`adbridge serve did not answer GET / at ${base} within 30 s`);
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const done = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10000);
  await done;
  clearTimeout(timer);
}

// ---- the browser ----

// Debian's chromium and playwright-core, checked before anything else is done.
async function findBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    fail(`${CHROMIUM} is not installed: apt-get install chromium (scripts/install-deps.sh does)`);
  }
  try {
    return (await import('playwright-core')).chromium;
  } catch (e) {
    fail(`playwright-core is missing: run npm ci in tests/browser (test.sh does) — ${e.message}`);
  }
}

async function launch(chromium) {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'adbridge-chromium-'));
  // launchPersistentContext passes the fresh folder as --user-data-dir.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: {width: 1280, height: 900},
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {page, pageErrors};
}

async function logIn(page, base, name, landing) {
  await page.goto(`${base}/`);
  await page.waitForSelector('#name:focus');  // the name box has the focus: type at once
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  try {
    await page.waitForURL(`${base}${landing}`);
  } catch (e) {
    const error = await page.textContent('#login-error').catch(() => '');
    fail(`${name} did not reach ${landing} after logging in (page says: ${error || 'nothing'})`);
  }
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
  await logIn(page, base, REVIEWER, '/review');
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
      fs.mkdirSync(SHOTS, {recursive: true});
      await page.screenshot({path: path.join(SHOTS, 'review.png')});
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
  await logIn(page, base, SUPERVISOR, '/supervisor');
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
  await page.screenshot({path: path.join(SHOTS, 'supervisor.png'), fullPage: true});

  const task = reviewed.escalatedTask;
  const value = truthOf(task.formTitle, task.label, task.value) ?? task.value;
  await card.locator('input').focus();
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
  await card.waitFor({state: 'detached'}).catch(async () =>
      fail(`settling task ${task.id} with "${value}" failed: ${await card.locator('.error').textContent()}`));
  step(`${SUPERVISOR} settled escalated task ${task.id}: ${await page.textContent('#status')}`);
}

async function main() {
  if (!process.env.ADBRIDGE) fail('set ADBRIDGE to the adbridge binary (ctest does)');
  const watchdog = setTimeout(() => {
    console.error('browser_review: FAILED: the test took longer than 5 minutes');
    process.exit(1);
  }, 300000);
  watchdog.unref();

  const chromium = await findBrowser();
  prepareData();
  const before = verifiedDocuments();
  const truthOf = loadTruth();
  const base = await startServer();
  const {page, pageErrors} = await launch(chromium);

  const reviewed = await review(page, base, truthOf);
  const after = verifiedDocuments();
  const newly = [...after].filter((id) => !before.has(id));
  if (!newly.length) fail('the page said a document was verified, but `adbridge documents list --state verified` lists no new one');
  step(`adbridge documents list --state verified: newly verified ${newly.join(', ')}`);

  await supervise(page, base, reviewed, truthOf);
  if (pageErrors.length) fail(`the pages threw: ${pageErrors.join(' | ')}`);
  step(`screenshots in ${SHOTS}`);
}

let failed = false;
process.on('exit', () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
});
try {
  await main();
  console.log('browser_review: PASSED');
} catch (e) {
  failed = true;
  console.error(`browser_review: FAILED: ${e instanceof TestFailure ? e.message : e.stack}`);
  if (serverLog) console.error(`--- the end of adbridge serve's output ---\n${serverLog}`);
} finally {
  if (context) await context.close().catch(() => {});
  if (profile) fs.rmSync(profile, {recursive: true, force: true});
  await stopServer();
  if (data && !failed && !process.env.KEEP_DATA) fs.rmSync(data, {recursive: true, force: true});
  else if (data) console.error(`browser_review: data folder kept: ${data}`);
}
process.exit(failed ? 1 : 0);
