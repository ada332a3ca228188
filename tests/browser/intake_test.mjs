// The phone-intake page in a real browser (issue 6): Debian's chromium, driven headless by
// playwright-core, against `adbridge serve`.
//
//   ADBRIDGE=build/server/adbridge node tests/browser/intake_test.mjs
//
// A front-desk operator opens /intake, chooses samples/phone/calls-2026-11-21.csv, uploads it
// from the keyboard, and sees each row stored: one verified at once and two flagged for review
// (an address the operator was unsure of, a date of birth that does not exist). The CLI must
// then list the three documents. The same file again adds nothing and says so.
//
// Environment: ADBRIDGE (required) the adbridge binary; CHROMIUM (default /usr/bin/chromium);
// ADBRIDGE_SCREENSHOTS the folder for intake.png (default ./screenshots; docs/screenshots to
// refresh the committed one); KEEP_DATA=1 keeps the data folder.
import path from 'node:path';

import {BrowserTest, PASSWORD, REPO, jsonLines} from './harness.mjs';

const t = new BrowserTest('browser_intake');
const fail = (message) => t.fail(message);
const step = (message) => t.step(message);
const OPERATOR = 'mado';
const SAMPLE = path.join(REPO, 'samples/phone/calls-2026-11-21.csv');

const text = async (page, id) => (await page.textContent(`#${id}`)).trim();

await t.run(async () => {
  t.prepareData();
  t.adbridge(['forms', 'add', ...t.bundledForms()]);
  t.addUser(OPERATOR, 'frontdesk');
  const base = await t.startServer();
  const {page} = await t.launch();

  // Logged in through the API (the log-in page sends each role to its own page), then to the
  // intake page.
  const login = await page.request.post(`${base}/api/login`, {data: {name: OPERATOR, password: PASSWORD}});
  if (!login.ok()) fail(`logging in as ${OPERATOR} failed: HTTP ${login.status()}`);
  await page.goto(`${base}/intake`);
  await page.waitForSelector('#file:focus');

  await page.setInputFiles('#file', SAMPLE);
  const chosen = await text(page, 'chosen');
  if (!chosen.includes('calls-2026-11-21.csv')) fail(`the page shows the chosen file as: ${chosen}`);
  await page.keyboard.press('Tab');  // to the upload button
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result:not([hidden])');
  const counts = {
    stored: await text(page, 'n-stored'), verified: await text(page, 'n-verified'),
    review: await text(page, 'n-review'), duplicates: await text(page, 'n-duplicates'),
    malformed: await text(page, 'n-malformed'),
  };
  if (counts.stored !== '3' || counts.verified !== '1' || counts.review !== '2' ||
      counts.duplicates !== '0' || counts.malformed !== '0') {
    fail(`the result counts are ${JSON.stringify(counts)}`);
  }
  const rows = await page.$$eval('#rows tbody tr', (trs) => trs.map((tr) => tr.textContent));
  if (rows.length !== 3 || !rows[0].includes('2 行目')) fail(`the rows table shows ${JSON.stringify(rows)}`);
  const status = await text(page, 'status');
  if (!status.includes('3 件を取り込みました')) fail(`the status line says: ${status}`);
  step(`uploaded: ${status}`);

  const documents = jsonLines(t.adbridge(['documents', 'list']).stdout);
  if (documents.length !== 3) fail(`the CLI lists ${documents.length} documents, not 3`);
  await page.setViewportSize({width: 1280, height: 1100});
  await t.screenshot(page, 'intake.png');

  // The same file again: nothing new, each row a duplicate.
  await page.setInputFiles('#file', SAMPLE);
  await page.click('#upload-button');
  await page.waitForFunction(() => document.getElementById('n-duplicates').textContent.trim() === '3');
  if (await text(page, 'n-stored') !== '0') fail('the same file twice stored rows again');
  if (jsonLines(t.adbridge(['documents', 'list']).stdout).length !== 3) fail('the same file twice added documents');

  // A file that is no CSV of the forms is refused with its reason.
  await page.setInputFiles('#file', {name: 'wrong.csv', mimeType: 'text/csv',
                                     buffer: Buffer.from('form,shoe_size\r\njuminhyo-request,27\r\n')});
  await page.click('#upload-button');
  await page.waitForFunction(() => document.getElementById('error').textContent.includes('shoe_size'));
  step('a duplicate upload and a wrong column were reported');
});
