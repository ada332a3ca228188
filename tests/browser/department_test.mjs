// The department page in a real browser (issue 6): Debian's chromium, driven headless by
// playwright-core, against `adbridge serve`.
//
//   ADBRIDGE=build/server/adbridge node tests/browser/department_test.mjs
//
// Verified records are made quickly: a phone-intake CSV whose every row is valid becomes
// verified documents without OCR. A department clerk logs in, chooses the form, sees the
// records, exports a CSV from the page (the downloaded file's header and rows are checked),
// makes a batch of letters and downloads its PDF (a PDF with one page per letter, checked with
// pdfinfo). A second export of "new only" then says there is nothing new.
//
// Environment: ADBRIDGE (required) the adbridge binary; CHROMIUM (default /usr/bin/chromium);
// ADBRIDGE_SCREENSHOTS the folder for department.png (default ./screenshots; docs/screenshots
// to refresh the committed one); KEEP_DATA=1 keeps the data folder.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {BrowserTest, jsonLines} from './harness.mjs';

const t = new BrowserTest('browser_department');
const fail = (message) => t.fail(message);
const step = (message) => t.step(message);
const CLERK = 'kacho';

const HEADER = 'form,request_date,applicant_name,applicant_kana,birth_date,postal_code,address,' +
    'phone,copies,include_honseki,needs_mynumber,purpose,purpose_note,received_at,operator,note,uncertain';
const RESIDENTS = [
  ['塩尻 花子', 'シオジリ ハナコ', '昭和25年4月1日', '〒399-0701', '長野県塩尻市広丘吉田1234', '0263-52-0280'],
  ['松本 一郎', 'マツモト イチロウ', '1962-07-15', '390-0811', '長野県松本市中央1-2-3', '090-1234-5678'],
  ['木曽 花江', 'キソ ハナエ', '1991-02-03', '399-5607', '長野県木曽郡上松町小川1706', '0264-52-1111'],
];

function prepareData() {
  t.prepareData();
  t.adbridge(['forms', 'add', ...t.bundledForms()]);
  const rows = RESIDENTS.map(([name, kana, birth, postal, address, phone], i) =>
    `juminhyo-request,2026/11/21,${name},${kana},${birth},${postal},${address},${phone},${i + 1},` +
    `はい,いいえ,pension,,2026-11-21 09:${10 + i},suzuki,,`);
  const csv = path.join(t.data, 'calls.csv');
  fs.writeFileSync(csv, [HEADER, ...rows, ''].join('\r\n'));
  const stored = jsonLines(t.adbridge(['ingest-phone', csv]).stdout);
  if (stored.length !== 3 || stored.some((r) => r.state !== 'verified')) {
    fail(`the calls did not all become verified records: ${JSON.stringify(stored)}`);
  }
  step('3 verified records from phone intake');
  t.addUser(CLERK, 'department');
}

