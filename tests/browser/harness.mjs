// What every browser test of adbridge's pages shares: a data folder, the adbridge binary,
// `adbridge serve` on a free port, Debian's chromium driven headless by playwright-core, logging
// in from the keyboard, and cleaning up however the test ends.
//
//   import {BrowserTest} from './harness.mjs';
//   const t = new BrowserTest('browser_frontdesk');
//   await t.run(async () => {
//     t.prepareData();                       // a fresh data folder
//     t.adbridge(['forms', 'add', ...t.bundledForms()]);
//     t.addUser('mado', 'frontdesk');
//     const base = await t.startServer();
//     const {page} = await t.launch();
//     await t.logIn(page, base, 'mado', '/frontdesk');
//     if (!ok) t.fail('what the user would have seen go wrong');
//   });
//
// Environment: ADBRIDGE (required) the adbridge binary; CHROMIUM (default /usr/bin/chromium);
// ADBRIDGE_SCREENSHOTS the folder for screenshots (default ./screenshots; docs/screenshots to
// refresh the committed ones); KEEP_DATA=1 keeps the data folder. A missing node module,
// chromium or binary fails the test; it never skips.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PASSWORD = 'browser-test-password-1';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export class TestFailure extends Error {}

export function jsonLines(text) {
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

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

export class BrowserTest {
  constructor(name, {minutes = 5} = {}) {
    this.name = name;
    this.minutes = minutes;
    this.data = '';
    this.server = null;
    this.serverLog = '';
    this.context = null;
    this.profile = '';
    this.pageErrors = [];
    this.shots = path.resolve(process.env.ADBRIDGE_SCREENSHOTS || 'screenshots');
  }

  fail(message) {
    throw new TestFailure(message);
  }

  step(message) {
    console.log(`${this.name}: ${message}`);
  }

  prepareData() {
    this.data = fs.mkdtempSync(path.join(os.tmpdir(), 'adbridge-browser-'));
    this.step(`data folder ${this.data}`);
  }

  // Runs adbridge on the test's data folder; a non-zero exit fails the test unless allowed.
  adbridge(args, {input, allowFailure = false} = {}) {
    const result = spawnSync(process.env.ADBRIDGE, ['--data', this.data, ...args], {
      cwd: REPO, input, encoding: 'utf8', env: {...process.env, OMP_THREAD_LIMIT: '1'},
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) this.fail(`adbridge ${args[0]}: ${result.error.message}`);
    if (result.status !== 0 && !allowFailure) {
      this.fail(`adbridge ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
    }
    return result;
  }

  // The bundled form definitions, as paths relative to the repository.
  bundledForms() {
    return fs.readdirSync(path.join(REPO, 'models/forms'))
        .filter((name) => name.endsWith('.json'))
        .map((name) => path.join('models/forms', name));
  }

  // The bundled sample scans, as paths relative to the repository.
  sampleScans() {
    return fs.readdirSync(path.join(REPO, 'samples/scans'))
        .filter((name) => /\.(png|jpe?g|tiff?)$/i.test(name))
        .sort()
        .map((name) => path.join('samples/scans', name));
  }

  addUser(name, role) {
    this.adbridge(['users', 'add', name, '--role', role], {input: `${PASSWORD}\n`});
  }

  // Starts `adbridge serve` on a free loopback port and returns its base URL once it answers.
  async startServer(extraArgs = []) {
    const port = await freePort();
    this.server = spawn(process.env.ADBRIDGE,
                        ['--data', this.data, 'serve', '--port', String(port), '--bind',
                         '127.0.0.1', ...extraArgs],
                        {cwd: REPO, env: {...process.env, OMP_THREAD_LIMIT: '1'},
                         stdio: ['ignore', 'pipe', 'pipe']});
    const keep = (chunk) => { this.serverLog = (this.serverLog + chunk).slice(-4000); };
    this.server.stdout.on('data', keep);
    this.server.stderr.on('data', keep);
    let exited = null;
    this.server.on('exit', (code, signal) => { exited = signal || `exit code ${code}`; });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      if (exited) this.fail(`adbridge serve stopped (${exited}) before answering`);
      try {
        const response = await fetch(`${base}/`);
        if (response.ok && (response.headers.get('content-type') || '').startsWith('text/html')) {
          this.step(`adbridge serve answers at ${base}`);
          return base;
        }
      } catch (e) {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    this.fail(`adbridge serve did not answer GET / at ${base} within 30 s`);
  }

  async stopServer() {
    const server = this.server;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const done = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10000);
    await done;
    clearTimeout(timer);
  }

  // Debian's chromium with a fresh profile; returns its first page. Errors the page throws are
  // collected and fail the test at its end.
  async launch({acceptDownloads = false} = {}) {
    if (!fs.existsSync(CHROMIUM)) {
      this.fail(`${CHROMIUM} is not installed: apt-get install chromium (scripts/install-deps.sh does)`);
    }
    let chromium;
    try {
      chromium = (await import('playwright-core')).chromium;
    } catch (e) {
      this.fail(`playwright-core is missing: run npm ci in tests/browser (test.sh does) — ${e.message}`);
    }
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'adbridge-chromium-'));
    // launchPersistentContext passes the fresh folder as --user-data-dir.
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: {width: 1280, height: 900},
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      acceptDownloads,
    });
    const page = this.context.pages()[0] || await this.context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
    return {page, pageErrors: this.pageErrors};
  }

  // Logs in from the keyboard alone and waits for the role's page.
  async logIn(page, base, name, landing) {
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
      this.fail(`${name} did not reach ${landing} after logging in (page says: ${error || 'nothing'})`);
    }
  }

  async screenshot(page, file) {
    fs.mkdirSync(this.shots, {recursive: true});
    await page.screenshot({path: path.join(this.shots, file), fullPage: false});
    this.step(`screenshot ${path.join(this.shots, file)}`);
  }

  // Runs the test's body with a watchdog, reports PASSED or FAILED, cleans up, and exits.
  async run(body) {
    const watchdog = setTimeout(() => {
      console.error(`${this.name}: FAILED: the test took longer than ${this.minutes} minutes`);
      process.exit(1);
    }, this.minutes * 60000);
    watchdog.unref();
    process.on('exit', () => {
      if (this.server && this.server.exitCode === null) this.server.kill('SIGKILL');
    });
    if (!process.env.ADBRIDGE) {
      console.error(`${this.name}: FAILED: set ADBRIDGE to the adbridge binary (ctest does)`);
      process.exit(1);
    }
    let failed = false;
    try {
      await body();
      if (this.pageErrors.length) this.fail(`the pages threw: ${this.pageErrors.join(' | ')}`);
      console.log(`${this.name}: PASSED`);
    } catch (e) {
      failed = true;
      console.error(`${this.name}: FAILED: ${e instanceof TestFailure ? e.message : e.stack}`);
      if (this.serverLog) console.error(`--- the end of adbridge serve's output ---\n${this.serverLog}`);
    } finally {
      if (this.context) await this.context.close().catch(() => {});
      if (this.profile) fs.rmSync(this.profile, {recursive: true, force: true});
      await this.stopServer();
      if (this.data && !failed && !process.env.KEEP_DATA) {
        fs.rmSync(this.data, {recursive: true, force: true});
      } else if (this.data) {
        console.error(`${this.name}: data folder kept: ${this.data}`);
      }
    }
    process.exit(failed ? 1 : 0);
  }
}
