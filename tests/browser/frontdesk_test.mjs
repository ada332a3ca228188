// The front desk's page in a real browser (issue 6): Debian's chromium, driven headless by
// playwright-core, against `adbridge serve` reading in the background.
//
//   ADBRIDGE=build/server/adbridge node tests/browser/frontdesk_test.mjs
//
// The front desk logs in from the keyboard, opens the file chooser with the drop zone (a button:
// Enter opens it) and picks three sample scans and one broken file at once. Each file shows its
// own outcome (the broken one its reason, the others their document), and without the page
// being reloaded the three documents become read (in review or verified) in the list, with the
// changes announced. Then a page is turned through the document panel from the keyboard, the
// panel shows it turned, the document goes back to be read and is read again; and it is turned
// back.
//
// Environment: as harness.mjs; the screenshot is frontdesk.png.
import fs from 'node:fs';
import path from 'node:path';

import {BrowserTest, REPO} from './harness.mjs';

const t = new BrowserTest('browser_frontdesk', {minutes: 8});
const fail = (message) => t.fail(message);
const step = (message) => t.step(message);
const DESK = 'mado';
const READ_STATES = new Set(['in_review', 'verified']);

// The documents as the page's list shows them: [{id, state, name}].
function listed(page) {
  return page.$$eval('#documents tbody tr', (rows) => rows.map((row) => ({
    id: Number(row.dataset.id),
    state: row.dataset.state,
    name: row.querySelector('td:nth-child(2)').textContent,
  })));
}