async function download(page, action) {
  const [file] = await Promise.all([page.waitForEvent('download'), action()]);
  const saved = path.join(t.data, `download-${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(saved);
  return {name: file.suggestedFilename(), saved};
}

await t.run(async () => {
  prepareData();
  const base = await t.startServer();
  const {page} = await t.launch({acceptDownloads: true});
  await t.logIn(page, base, CLERK, '/department');

  // The form chooser has the focus and counts; choose the residence-certificate request.
  await page.waitForSelector('#form option[value="juminhyo-request"]', {state: 'attached'});
  await page.selectOption('#form', 'juminhyo-request');
  await page.waitForFunction(() => document.querySelectorAll('#records tbody tr').length === 3);
  const counts = await page.textContent('#count-verified');
  if (counts.trim() !== '3') fail(`the page counts ${counts} verified records, not 3`);
  const table = await page.textContent('#records');
  for (const [name] of RESIDENTS) if (!table.includes(name)) fail(`the records table lacks ${name}`);
  if (!table.includes('＊＊＊＊')) fail('the My Number column is not masked on screen');

  // The filter box narrows the table.
  await page.fill('#q', '松本');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#records tbody tr').length === 1);
  await page.fill('#q', '');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#records tbody tr').length === 3);
  step('records shown and filtered');

  // Export a CSV in UTF-8, new only, from the keyboard: focus the button and press Enter.
  await page.selectOption('#export-format', 'csv');
  await page.selectOption('#export-encoding', 'utf-8');
  await page.focus('#export-button');
  const exported = await download(page, () => page.keyboard.press('Enter'));
  if (!exported.name.endsWith('.csv')) fail(`the export's file name is ${exported.name}`);
  if (!exported.name.includes('住民票')) fail(`the export's file name is not Japanese: ${exported.name}`);
  const csv = fs.readFileSync(exported.saved, 'utf8');
  const lines = csv.split('\r\n').filter((line) => line);
  if (!lines[0].startsWith('document,source_name,')) fail(`the CSV header is ${lines[0]}`);
  if (!lines[0].includes('applicant_name')) fail(`the CSV header lacks applicant_name: ${lines[0]}`);
  if (lines.length !== 4) fail(`the CSV has ${lines.length - 1} rows, not 3`);
  for (const [name] of RESIDENTS) if (!csv.includes(name)) fail(`the CSV lacks ${name}`);
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('3'));
  step(`exported ${exported.name}`);

  // Nothing is new now: the page says so instead of downloading an empty file.
  await page.click('#export-button');
  await page.waitForFunction(() => document.getElementById('error').textContent.length > 0);
  const nothing = await page.textContent('#error');
  if (!nothing.includes('新しく')) fail(`a second new-only export says: ${nothing}`);
  if ((await page.textContent('#count-new')).trim() !== '0') fail('the new count is not 0 after the export');

  // Letters: the residence-certificate mailing, made and downloaded.
  await page.selectOption('#letter-template', 'juminhyo-mailing');
  await page.click('#letters-button');
  const link = await page.waitForSelector('#letters-download');
  const made = await page.textContent('#letters-result');
  const pages = Number((/(\d+) ページ/.exec(made) || [])[1]);
  if (!made.includes('3 通') || !pages) fail(`the letters panel says: ${made}`);
  const letters = await download(page, () => link.click());
  const pdf = fs.readFileSync(letters.saved);
  if (pdf.subarray(0, 5).toString() !== '%PDF-') fail(`${letters.name} is not a PDF`);
  const info = spawnSync('pdfinfo', [letters.saved], {encoding: 'utf8'});
  if (info.status !== 0) fail(`pdfinfo failed on ${letters.name}: ${info.stderr}`);
  const pdfPages = Number((/^Pages:\s+(\d+)/m.exec(info.stdout) || [])[1]);
  if (pdfPages !== pages || pdfPages < 3) fail(`the letters PDF has ${pdfPages} pages; the page said ${pages}`);
  const history = await page.textContent('#batches');
  if (!history.includes('#1')) fail(`the batch history does not list the batch: ${history}`);
  step(`letters PDF ${letters.name} with ${pdfPages} pages`);

  // The whole page, panels included, for the README.
  await page.setViewportSize({width: 1280, height: 1500});
  await page.evaluate(() => window.scrollTo(0, 0));
  await t.screenshot(page, 'department.png');

  // The batch is recorded: a second batch has nothing to print.
  await page.click('#letters-button');
  await page.waitForFunction(() => document.getElementById('letters-result').textContent.includes('ありません'));

  // The same page in English.
  await page.goto(`${base}/department?lang=en`);
  await page.waitForSelector('#form option', {state: 'attached'});
  const heading = await page.textContent('h1');
  if (heading.trim() !== 'Department') fail(`the English page's heading is ${heading}`);
  if (!(await page.textContent('#export-button')).includes('Export')) fail('the export button is not in English');
});