async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last.done) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${what} within ${seconds} s (last seen: ${JSON.stringify(last)})`);
}

await t.run(async () => {
  t.prepareData();
  t.adbridge(['forms', 'add', ...t.bundledForms()]);
  t.addUser(DESK, 'frontdesk');
  const scans = t.sampleScans().slice(0, 3).map((file) => path.join(REPO, file));
  const broken = path.join(t.data, 'broken.png');
  fs.writeFileSync(broken, fs.readFileSync(scans[2]).subarray(0, 200));  // a scan cut short
  const base = await t.startServer();
  const {page} = await t.launch();
  // Listened for from the start: chromium hands file choosers to the test only once the
  // listener has reached it, which a listener added just before the key press can miss.
  let chosen;
  const chooserOpened = new Promise((resolve) => { chosen = resolve; });
  page.on('filechooser', (chooser) => chosen(chooser));
  await t.logIn(page, base, DESK, '/frontdesk');
  await page.waitForSelector('#who:not(:empty)');
  // Set once: still there at the end only if the page was never reloaded.
  await page.evaluate(() => { window.frontdeskTestMark = 'same page'; });

  // ---- upload through the file chooser, from the keyboard ----
  await page.focus('#drop');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'drop');
  await page.keyboard.press('Enter');
  const chooser = await Promise.race([
    chooserOpened,
    new Promise((resolve) => setTimeout(() => resolve(null), 15000)),
  ]);
  if (!chooser) fail('Enter on the drop zone did not open the file chooser');
  if (!chooser.isMultiple()) fail('the file chooser does not take several files at once');
  await chooser.setFiles([...scans, broken]);
  step('three scans and a broken file chosen');

  const uploads = await waitFor('every file shows its outcome', 60, async () => {
    const rows = await page.$$eval('#uploads li', (items) => items.map((li) => ({
      name: li.dataset.name, ok: li.classList.contains('ok'), bad: li.classList.contains('bad'),
      text: li.querySelector('.upload-text').textContent, document: li.dataset.document,
    })));
    return {done: rows.length === 4 && rows.every((r) => r.ok || r.bad), rows};
  });
  const bad = uploads.rows.filter((r) => r.bad);
  if (bad.length !== 1 || bad[0].name !== 'broken.png') {
    fail(`only broken.png should be refused: ${JSON.stringify(uploads.rows)}`);
  }
  if (!/^取り込めません: .*PNG/.test(bad[0].text)) {
    fail(`the broken file's row does not say why: "${bad[0].text}"`);
  }
  const ids = uploads.rows.filter((r) => r.ok).map((r) => Number(r.document));
  step(`stored as documents ${ids.join(', ')}; broken.png: ${bad[0].text}`);

  // ---- the three become read, live ----
  const read = await waitFor('the three documents are read (in review or verified) on the page', 240,
                             async () => {
    const rows = (await listed(page)).filter((r) => ids.includes(r.id));
    return {done: rows.length === 3 && rows.every((r) => READ_STATES.has(r.state)), rows};
  });
  step(`read: ${read.rows.map((r) => `${r.id} ${r.state}`).join(', ')}`);
  const announced = await page.textContent('#live');
  if (!/確認待ち|確認済み/.test(announced)) fail(`the state changes were not announced: "${announced}"`);
  const shown = await page.$$eval('#documents tbody tr .state', (badges) => badges.map((b) => b.textContent));
  if (!shown.every((text) => ['確認待ち', '確認済み'].includes(text))) {
    fail(`the list does not show the states in Japanese: ${shown.join(', ')}`);
  }

  // ---- a fix through the page: turn a page, from the keyboard ----
  // The multi-page TIFF, so the panel shows more than one page.
  const target = read.rows.find((r) => r.name.endsWith('.tif')) || read.rows[0];
  await page.focus(`#documents tr[data-id="${target.id}"] button`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail:not([hidden]) #pages li img');
  const focused = await page.evaluate(() => document.activeElement.id);
  if (focused !== 'detail-heading') fail(`opening a document did not move the focus to it (${focused})`);
  await page.waitForFunction(() => {
    const img = document.querySelector('#pages li img');
    return img && img.complete && img.naturalWidth > 0;
  });
  // Tall enough for the uploads, the list and the open document at once.
  await page.setViewportSize({width: 1280, height: 1500});
  await page.evaluate(() => window.scrollTo(0, 0));
  await t.screenshot(page, 'frontdesk.png');
  await page.setViewportSize({width: 1280, height: 900});

  await page.focus('#pages li:first-child .page-tools button:nth-child(2)');  // ⟳
  await page.keyboard.press('Enter');
  await page.waitForSelector('#pages li:first-child[data-rotation="90"]');
  const kept = await page.evaluate(() => document.activeElement.dataset.key);
  if (kept !== 'right-0') fail(`after the turn the focus is not back on ⟳ of page 1 (${kept})`);
  const said = await page.textContent('#detail-status');
  if (!said.includes('回しました')) fail(`the panel did not say the page was turned: "${said}"`);
  const detail = await page.evaluate(async (id) => {
    const response = await fetch(`/api/frontdesk/documents/${id}`);
    return response.json();
  }, target.id);
  if (detail.pages[0].rotation !== 90) fail(`the store does not have the page turned: ${JSON.stringify(detail.pages[0])}`);
  step(`page 1 of document ${target.id} turned; it is ${detail.document.state}`);
  // Sent back to be read: the list shows it waiting or being read, then read again.
  await waitFor('the turned document is read again', 120, async () => {
    const row = (await listed(page)).find((r) => r.id === target.id);
    return {done: row && ['in_review', 'verified', 'failed'].includes(row.state), row};
  });
  // Turned back (⟲), as the front desk would after a wrong turn.
  await page.waitForSelector('#pages li:first-child .page-tools button:first-child:not([disabled])');
  await page.focus('#pages li:first-child .page-tools button:first-child');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#pages li:first-child[data-rotation="0"]');
  await waitFor('the document turned back is read again', 120, async () => {
    const row = (await listed(page)).find((r) => r.id === target.id);
    return {done: row && READ_STATES.has(row.state), row};
  });

  if (await page.evaluate(() => window.frontdeskTestMark) !== 'same page') {
    fail('the page was reloaded; the states must change on the page itself');
  }
});
