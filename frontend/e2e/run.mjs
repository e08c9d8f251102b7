// Browser tests of the real server with the real embedded bundle and the demo
// data. Builds nothing: it runs the server binary in KEHU_BIN (default
// ../bin/kehu, built after `npm run build`) on a free port with a fresh data
// directory, drives Debian's Chromium through playwright-core, saves
// screenshots of every page at 1280x800 and 375x812 under KEHU_SCREENSHOTS
// (default e2e/screenshots) and ends with "N passed, N failed".
//
//   cd frontend && npm run build && (cd .. && go build -o bin/kehu ./server) && npm run e2e
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, '..');
const BIN = resolve(frontend, process.env.KEHU_BIN ?? '../bin/kehu');
const SHOTS = resolve(frontend, process.env.KEHU_SCREENSHOTS ?? 'e2e/screenshots');
const CHROMIUM = process.env.KEHU_CHROMIUM ?? '/usr/bin/chromium';
const ADMIN_PASSWORD = 'e2e-admin-password-123';
const DEMO_PASSWORD = 'kehu-demo-2026';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
const T = 20_000; // default wait for one step (generous: CI machines are shared)
// KEHU_E2E_ONLY=<regexp>: run only the scenarios whose names match (for
// working on one; a scenario may rely on what an earlier one left behind).
const ONLY = process.env.KEHU_E2E_ONLY ? new RegExp(process.env.KEHU_E2E_ONLY) : null;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

function log(...a) {
  console.log(...a);
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitReady(base, proc, ms = 90_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server not ready in time');
}

/** A GraphQL call from outside the browser (a second session). */
async function gql(base, query, variables = {}, token) {
  const r = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await r.json();
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function apiLogin(base, email, password) {
  const d = await gql(base, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', { e: email, p: password });
  return d.login.token;
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function main() {
  if (!existsSync(BIN)) {
    console.error(`no server binary at ${BIN}: build it with (cd .. && go build -o bin/kehu ./server) after npm run build, or set KEHU_BIN`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'kehu-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverLog = [];
  const server = spawn(BIN, ['-addr', `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      KEHU_DATA_DIR: dataDir,
      KEHU_DEMO: '1',
      KEHU_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KEHU_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => serverLog.push(String(d)));
  server.stderr.on('data', (d) => serverLog.push(String(d)));

  let browser;
  const results = [];
  const figures = {};
  const consoleErrors = [];
  try {
    const t0 = Date.now();
    await waitReady(base, server);
    log(`server ready on ${base} in ${Date.now() - t0} ms (data ${dataDir})`);
    const home = await (await fetch(`${base}/`)).text();
    assert(home.includes('/assets/'), 'the server does not serve the built bundle (placeholder page?): rebuild the binary after npm run build');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // launch() gives every run a fresh temporary profile (--user-data-dir).
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });

    const newContext = async (viewport = DESKTOP, extra = {}) => {
      const ctx = await browser.newContext({
        viewport,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        deviceScaleFactor: 1,
        ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
        ...extra,
      });
      ctx.setDefaultTimeout(T);
      ctx.on('page', (p) => {
        p.on('console', (m) => {
          if (m.type() === 'error') consoleErrors.push(`${p.url()}: ${m.text()}`);
        });
        p.on('pageerror', (e) => consoleErrors.push(`${p.url()}: pageerror ${e.message}`));
      });
      return ctx;
    };
    const shoot = async (page, name) => {
      await page.waitForTimeout(150); // let transitions settle
      const size = page.viewportSize();
      const file = join(SHOTS, `${name}-${size.width}x${size.height}.png`);
      await page.screenshot({ path: file, fullPage: false });
    };
    const signIn = async (page, email, password, { expectPath } = {}) => {
      await page.getByLabel(/邮箱|E-mail/).fill(email);
      await page.getByLabel(/^(密码|Password)$/).fill(password);
      await page.getByRole('button', { name: /登\s*录|Sign in/ }).click();
      if (expectPath) await page.waitForURL((u) => u.pathname.startsWith(expectPath));
    };

    const desktop = await newContext();
    const page = await desktop.newPage();
    const state = {};

    const scenario = async (name, fn) => {
      if (ONLY && !ONLY.test(name)) return;
      const start = Date.now();
      state.current = page;
      try {
        await fn();
        results.push({ name, ok: true });
        log(`ok   ${name} (${Date.now() - start} ms)`);
      } catch (e) {
        results.push({ name, ok: false });
        log(`FAIL ${name} (${Date.now() - start} ms): ${e instanceof Error ? e.message.split('\n').slice(0, 8).join('\n      ') : e}`);
        try {
          await shoot(state.current ?? page, `failure-${name.replace(/\W+/g, '-')}`);
        } catch {
          // no screenshot
        }
      }
    };

    // --- set-up steps the scenarios share (each scenario sets up what it needs:
    // KEHU_E2E_ONLY runs any one of them alone).
    const managerToken = () => apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
    /** A new browser context signed in as `email` through /login?next=`next`; its page becomes the scenario's current one. */
    const signedIn = async (email, next, { viewport = DESKTOP, password = DEMO_PASSWORD, ...extra } = {}) => {
      const ctx = await newContext(viewport, extra);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent(next)}`);
      await signIn(p, email, password, { expectPath: next });
      return { ctx, p };
    };
    const asManager = (next, opts) => signedIn('manager@kehu.local', next, opts);
    /** createCustomer over the API (as another session would); the fields asked back. */
    const createCustomer = async (token, input, fields = 'id code version') =>
      (await gql(base, `mutation($i:CustomerInput!){createCustomer(input:$i){${fields}}}`, { i: input }, token)).createCustomer;
    /** fn run with the user's language set to `locale` (EN), put back to ZH_CN after. */
    const inLocale = async (token, locale, fn) => {
      await gql(base, 'mutation($l:Locale!){updateMySettings(input:{locale:$l}){locale}}', { l: locale }, token);
      try {
        await fn();
      } finally {
        await gql(base, 'mutation{updateMySettings(input:{locale:ZH_CN}){locale}}', {}, token);
      }
    };
    /** The code of a customer sales1 owns (its page offers the quick log), looked up over the API. */
    const salesOwnCustomer = async () => {
      const d = await gql(base, '{customers(first:1, query:"owner:me", orderBy:{field:CODE, direction:ASC}){nodes{code}}}', {}, await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD));
      assert(d.customers.nodes.length > 0, 'sales1 owns no customer');
      return d.customers.nodes[0].code;
    };

    await scenario('sign in', async () => {
      await page.goto(`${base}/customers`);
      await page.waitForURL(/\/login\?next=%2Fcustomers/);
      await page.getByRole('button', { name: /登\s*录/ }).waitFor();
      await shoot(page, 'login');
      // A wrong password says so and stays on the page.
      await signIn(page, 'sales1@kehu.local', 'wrong-password-1');
      await page.getByRole('alert').filter({ hasText: '邮箱或密码错误' }).waitFor();
      const clickAt = Date.now();
      await signIn(page, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      const wall = Date.now() - clickAt;
      const measure = await page.evaluate(() => performance.getEntriesByName('kehu:login-to-list')[0]?.duration ?? null);
      figures.loginToListMs = measure === null ? null : Math.round(measure);
      figures.loginToRowsWallMs = wall;
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        return n ? { domInteractive: Math.round(n.domInteractive), load: Math.round(n.loadEventEnd) } : null;
      });
      figures.loginPageNavigation = nav;
      log(`     first list page after sign-in: ${figures.loginToListMs} ms (app marks), ${wall} ms (test clock, click to first row)`);
      // The row is interactive: Enter on a focused row opens the customer.
      const total = await page.getByTestId('customer-total').textContent();
      assert(/共 [\d,]+ 个客户/.test(total ?? ''), `total count shown: ${total}`);
      await shoot(page, 'customer-list');
      // A reload of the list while signed in: from navigation start to the first page on screen.
      await page.reload();
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      await page.waitForFunction(() => performance.getEntriesByName('kehu:list-ready').length > 0);
      figures.reloadToListMs = await page.evaluate(() => Math.round(performance.getEntriesByName('kehu:list-ready')[0]?.startTime ?? -1));
      log(`     reload of /customers: first page on screen ${figures.reloadToListMs} ms after navigation start`);
    });

    await scenario('customer list: sort, page 3 from the URL, column chooser', async () => {
      await page.goto(`${base}/customers?q=${encodeURIComponent('科技')}&sort=TOTAL_AMOUNT.desc&page=3`);
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      await page.locator('.ant-pagination-item-active').filter({ hasText: '3' }).waitFor();
      const sorted = await page.locator('th.ant-table-column-sort').textContent();
      assert(sorted?.includes('累计金额'), `sorted column is 累计金额: ${sorted}`);
      // Next page keeps the search and sort in the URL.
      await page.locator('.ant-pagination-next').click();
      await page.waitForURL((u) => u.searchParams.get('page') === '4' && u.searchParams.get('q') === '科技' && u.searchParams.get('sort') === 'TOTAL_AMOUNT.desc');
      // Sorting by a column header updates the URL.
      await page.locator('th').filter({ hasText: '客户阶段' }).first().click();
      await page.waitForURL((u) => (u.searchParams.get('sort') ?? '').startsWith('STAGE'));
      // Column chooser: show 所属行业; the choice survives a reload.
      await page.getByRole('button', { name: /显示列/ }).click();
      await page.getByRole('checkbox', { name: '所属行业' }).check();
      await page.keyboard.press('Escape');
      await page.reload();
      await page.locator('th').filter({ hasText: '所属行业' }).first().waitFor();
    });

    await scenario('search and open a customer', async () => {
      await page.goto(`${base}/customers`);
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      const search = page.getByPlaceholder('搜索客户名称、编号或联系人');
      const answered = page.waitForResponse((r) => r.url().includes('op=Customers') && r.request().postData()?.includes('科技'));
      await search.fill('科技');
      await search.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('q') === '科技');
      await answered;
      await page.waitForFunction(() => document.querySelectorAll('.ant-spin-blur').length === 0 && document.querySelectorAll('tr.kehu-row-clickable').length > 0);
      const firstRow = page.locator('tr.kehu-row-clickable').first();
      const name = (await firstRow.getAttribute('aria-label')) ?? '';
      assert(name.length > 0, 'first row has a name');
      // Keyboard: focus the row and press Enter.
      await firstRow.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/customers\/C\d+/);
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.getByTestId('timeline').waitFor();
      // Someone else's customer: contact details masked, with the hint.
      const masked = await page.getByTestId('masked-hint').count();
      state.maskedHint = masked;
      await shoot(page, 'customer-detail');
      await page.getByRole('tab', { name: /需求/ }).click();
      await shoot(page, 'customer-detail-needs');
      await page.getByRole('tab', { name: /变更历史/ }).click();
      await page.getByText('阶段变更').waitFor();
      await page.goBack();
      await page.waitForURL((u) => u.pathname === '/customers' && u.searchParams.get('q') === '科技');
    });

    // The filter builder: a nested segment built with the mouse, the query box
    // and the URL following it, the live count equal to the list's total and
    // to the API's count of the same line; a reload rebuilds it from the URL.
    const SEGMENT_LINE = 'tier:A,B interactions.some(channel:VISIT at:<=90d)';
    const SEGMENT_NAME = 'A/B 类近 90 天拜访';
    const segCount = async (p) => {
      const c = p.getByTestId('seg-count');
      await p.waitForFunction(() => {
        const el = document.querySelector('[data-testid="seg-count"]');
        return el && el.getAttribute('data-count') !== '' && el.getAttribute('data-fetching') === '0';
      });
      return Number(await c.getAttribute('data-count'));
    };
    const setBuilder = async (p, open) => {
      const toggle = p.getByTestId('filter-toggle');
      if (((await toggle.getAttribute('aria-expanded')) === 'true') !== open) await toggle.click();
      await p.getByTestId('filter-builder').waitFor({ state: open ? 'visible' : 'detached' });
    };
    const pick = async (p, scope, field, label) => {
      await scope.getByTestId('seg-add-condition').last().click();
      await p.keyboard.type(field);
      await p.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label ?? field }).first().click();
    };
    await scenario('segment builder: nested segment, query line, URL and live count in step', async () => {
      await page.goto(`${base}/customers`);
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      await setBuilder(page, true);
      const builder = page.getByTestId('filter-builder');
      await page.getByTestId('seg-count').filter({ hasText: '符合条件' }).waitFor();
      // 价值分级 is one of A, B
      await pick(page, builder, '价值', '价值分级');
      await builder.getByRole('combobox', { name: '价值分级', exact: true }).click();
      const dd = page.locator('.ant-select-dropdown:visible');
      await dd.getByText('A类(高价值)').click();
      await dd.getByText('B类(潜力)').click();
      await page.keyboard.press('Escape');
      await page.waitForURL((u) => u.searchParams.get('q') === 'tier:A,B');
      const tierOnly = await segCount(page);
      // AND has an interaction where: channel 拜访, time within the last 90 days
      await page.getByTestId('seg-add-block').click();
      await page.locator('.ant-dropdown:visible').getByText('有互动记录满足…', { exact: true }).click();
      const block = page.getByTestId('seg-block');
      await pick(page, block, '沟通方式');
      await block.getByRole('combobox', { name: '沟通方式', exact: true }).click();
      await page.locator('.ant-select-dropdown:visible').getByText('拜访', { exact: true }).click();
      await page.keyboard.press('Escape');
      await pick(page, block, '互动时间');
      await block.getByRole('spinbutton', { name: '互动时间', exact: true }).fill('90');
      // the box and the URL follow the builder
      await page.waitForURL((u) => u.searchParams.get('q') === SEGMENT_LINE);
      assert((await page.getByTestId('query-box').inputValue()) === SEGMENT_LINE, 'the query box shows the line');
      const n = await segCount(page);
      assert(n > 0 && n < tierOnly, `the nested block narrows the count: ${n} of ${tierOnly}`);
      await page.getByTestId('customer-total').filter({ hasText: `共 ${n.toLocaleString('zh-CN')} 个客户` }).waitFor();
      const token = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
      const api = await gql(base, 'query($q:String){customersCount(query:$q)}', { q: SEGMENT_LINE }, token);
      assert(api.customersCount === n, `the API counts ${api.customersCount} for the line, the builder ${n}`);
      state.segmentCount = n;
      const csv = await page.getByTestId('export').isEnabled();
      assert(csv, 'export is offered');
      await shoot(page, 'segment-builder');
      // A reload rebuilds the builder from the URL: same blocks, same count.
      await page.reload();
      await page.getByTestId('seg-block').getByRole('combobox', { name: '沟通方式', exact: true }).waitFor();
      assert((await segCount(page)) === n, 'the same count after a reload');
      // Save it; on a fresh list after a reload, the saved segment brings back the same count.
      await page.getByTestId('saved-save').click();
      const dlg = page.getByRole('dialog');
      await dlg.getByLabel('名称').fill(SEGMENT_NAME);
      await shoot(page, 'segment-save-dialog');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.waitFor({ state: 'detached' });
      const item = page.getByTestId('saved-segment').filter({ hasText: SEGMENT_NAME });
      await item.getByTestId('saved-count').filter({ hasText: n.toLocaleString('zh-CN') }).waitFor();
      await page.goto(`${base}/customers`);
      await page.reload();
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      assert((await page.getByTestId('query-box').inputValue()) === '', 'no filter before opening the segment');
      await item.click();
      await page.waitForURL((u) => u.searchParams.get('q') === SEGMENT_LINE);
      await page.getByTestId('seg-block').getByRole('combobox', { name: '沟通方式', exact: true }).waitFor();
      assert((await segCount(page)) === n, 'the saved segment counts the same');
      await page.getByTestId('customer-total').filter({ hasText: `共 ${n.toLocaleString('zh-CN')} 个客户` }).waitFor();
      assert((await item.getAttribute('class'))?.includes('kehu-saved-active'), 'the open segment is marked');
      await shoot(page, 'segment-saved-opened');
      // Export links carry the line and the list's columns.
      await page.getByTestId('export').click();
      const href = (await page.getByTestId('export-csv').getAttribute('href')) ?? '';
      const u = new URL(href, base);
      assert(u.pathname === '/export/customers.csv' && u.searchParams.get('query') === SEGMENT_LINE, `export link: ${href}`);
      assert((u.searchParams.get('columns') ?? '').startsWith('code,name,'), `export columns: ${href}`);
      // The link downloads the segment with the session cookie: a BOM, a header, one row per customer.
      const file = await page.request.get(u.toString());
      assert(file.status() === 200, `export answered ${file.status()}: ${await file.text()}`);
      const body = await file.body();
      assert(body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf, 'the CSV starts with a UTF-8 BOM');
      const lines = body.subarray(3).toString('utf8').trim().split(/\r?\n/);
      assert(lines[0].startsWith('客户编号,客户名称'), `the header is in Chinese: ${lines[0].slice(0, 40)}`);
      assert(lines.length === n + 1, `the file has ${lines.length - 1} rows, the segment ${n}`);
      await page.keyboard.press('Escape');
    });

    await scenario('segment query line: a typed line shows in the builder, an error at its position', async () => {
      await page.goto(`${base}/customers`);
      const box = page.getByTestId('query-box');
      await box.fill('stage:商务谈判,方案提交 visits(90d):>=3');
      await box.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('q') === 'stage:商务谈判,方案提交 visits(90d):>=3');
      const builder = page.getByTestId('filter-builder');
      await setBuilder(page, true);
      const stage = page.getByTestId('seg-cond').filter({ has: page.getByRole('combobox', { name: '客户阶段', exact: true }) });
      await stage.getByText('商务谈判').waitFor();
      await stage.getByText('方案提交').waitFor();
      const figure = page.getByTestId('seg-block').filter({ hasText: '满足条件的互动次数' });
      await figure.getByText('拜访').waitFor();
      assert((await figure.getByRole('spinbutton', { name: '满足条件的互动次数' }).inputValue()) === '3', 'the figure holds 3');
      const n = await segCount(page);
      await page.getByTestId('customer-total').filter({ hasText: `共 ${n.toLocaleString('zh-CN')} 个客户` }).waitFor();
      await shoot(page, 'segment-from-line');
      // A line that does not parse: the spot the server names is marked, the list keeps its filter.
      await box.fill('stage:商务谈判 tier:X');
      await box.press('Enter');
      const problem = page.getByTestId('query-problem');
      await problem.waitFor();
      assert((await problem.getAttribute('data-pos')) === '17', `error position: ${await problem.getAttribute('data-pos')}`);
      await problem.getByText('第 17 个字符处').waitFor();
      assert((await problem.locator('mark').textContent()) === 'X', 'the wrong value is marked');
      assert((await box.getAttribute('aria-invalid')) === 'true', 'the box is marked invalid');
      await shoot(page, 'segment-line-error');
      // Clearing the box clears the filter and the builder.
      await box.fill('');
      await box.press('Enter');
      await page.waitForURL((u) => !u.searchParams.has('q'));
      await page.getByText('还没有条件').waitFor();
      await setBuilder(page, false);
    });

    await scenario('saved segments: rename after a change from a second session (conflict), share, delete', async () => {
      await page.goto(`${base}/customers`);
      const item = page.getByTestId('saved-segment').filter({ hasText: SEGMENT_NAME });
      await item.waitFor();
      // The same user changes the segment elsewhere (over the API): the version shown here is stale.
      const token = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
      const { segments } = await gql(base, '{segments{id name version}}', {}, token);
      const sg = segments.find((x) => x.name === SEGMENT_NAME);
      assert(sg, 'the segment is in the API');
      await gql(base, 'mutation($id:ID!,$v:Int!){updateSegment(id:$id,expectedVersion:$v,query:"tier:A visits(90d):>=3"){version}}', { id: sg.id, v: sg.version }, token);
      const dlg = page.getByRole('dialog');
      // The list refetches its segments (a focus, the conflict's refresh) and
      // re-renders the menu: on a loaded machine a click on an item that was
      // just replaced opens nothing (seen once in CI-like runs), so a menu
      // that opened no dialog is opened again, once.
      const rename = async () => {
        for (let attempt = 0; ; attempt++) {
          await page.getByRole('button', { name: `${SEGMENT_NAME} 的操作` }).click();
          await page.locator('.ant-dropdown:visible').getByText('重命名 / 共享设置').click();
          try {
            await dlg.getByLabel('名称').waitFor({ timeout: 5000 });
            return;
          } catch (e) {
            if (attempt > 0) throw e;
            await page.keyboard.press('Escape');
          }
        }
      };
      await rename();
      await dlg.getByLabel('名称').fill('A 类常拜访');
      await dlg.getByText('共享给所有同事').click();
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await page.getByText('这个筛选刚被他人修改过，已刷新').waitFor();
      await dlg.waitFor({ state: 'detached' });
      // The list now shows the fresh version; the rename goes through on it.
      await rename();
      await dlg.getByLabel('名称').fill('A 类常拜访');
      await dlg.getByText('共享给所有同事').click();
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      const renamed = page.getByTestId('saved-segment').filter({ hasText: 'A 类常拜访' });
      await renamed.getByLabel('已共享').waitFor();
      const api = await gql(base, 'query($q:String){customersCount(query:$q)}', { q: 'tier:A visits(90d):>=3' }, token);
      await renamed.getByTestId('saved-count').filter({ hasText: api.customersCount.toLocaleString('zh-CN') }).waitFor();
      // Another salesperson sees the shared segment, without its menu.
      const other = await newContext();
      const p2 = await other.newPage();
      state.current = p2;
      await p2.goto(`${base}/login?next=%2Fcustomers`);
      await signIn(p2, 'sales2@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      const seen = p2.getByTestId('saved-segment').filter({ hasText: 'A 类常拜访' });
      await seen.waitFor();
      assert((await seen.getByRole('button', { name: /的操作$/ }).count()) === 0, 'no actions on a colleague’s segment');
      await shoot(p2, 'segment-shared-seen');
      await other.close();
      state.current = page;
      // Delete after confirming.
      await page.getByRole('button', { name: 'A 类常拜访 的操作' }).click();
      await page.locator('.ant-dropdown:visible').getByText('删除').click();
      await page.locator('.ant-modal-confirm-title').filter({ hasText: '删除筛选“A 类常拜访”？' }).waitFor();
      await shoot(page, 'segment-delete-confirm');
      await page.locator('.ant-modal-confirm').getByRole('button', { name: /删\s*除/ }).click();
      await page.getByText('已删除筛选').waitFor();
      await renamed.waitFor({ state: 'detached' });
    });

    await scenario('create a customer: server errors on the right fields, fix and save', async () => {
      await page.goto(`${base}/customers/new`);
      await page.getByLabel('客户名称').fill('杭州云栖测试科技有限公司');
      await page.getByLabel('统一社会信用代码').fill('91350100M000100Y44'); // wrong check character
      await page.getByLabel('姓名').fill('王经理');
      await page.getByLabel('电话').fill('12345');
      // A salesperson picks collaborators from the staff directory; only managers change the owner.
      await page.getByLabel('协作人', { exact: true }).click();
      // Colleagues by name (their e-mail is for managers), analysts not offered.
      await page.locator('.ant-select-dropdown:visible').getByText('李娜', { exact: true }).waitFor();
      assert((await page.locator('.ant-select-dropdown:visible').getByText('林晓').count()) === 0, 'analysts are not offered as collaborators');
      await page.keyboard.press('Escape');
      assert(await page.getByLabel('负责人', { exact: true }).isDisabled(), 'the owner picker is read-only for SALES');
      await shoot(page, 'customer-new');
      await page.locator('form button[type=submit]').first().click();
      const phoneItem = page.locator('.ant-form-item').filter({ has: page.getByLabel('电话') });
      await phoneItem.locator('.ant-form-item-explain-error').filter({ hasText: '手机号' }).waitFor();
      const codeItem = page.locator('.ant-form-item').filter({ has: page.getByLabel('统一社会信用代码') });
      await codeItem.locator('.ant-form-item-explain-error').filter({ hasText: '统一社会信用代码无效' }).waitFor();
      await shoot(page, 'customer-new-errors');
      await page.getByLabel('电话').fill('13812345678');
      await page.getByLabel('统一社会信用代码').fill('91350100M000100Y43');
      await page.locator('form button[type=submit]').first().click();
      await page.waitForURL(/\/customers\/C\d+$/);
      await page.getByRole('heading', { level: 1, name: '杭州云栖测试科技有限公司' }).waitFor();
      state.code = new URL(page.url()).pathname.split('/').pop();
      // Our own customer: contacts are shown in full.
      await page.getByText('13812345678').waitFor();
    });

    await scenario('log an interaction: first on the timeline', async () => {
      assert(state.code, 'needs the created customer');
      const summary = `e2e 拜访：确认方案细节 ${Date.now()}`;
      const quick = page.getByTestId('quick-log');
      await quick.getByText('拜访', { exact: true }).click(); // click 1: channel
      await quick.getByLabel('沟通内容').fill(summary);
      await quick.getByLabel('下一步要做什么').fill('发送报价单');
      await page.getByTestId('quick-log-save').click(); // click 2: log
      await page.getByTestId('timeline-item').first().filter({ hasText: summary }).waitFor();
      const first = await page.getByTestId('timeline-item').first().textContent();
      assert(first?.includes('发送报价单') && first.includes('拜访'), 'next action and channel on the first item');
      await shoot(page, 'customer-detail-logged');
      // The detailed form, in a dialog.
      await page.getByRole('button', { name: /详细记录/ }).click();
      await page.getByRole('dialog').getByLabel('沟通内容').waitFor();
      await shoot(page, 'interaction-dialog');
      await page.getByRole('dialog').getByRole('button', { name: /取\s*消/ }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    });

    await scenario('nested records: contact, deal (money), need (budget check), satisfaction', async () => {
      assert(state.code, 'needs the created customer');
      await page.goto(`${base}/customers/${state.code}`);
      await page.getByTestId('quick-log').waitFor();
      const dlg = page.getByRole('dialog');
      const save = dlg.locator('.ant-modal-footer .ant-btn-primary');
      const closed = () => dlg.waitFor({ state: 'detached' });
      // Contact: a bad e-mail is refused on the e-mail field.
      await page.getByRole('button', { name: /添加联系人/ }).click();
      await dlg.getByLabel('姓名').fill('李工');
      await dlg.getByLabel('邮箱').fill('li at example');
      await save.click();
      await dlg.locator('.ant-form-item-explain-error').filter({ hasText: '有效的邮箱地址' }).waitFor();
      await shoot(page, 'contact-dialog-error');
      await dlg.getByLabel('邮箱').fill('li@example.com');
      await save.click();
      await closed();
      await page.getByText('li@example.com').waitFor();
      // Deal: money typed as digits, shown grouped, totals recomputed by the server.
      await page.getByRole('tab', { name: /成交记录/ }).click();
      await page.getByRole('button', { name: /记录成交/ }).click();
      await dlg.getByLabel('产品/服务').fill('仓储管理系统');
      await dlg.getByLabel('金额（元）').fill('680000.5');
      await save.click();
      await closed();
      // One money format: compact (万) in the table and the figures, exact on hover.
      const dealAmount = page.locator('.ant-table-row .kehu-money').filter({ hasText: '¥68万' });
      await dealAmount.waitFor();
      await page.locator('.kehu-stats .kehu-money').filter({ hasText: '¥68万' }).waitFor();
      await dealAmount.hover();
      await page.locator('.ant-tooltip').getByText('¥680,000.50').waitFor();
      await shoot(page, 'customer-detail-deals');
      // Need: a budget whose top is below its bottom is refused on 预算上限.
      await page.getByRole('tab', { name: /需求/ }).click();
      await page.getByRole('button', { name: /添加需求/ }).click();
      await dlg.getByLabel('需求', { exact: true }).fill('仓储管理定制化方案');
      await dlg.getByLabel('预算下限（元）').fill('100000');
      await dlg.getByLabel('预算上限（元）').fill('50000');
      await save.click();
      await dlg.locator('.ant-form-item-explain-error').filter({ hasText: '不能小于预算下限' }).waitFor();
      await shoot(page, 'need-dialog-error');
      await dlg.getByLabel('预算上限（元）').fill('200000');
      await save.click();
      await closed();
      await page.locator('td').filter({ hasText: '¥10万 – ¥20万' }).waitFor();
      // Satisfaction.
      await page.getByRole('tab', { name: /满意度/ }).click();
      await page.getByRole('button', { name: /记录满意度/ }).click();
      await dlg.getByLabel('满意度评分').fill('90');
      await dlg.getByLabel('评价').fill('响应及时');
      await save.click();
      await closed();
      await page.getByText('响应及时').waitFor();
      await page.locator('.kehu-stats').getByText('90.0').waitFor();
    });

    await scenario('corrections: tick off a next action, set participants and clear a key event, correct a deal amount, correct and remove a satisfaction result', async () => {
      assert(state.code, 'needs the created customer');
      await page.goto(`${base}/customers/${state.code}`);
      await page.getByTestId('quick-log').waitFor();
      const dlg = page.getByRole('dialog');
      // Next action: one click on 完成 ticks it off (updateInteraction nextActionDone), kept after a reload.
      const next = page.getByTestId('next-action').filter({ hasText: '发送报价单' }).first();
      await next.getByRole('checkbox').check();
      await next.getByText('已完成').waitFor();
      await page.reload();
      const nextAgain = page.getByTestId('next-action').filter({ hasText: '发送报价单' }).first();
      await nextAgain.getByText('已完成').waitFor();
      assert(await nextAgain.getByRole('checkbox').isChecked(), 'the next action stays done after a reload');
      await shoot(page, 'customer-detail-next-done');
      // The edit dialog of the interaction shows the same interaction with its next action done.
      await page.getByTestId('timeline-item').filter({ hasText: '发送报价单' }).first().getByRole('button', { name: /^编辑 .* 的互动$/ }).click();
      await dlg.getByLabel('下一步已完成').waitFor();
      assert(await dlg.getByLabel('下一步已完成').isChecked(), 'the dialog shows the next action done');
      assert((await dlg.getByLabel('下一步行动').inputValue()) === '发送报价单', 'the dialog is filled from the interaction');
      await shoot(page, 'interaction-edit-dialog');
      // Correct the interaction: a key event and a second participant of ours (李娜), then clear the key event.
      const item = () => page.getByTestId('timeline-item').filter({ hasText: '发送报价单' }).first();
      await dlg.getByLabel('关键节点').click();
      await page.locator('.ant-select-dropdown:visible').getByText('投诉', { exact: true }).click();
      await dlg.getByLabel('我方参与人').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '李娜' }).click();
      await page.keyboard.press('Escape');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.waitFor({ state: 'detached' });
      await item().locator('.ant-tag').filter({ hasText: '投诉' }).waitFor();
      await item().getByText(/王磊、李娜|李娜、王磊/).waitFor();
      await item().getByRole('button', { name: /^编辑 .* 的互动$/ }).click();
      const keyEvent = dlg.locator('.ant-form-item').filter({ has: page.getByLabel('关键节点') });
      await keyEvent.getByText('投诉').waitFor();
      await keyEvent.locator('.ant-select-selector').hover();
      await keyEvent.locator('.ant-select-clear').click();
      await keyEvent.getByText('投诉').waitFor({ state: 'detached' });
      await shoot(page, 'interaction-edit-clear-key-event');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.waitFor({ state: 'detached' });
      await page.reload();
      await item().getByText(/王磊、李娜|李娜、王磊/).waitFor();
      assert((await item().locator('.ant-tag').filter({ hasText: '投诉' }).count()) === 0, 'the key event stays cleared after a reload');
      await item().getByText('已完成').waitFor();
      // Deal: 680000.5 corrected to 720000; the total on the tab and the card follow.
      await page.getByRole('tab', { name: /成交记录/ }).click();
      await page.getByRole('button', { name: /^编辑成交 仓储管理系统/ }).click();
      const amount = dlg.getByLabel('金额（元）');
      assert((await amount.inputValue()).startsWith('680,000.5'), `the dialog holds the amount: ${await amount.inputValue()}`);
      await amount.fill('720000');
      await shoot(page, 'deal-edit-dialog');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.waitFor({ state: 'detached' });
      await page.locator('.ant-table-summary').getByText('¥72万').waitFor();
      await page.locator('.kehu-stats').getByText('¥72万').waitFor();
      assert((await page.locator('[data-exact="¥680,000.50"]').count()) === 0, 'the old amount is gone');
      await shoot(page, 'customer-detail-deal-corrected');
      // Satisfaction: correct the score 90 to 85 (updateSatisfaction), kept after a reload.
      await page.getByRole('tab', { name: /满意度/ }).click();
      await page.getByRole('button', { name: /^编辑 .* 的满意度记录（90 分）$/ }).click();
      const score = dlg.getByLabel('满意度评分');
      assert((await score.inputValue()) === '90', `the dialog holds the score: ${await score.inputValue()}`);
      assert((await dlg.getByLabel('评价').inputValue()) === '响应及时', 'the dialog holds the comment');
      await score.fill('85');
      await shoot(page, 'satisfaction-edit-dialog');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.waitFor({ state: 'detached' });
      await page.locator('.kehu-stats').getByText('85.0').waitFor();
      await page.reload();
      await page.getByRole('tab', { name: /满意度/ }).click();
      await page.getByRole('button', { name: /^编辑 .* 的满意度记录（85 分）$/ }).waitFor();
      await page.locator('.kehu-stats').getByText('85.0').waitFor();
      assert((await page.getByRole('button', { name: /的满意度记录（90 分）$/ }).count()) === 0, 'the old score is gone after a reload');
      await shoot(page, 'customer-detail-satisfaction-corrected');
      // Satisfaction: remove the 85 result after confirming; the average goes back to none.
      await page.getByRole('button', { name: /^删除 .* 的满意度记录（85 分）$/ }).click();
      const pop = page.locator('.ant-popover:visible');
      await pop.getByText('删除这条满意度记录？').waitFor();
      await shoot(page, 'satisfaction-remove-confirm');
      await pop.getByRole('button', { name: /删\s*除/ }).click();
      await page.getByText('满意度记录已删除').waitFor();
      await page.getByText('响应及时').waitFor({ state: 'detached' });
      await page.getByText('还没有满意度记录').waitFor();
      await page.locator('.kehu-stats').getByText('暂无').waitFor();
    });

    await scenario('conflict from a second session: message, diff, reload keeps typed text', async () => {
      assert(state.code, 'needs the created customer');
      await page.goto(`${base}/customers/${state.code}/edit`);
      const notes = page.getByLabel('备注');
      await notes.waitFor();
      const typed = '客户希望下周安排技术交流（e2e 输入）';
      await notes.fill(typed);
      // A second session (the manager, over the API) changes the customer meanwhile.
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      const c = await gql(base, 'query($c:String){customer(code:$c){id version}}', { c: state.code }, token);
      await gql(
        base,
        'mutation($id:ID!,$v:Int!){updateCustomer(id:$id,expectedVersion:$v,input:{city:"宁波市",stage:PROPOSAL}){version}}',
        { id: c.customer.id, v: c.customer.version },
        token,
      );
      await page.locator('form button[type=submit]').first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('客户已被他人修改').waitFor();
      await dialog.getByText('宁波市').waitFor();
      await dialog.getByText('方案提交').waitFor();
      await shoot(page, 'customer-conflict');
      await page.getByTestId('conflict-reload').click();
      await page.getByTestId('conflict-reloaded').waitFor();
      assert((await notes.inputValue()) === typed, 'the typed notes survive the reload');
      assert((await page.getByLabel('城市').inputValue()) === '宁波市', 'the fresh city is loaded');
      await page.locator('form button[type=submit]').first().click();
      await page.waitForURL(new RegExp(`/customers/${state.code}$`));
      await page.getByText(typed).waitFor();
      await page.getByText('宁波市').first().waitFor();
    });

    await scenario('expired session: sign in again and return to the page', async () => {
      assert(state.code, 'needs the created customer');
      await page.goto(`${base}/customers?q=${encodeURIComponent('科技')}`);
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      // The session ends elsewhere (cookie gone): the next request is UNAUTHENTICATED.
      await desktop.clearCookies();
      await page.locator('tr.kehu-row-clickable').first().click();
      await page.waitForURL(/\/login\?next=.*expired=1/);
      await page.getByText('登录已过期').waitFor();
      await shoot(page, 'login-expired');
      await signIn(page, 'sales1@kehu.local', DEMO_PASSWORD);
      await page.waitForURL(/\/customers\/C\d+$/);
      await page.getByTestId('timeline').waitFor();
    });

    await scenario('accessibility: AA contrast, one main heading that takes the focus (1280 and 375)', async () => {
      // axe-core's rules over each page as it first shows, plus our own: one
      // h1, and it has the focus after the page opened (by a click too).
      const audit = async (p, what) => {
        // The pointer left where a row was tapped hovers whatever the new page put there (the
        // call button on a phone), once the page's late parts move the layout: take it away.
        await p.mouse.move(0, 0);
        await p.waitForTimeout(400); // transitions (a fading colour is measured mid-way otherwise)
        await p.addScriptTag({ content: AXE });
        const found = await p.evaluate(async () => {
          const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast', 'page-has-heading-one', 'empty-heading'] } });
          return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} (${(n.any[0]?.message ?? '').slice(0, 90)})`).join('; ')}`);
        });
        const h1 = await p.evaluate(() => ({ n: document.querySelectorAll('h1').length, focused: document.activeElement?.tagName === 'H1' }));
        const size = p.viewportSize();
        assert(found.length === 0, `${what} at ${size.width} px: ${found.join(' | ')}`);
        assert(h1.n === 1, `${what} at ${size.width} px has ${h1.n} h1 elements`);
        return h1;
      };
      for (const viewport of [DESKTOP, PHONE]) {
        const ctx = await newContext(viewport, { bypassCSP: true }); // to inject axe-core
        const p = await ctx.newPage();
        state.current = p;
        const row = viewport === DESKTOP ? 'tr.kehu-row-clickable' : '.kehu-card-clickable';
        await p.goto(`${base}/login`);
        await p.getByRole('button', { name: /登\s*录/ }).waitFor();
        await audit(p, 'login');
        await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
        await p.locator(row).first().waitFor();
        assert((await audit(p, 'customer list')).focused, 'the list heading has the focus after sign-in');
        await p.locator(row).first().click();
        await p.getByTestId('timeline').waitFor();
        assert((await audit(p, 'customer detail')).focused, 'the customer heading has the focus after opening it');
        await p.goto(`${base}/customers/new`);
        await p.getByLabel('客户名称').waitFor();
        await audit(p, 'new customer');
        await p.goto(`${base}/settings`);
        await p.getByTestId('language-switch').waitFor();
        await audit(p, 'settings');
        await p.goto(`${base}/users`);
        await p.getByText('sales2@kehu.local').first().waitFor();
        await audit(p, 'users');
        await ctx.close();
      }
      state.current = page;
    });

    await scenario('the list for people who own customers: fits 1280 px, 我的客户 remembered, 最近查看, / and Ctrl+K (1280 and 375)', async () => {
      const fits = async (p, what) => {
        const w = await p.evaluate(() => {
          const el = document.querySelector('.ant-table-content') ?? document.querySelector('.ant-table-body');
          return el ? { scroll: el.scrollWidth, client: el.clientWidth } : null;
        });
        assert(w && w.scroll <= w.client + 1, `${what}: the default columns scroll sideways at 1280 px: ${JSON.stringify(w)}`);
      };
      const ctx = await newContext();
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login`);
      await signIn(p, 'sales2@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await p.locator('tr.kehu-row-clickable').first().waitFor();
      await fits(p, 'zh');
      // 我的客户: only my customers, and the choice comes back on the next visit.
      await p.getByTestId('mine-switch').getByText('我的客户').click();
      await p.waitForURL((u) => u.searchParams.get('mine') === '1');
      await p.locator('tr.kehu-row-clickable').first().waitFor();
      const me = (await p.locator('.kehu-header').innerText()).match(/(\S+)\s*销售/)?.[1];
      assert(me, 'the header names the user');
      // (the previous page stays on screen until the new one arrives)
      await p
        .waitForFunction(
          (name) => {
            const col = [...document.querySelectorAll('thead th')].findIndex((th) => th.textContent.trim() === '负责人') + 1;
            const cells = [...document.querySelectorAll(`tr.kehu-row-clickable td:nth-child(${col})`)].map((td) => td.textContent.trim());
            return cells.length > 0 && cells.every((c) => c === name);
          },
          me,
          { timeout: T },
        )
        .catch(async () => {
          const owners = await p.locator('tr.kehu-row-clickable').allInnerTexts();
          throw new Error(`only ${me}'s customers: ${owners.join(',')}`);
        });
      await shoot(p, 'customer-list-mine');
      await p.goto(`${base}/customers`);
      await p.waitForURL((u) => u.searchParams.get('mine') === '1');
      await p.getByTestId('mine-switch').locator('.ant-segmented-item-selected').filter({ hasText: '我的客户' }).waitFor();
      // Open one; it is first under 最近查看 and in the quick switcher.
      const first = p.locator('tr.kehu-row-clickable').first();
      const name = (await first.getAttribute('aria-label')) ?? '';
      await first.click();
      await p.getByTestId('timeline').waitFor();
      await p.goBack();
      await p.getByTestId('recent-open').click();
      await p.locator('.ant-dropdown:visible').getByText(name, { exact: true }).waitFor();
      await p.keyboard.press('Escape');
      await p.getByTestId('mine-switch').getByText('全部客户').click();
      await p.waitForURL((u) => u.searchParams.get('mine') !== '1');
      // "/" puts the caret into the search box.
      await p.locator('body').click({ position: { x: 5, y: 300 } });
      await p.keyboard.press('/');
      assert(await p.getByTestId('query-box').evaluate((el) => document.activeElement === el || el.contains(document.activeElement)), '/ focuses the search box');
      await p.keyboard.press('Escape');
      // Ctrl+K: the switcher lists the recent one, finds another by code, Enter opens it.
      await p.locator('body').click({ position: { x: 5, y: 300 } });
      await p.keyboard.press('Control+k');
      const sw = p.getByTestId('quick-switcher-input');
      await sw.waitFor();
      await p.getByTestId('quick-switcher-item').filter({ hasText: name }).waitFor();
      await shoot(p, 'quick-switcher');
      const other = await gql(base, '{ customers(first: 1, orderBy: {field: CODE, direction: ASC}) { edges { node { code name } } } }', {}, await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD));
      const target = other.customers.edges[0].node;
      await sw.fill(target.code);
      // The code's match, selected (not a name containing the name, nor the
      // list before the search answered): Enter opens what is selected.
      await p.locator('[data-testid="quick-switcher-item"][aria-selected="true"]').filter({ hasText: target.code }).waitFor();
      await sw.press('Enter');
      await p.waitForURL((u) => decodeURIComponent(u.pathname) === `/customers/${target.code}`);
      await p.getByRole('heading', { level: 1, name: target.name }).waitFor();
      // English: the default columns fit too.
      await p.goto(`${base}/settings`);
      await p.getByTestId('language-switch').getByText('English').click();
      await p.getByRole('heading', { level: 1, name: 'My settings' }).waitFor();
      await p.goto(`${base}/customers?mine=0`);
      await p.locator('tr.kehu-row-clickable').first().waitFor();
      await fits(p, 'en');
      await shoot(p, 'customer-list-en-1280');
      await p.goto(`${base}/settings`);
      await p.getByTestId('language-switch').getByText('简体中文').click();
      await p.getByRole('heading', { level: 1, name: /设置/ }).waitFor();
      await ctx.close();
      // On a phone: the switch and the switcher are there too.
      const phone = await newContext(PHONE, { bypassCSP: true });
      const q = await phone.newPage();
      state.current = q;
      await q.goto(`${base}/login`);
      await signIn(q, 'sales2@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await q.locator('.kehu-card-clickable').first().waitFor();
      await q.getByTestId('mine-switch').waitFor();
      await q.getByTestId('quick-switcher-open').click();
      await q.getByTestId('quick-switcher').getByText('还没有查看过客户').waitFor(); // recent ones are kept per browser
      await q.getByTestId('quick-switcher-input').fill(target.name.slice(0, 4));
      await q.getByTestId('quick-switcher-item').filter({ hasText: target.code }).waitFor(); // by its code: another name may contain this one
      await shoot(q, 'quick-switcher');
      await phone.close();
      state.current = page;
    });

    await scenario('phone-sized pages (375x812)', async () => {
      const phone = await newContext(PHONE);
      const p = await phone.newPage();
      state.current = p;
      await p.goto(`${base}/login`);
      await p.getByRole('button', { name: /登\s*录/ }).waitFor();
      await shoot(p, 'login');
      await signIn(p, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await p.locator('.kehu-card-clickable').first().waitFor();
      await shoot(p, 'customer-list');
      await p.goto(`${base}/customers?q=${encodeURIComponent(SEGMENT_LINE + ' deals(365d):>=500000')}`);
      await setBuilder(p, true);
      await p.getByTestId('seg-block').first().waitFor();
      await segCount(p);
      await shoot(p, 'segment-builder');
      // Saved segments in a drawer: save the current filter from there.
      await p.getByTestId('saved-open').click();
      await p.getByTestId('saved-save').click();
      await p.getByRole('dialog').getByLabel('名称').fill('手机上保存的筛选');
      // The save closes the dialog; a click that the opening dialog swallowed
      // (seen once in a full run) is given once more.
      const saveButton = p.getByRole('dialog', { name: '保存当前筛选' }).locator('.ant-modal-footer .ant-btn-primary');
      await saveButton.click();
      try {
        await p.getByRole('dialog', { name: '保存当前筛选' }).waitFor({ state: 'detached', timeout: 5000 });
      } catch {
        await saveButton.click({ timeout: 2000 }).catch(() => {}); // gone meanwhile: the first click did it
        await p.getByRole('dialog', { name: '保存当前筛选' }).waitFor({ state: 'detached' });
      }
      await p.getByText('已保存筛选“手机上保存的筛选”').waitFor();
      await p.getByTestId('saved-segment').filter({ hasText: '手机上保存的筛选' }).getByTestId('saved-count').waitFor();
      await p.waitForTimeout(300); // the drawer's opening motion
      await shoot(p, 'segment-saved-drawer');
      await p.getByTestId('saved-segment').filter({ hasText: '手机上保存的筛选' }).locator('button').first().click();
      await p.locator('.ant-drawer-open').waitFor({ state: 'detached' });
      await p.getByTestId('query-box').fill('tier:A (');
      await p.getByTestId('query-box').press('Enter');
      await p.getByTestId('query-problem').waitFor();
      await shoot(p, 'segment-line-error');
      await setBuilder(p, false);
      await p.locator('.kehu-card-clickable').first().click();
      await p.getByTestId('timeline').waitFor();
      await shoot(p, 'customer-detail');
      await p.goto(`${base}/customers/${await salesOwnCustomer()}`);
      await p.getByTestId('quick-log').waitFor();
      await shoot(p, 'customer-detail-own');
      await p.goto(`${base}/customers/new`);
      await p.getByLabel('客户名称').waitFor();
      await shoot(p, 'customer-new');
      await p.goto(`${base}/settings`);
      await p.getByTestId('language-switch').waitFor();
      await shoot(p, 'settings');
      await phone.close();
      const admin = await newContext(PHONE);
      const a = await admin.newPage();
      await a.goto(`${base}/login?next=%2Fusers`);
      await signIn(a, 'admin@kehu.local', ADMIN_PASSWORD, { expectPath: '/users' });
      await a.getByRole('button', { name: /新建用户/ }).waitFor();
      // A card per user, nothing scrolls sideways (neither the page nor a table inside it).
      await a.getByTestId('user-card').filter({ hasText: 'sales2@kehu.local' }).waitFor();
      assert((await a.locator('.ant-table').count()) === 0, 'no table on a phone');
      const widths = await a.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
      assert(widths.doc <= 375 && widths.body <= 375, `the users page scrolls sideways on a phone: ${JSON.stringify(widths)}`);
      await a.getByTestId('user-card').filter({ hasText: 'sales2@kehu.local' }).getByRole('combobox', { name: /角色/ }).waitFor();
      await shoot(a, 'users');
      await admin.close();
    });

    await scenario('users page for admins: create, change role, disable', async () => {
      const admin = await newContext();
      const a = await admin.newPage();
      state.current = a;
      await a.goto(`${base}/users`);
      await signIn(a, 'admin@kehu.local', ADMIN_PASSWORD, { expectPath: '/users' });
      await a.getByRole('button', { name: /新建用户/ }).click();
      const dlg = a.getByRole('dialog');
      await dlg.getByLabel('邮箱').fill('sales9@kehu.local');
      await dlg.getByLabel('姓名').fill('测试销售');
      await dlg.getByLabel('初始密码').fill('short');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.locator('.ant-form-item-explain-error').filter({ hasText: '至少 10 个字符' }).waitFor();
      await shoot(a, 'users-new-error');
      await dlg.getByLabel('初始密码').fill('long-enough-password');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      const row = a.locator('tr').filter({ hasText: 'sales9@kehu.local' });
      await row.waitFor();
      await row.locator('.ant-select').click();
      await a.locator('.ant-select-dropdown:visible').getByText('客服', { exact: true }).click();
      await a.getByText('已更新').first().waitFor();
      await row.getByRole('switch', { name: '停用 测试销售' }).click();
      await a.getByRole('button', { name: /停\s*用/ }).click();
      await row.getByText('已停用').waitFor();
      await shoot(a, 'users');
      state.current = page;
      await admin.close();
    });

    // Nested lists (issue 14): the customer page asks for the newest records
    // of each list and says when a section shows only those; the list shows
    // the primary contact (contacts(limit: 1)).
    await scenario('nested lists: the newest deals only, said so; the primary contact in the list', async () => {
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      const made = await gql(
        base,
        'mutation($i:CustomerInput!){createCustomer(input:$i){id code}}',
        { i: { name: 'e2e 长期订货渠道商', type: 'CHANNEL', contacts: [{ name: '采购 甲' }, { name: '总经理 乙', primary: true }] } },
        token,
      );
      const { id, code } = made.createCustomer;
      for (let i = 0; i < 101; i++) {
        const date = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
        await gql(base, 'mutation($id:ID!,$d:Date!,$p:String!){recordDeal(customerId:$id,input:{product:$p,amount:"100",date:$d}){id}}', { id, d: date, p: `订单 ${date}` }, token);
      }
      await page.goto(`${base}/customers/${code}`);
      await page.getByRole('tab', { name: /成交记录/ }).click();
      await page.getByTestId('newest-only').filter({ hasText: '仅显示最近的 100 条（共 101 条）' }).waitFor();
      await page.getByText('订单 2024-04-10').waitFor(); // the newest (the 101st day)
      assert((await page.getByText('订单 2024-01-01').count()) === 0, 'the oldest deal is left out');
      await shoot(page, 'customer-detail-newest-deals');
      await page.goto(`${base}/customers?q=${encodeURIComponent('长期订货渠道商')}`);
      await page.locator('tr.kehu-row-clickable').filter({ hasText: '长期订货渠道商' }).filter({ hasText: '总经理 乙' }).waitFor();
      const phone = await newContext(PHONE);
      const p = await phone.newPage();
      await p.goto(`${base}/login?next=${encodeURIComponent(`/customers/${code}`)}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${code}` });
      await p.getByRole('tab', { name: /成交记录/ }).click();
      await p.getByTestId('newest-only').waitFor();
      await p.getByTestId('newest-only').scrollIntoViewIfNeeded();
      await shoot(p, 'customer-detail-newest-deals');
      await phone.close();
    });

    // ---- Bulk changes (pages/bulk): select rows, a range with shift, all matching; confirm; progress; failures.
    await scenario('bulk changes at 1280: range with shift, reassign, all matching with progress', async () => {
      // Customers of tier C that 李娜 does not own yet: each of them changes.
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      const lina = (await gql(base, '{ staff { id email } }', {}, token)).staff.find((u) => u.email === 'sales2@kehu.local').id;
      const ctx = await newContext();
      const m = await ctx.newPage();
      state.current = m;
      await m.goto(`${base}/login?next=${encodeURIComponent(`/customers?q=tier:C -owner:${lina}`)}`);
      await signIn(m, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      const rows = m.locator('tr.kehu-row-clickable');
      await rows.nth(4).waitFor();
      await rows.nth(0).locator('.ant-checkbox-input').click();
      await rows.nth(3).locator('.ant-checkbox-input').click({ modifiers: ['Shift'] });
      await m.getByTestId('bulk-count').and(m.locator('[data-count="4"]')).waitFor();
      // The manager is offered every action, reassign included.
      await m.getByTestId('bulk-actions').click();
      await m.getByRole('menuitem', { name: '转移负责人' }).click();
      const dlg = m.getByRole('dialog', { name: '转移负责人' });
      await dlg.getByTestId('bulk-confirm').filter({ hasText: '4 个客户' }).waitFor();
      await dlg.getByLabel('新负责人').click();
      await m.keyboard.type('李娜');
      await m.keyboard.press('Enter');
      await shoot(m, 'bulk-reassign-confirm');
      await dlg.getByRole('button', { name: /转移负责人 4 个客户/ }).click();
      await m.getByTestId('bulk-summary').filter({ hasText: '已修改 4 个' }).waitFor();
      await shoot(m, 'bulk-reassign-done');
      const reassigned = ((await rows.nth(0).locator('td').nth(1).textContent()) ?? '').trim();
      await m.getByTestId('bulk-close').click();
      // Now 李娜's, they leave the list.
      await rows.filter({ hasText: reassigned }).waitFor({ state: 'detached' });
      // The page, then every customer matching the filter.
      const total = Number(((await m.getByTestId('customer-total').textContent()) ?? '').replace(/\D/g, ''));
      assert(total > 50, `the filter holds more than one synchronous batch: ${total}`);
      await m.locator('thead .ant-checkbox-input').click();
      await m.getByTestId('bulk-count').and(m.locator('[data-count="20"]')).waitFor();
      await m.getByTestId('bulk-select-all').click();
      await m.getByTestId('bulk-count').and(m.locator(`[data-count="${total}"]`)).waitFor();
      await shoot(m, 'bulk-all-selected');
      await m.getByTestId('bulk-actions').click();
      await m.getByRole('menuitem', { name: '添加标签' }).click();
      const tags = m.getByRole('dialog', { name: '添加标签' });
      await tags.getByLabel('标签').fill('批量标记');
      await tags.getByLabel('标签').press('Enter');
      await tags.getByRole('button', { name: new RegExp(`添加标签 ${total.toLocaleString('zh-CN')} 个客户`) }).click();
      const job = m.getByTestId('bulk-job');
      await job.waitFor();
      if ((await job.getAttribute('data-status')) === 'RUNNING') await shoot(m, 'bulk-progress');
      await m.locator('[data-testid="bulk-job"][data-status="DONE"]').waitFor({ timeout: 120_000 });
      await m.getByTestId('bulk-summary').filter({ hasText: `已修改 ${total.toLocaleString('zh-CN')} 个` }).waitFor();
      await m.getByTestId('bulk-close').click();
      // The customer's history says who gave it to whom.
      await m.goto(`${base}/customers/${reassigned}`);
      await m.getByRole('tab', { name: /变更历史/ }).click();
      await m.getByTestId('owner-history').filter({ hasText: '→ 李娜' }).filter({ hasText: '陈志强' }).waitFor();
      await shoot(m, 'bulk-owner-history');
      await ctx.close();
    });

    await scenario('bulk changes at 375: a sales rep sees its actions only and what it could not change', async () => {
      const ctx = await newContext(PHONE);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent('/customers?q=-owner:me')}`);
      await signIn(p, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      const cards = p.locator('.kehu-card-clickable');
      await cards.nth(2).waitFor();
      await cards.nth(0).getByTestId('bulk-check').click();
      await cards.nth(1).getByTestId('bulk-check').click();
      await p.getByTestId('bulk-count').and(p.locator('[data-count="2"]')).waitFor();
      assert(p.url().includes('/customers?'), `ticking a card does not open it: ${p.url()}`);
      await p.getByTestId('bulk-actions').click();
      await p.getByRole('menuitem', { name: '添加标签' }).waitFor();
      assert((await p.getByRole('menuitem', { name: '转移负责人' }).count()) === 0, 'a sales rep is not offered reassigning');
      await shoot(p, 'bulk-actions');
      await p.getByRole('menuitem', { name: '添加标签' }).click();
      const dlg = p.getByRole('dialog', { name: '添加标签' });
      await dlg.getByLabel('标签').fill('回访');
      await dlg.getByLabel('标签').press('Enter');
      await dlg.getByRole('button', { name: /添加标签 2 个客户/ }).click();
      await p.getByTestId('bulk-summary').waitFor();
      const failures = p.getByTestId('bulk-failures').locator('[data-code="FORBIDDEN"]');
      await failures.first().filter({ hasText: '你无权修改此客户' }).waitFor();
      const widths = await p.evaluate(() => document.documentElement.scrollWidth);
      assert(widths <= 375, `the page scrolls sideways: ${widths}`);
      await shoot(p, 'bulk-failures');
      await p.getByTestId('bulk-close').click();
      await ctx.close();
    });

    // ---- possible duplicates before creating a customer (issue 15) ----
    await scenario('possible duplicates: a new customer like a demo one, typed at once, at 1280 and 375 px', async () => {
      const token = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
      const list = await gql(base, '{ customers(first: 100, orderBy: {field: CODE, direction: ASC}) { nodes { code name } } }', {}, token);
      const demo = list.customers.nodes.find((c) => /^[\u4e00-\u9fff]{4,}有限公司$/.test(c.name) && !c.name.endsWith('股份有限公司'));
      assert(demo, 'a demo customer named ...有限公司');
      const core = demo.name.slice(0, -'有限公司'.length);
      // Differs only by width (a full-width space and brackets) and the legal form.
      const typed = `${core.slice(0, 2)}　${core.slice(2)}（集团）股份有限公司`;
      const phone = await newContext(PHONE);
      const p2 = await phone.newPage();
      await p2.goto(`${base}/login`);
      await signIn(p2, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      for (const [p, last] of [[page, false], [p2, true]]) {
        state.current = p;
        // From the list, with a search typed but not run (its late answer must
        // not take the user back), to the form.
        await p.goto(`${base}/customers`);
        await p.locator('tr.kehu-row-clickable, .kehu-card-clickable').first().waitFor();
        // (the search's answer held back until the form is on screen)
        const slowParse = async (route) => {
          await new Promise((r) => setTimeout(r, 1500));
          await route.continue();
        };
        await p.route('**/graphql?op=ParseQuery', slowParse);
        await p.getByPlaceholder('搜索客户名称、编号或联系人').fill('科技');
        await p.getByRole('button', { name: /新建客户/ }).click();
        // Typed the moment the form shows: nothing loading afterwards resets it.
        const name = p.locator('#customer_name'); // (the list's search box is labelled 客户名称 too)
        const contact = p.locator('#customer_contacts_0_name');
        await name.waitFor();
        await name.pressSequentially(typed.slice(0, 4));
        await contact.pressSequentially('周经理');
        await p.waitForTimeout(1500);
        assert((await name.inputValue()) === typed.slice(0, 4), `typed name kept: ${await name.inputValue()}`);
        assert((await contact.inputValue()) === '周经理', 'typed contact name kept');
        assert(new URL(p.url()).pathname === '/customers/new', `still on the form: ${p.url()}`);
        await p.unroute('**/graphql?op=ParseQuery', slowParse);
        // Leaving the name field shows the demo customer, with what it shares.
        await name.fill(typed);
        await name.blur();
        const notice = p.getByTestId('duplicate-notice');
        await notice.getByText(demo.name, { exact: true }).waitFor();
        await notice.getByText('名称相同').waitFor();
        await notice.scrollIntoViewIfNeeded();
        await shoot(p, 'customer-new-duplicate');
        // Saving asks first: open the existing one, keep editing, or create anyway.
        await p.locator('form button[type=submit]').first().click();
        const dlg = p.getByRole('dialog', { name: '这个客户可能已经存在' });
        await dlg.getByText(demo.name, { exact: true }).waitFor();
        await p.waitForTimeout(300); // the dialog's opening animation
        await shoot(p, 'customer-new-duplicate-confirm');
        if (!last) {
          await dlg.getByRole('button', { name: `打开 ${demo.name}` }).click();
          await p.waitForURL((u) => u.pathname === `/customers/${demo.code}`);
          await p.getByRole('heading', { level: 1, name: demo.name }).waitFor();
        } else {
          await dlg.getByRole('button', { name: /返回修改/ }).click();
          await dlg.waitFor({ state: 'hidden' });
          assert((await name.inputValue()) === typed, 'keep editing keeps the form');
          await p.locator('form button[type=submit]').first().click();
          await p.getByTestId('create-anyway').click();
          await p.waitForURL(/\/customers\/C\d+$/);
          assert(!p.url().endsWith(`/${demo.code}`), 'a new customer was created');
        }
      }
      state.current = page;
      await phone.close();
    });

    // ---- phone: the phone between visits, and the ways back (issue 15) ----
    const shanghai = (iso) => {
      const d = new Date(iso);
      return {
        day: d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }),
        time: d.toLocaleTimeString('sv-SE', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' }),
      };
    };
    const noSideways = async (p, what) => {
      const w = await p.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
      assert(w.doc <= 375 && w.body <= 375, `${what} scrolls sideways at 375 px: ${JSON.stringify(w)}`);
    };
    const salesToken = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
    const own = await gql(base, '{customers(first:100, query:"owner:me"){nodes{code name contacts(limit: 20){name primary phone wechat}}}}', {}, salesToken);
    const reachable = own.customers.nodes.filter((c) => c.contacts.some((k) => k.primary && k.phone));
    const phoneCustomer = reachable.find((c) => c.contacts.some((k) => k.primary && k.wechat)) ?? reachable[0];

    await scenario('phone: call and WeChat first, a visit with a next action due 明天 by tapping (375)', async () => {
      assert(phoneCustomer, 'a customer of sales1 whose primary contact has a phone');
      const ctx = await newContext(PHONE);
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent(`/customers/${phoneCustomer.code}`)}`);
      await signIn(p, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${phoneCustomer.code}` });
      const call = p.getByTestId('reach-call');
      await call.waitFor();
      const href = await call.getAttribute('href');
      assert(/^tel:\+?\d{5,}/.test(href ?? ''), `the call button is a tel: link: ${href}`);
      const box = await call.boundingBox();
      const timeline = await p.getByTestId('timeline').boundingBox();
      assert(box && box.y + box.height <= 812, `the call button is on the first screen: ${JSON.stringify(box)}`);
      assert(box.height >= 44 && box.width >= 44, `the call button is a large target: ${JSON.stringify(box)}`);
      assert(timeline && timeline.y > box.y, 'the timeline comes after the call button');
      const quickTop = (await p.getByTestId('quick-log').boundingBox())?.y ?? 1e9;
      assert(quickTop < timeline.y, 'the quick log comes before the timeline');
      await noSideways(p, 'the customer page');
      await shoot(p, 'phone-customer-reach');
      const primary = phoneCustomer.contacts.find((k) => k.primary);
      if (primary?.wechat) {
        await p.bringToFront(); // the clipboard is the focused page's
        await p.getByTestId('reach-wechat').tap();
        await p.locator('.ant-message').getByText(primary.wechat, { exact: false }).waitFor();
        await shoot(p, 'phone-wechat-copied');
      }
      // The visit, tapping only (the summary and the next step are typed, the date is tapped).
      const quick = p.getByTestId('quick-log');
      const summary = `手机拜访 ${Date.now()}`;
      await quick.getByText('拜访', { exact: true }).tap();
      await quick.getByLabel('沟通内容').fill(summary);
      await quick.getByLabel('下一步要做什么').fill('带样品再访');
      const tomorrow = quick.getByTestId('date-preset-tomorrow');
      await tomorrow.waitFor();
      const tb = await tomorrow.boundingBox();
      assert(tb && tb.x >= 0 && tb.x + tb.width <= 375 && tb.height >= 44, `明天 fits the screen and is a large target: ${JSON.stringify(tb)}`);
      await shoot(p, 'phone-quick-log-date');
      // Enter in the date box does not log the visit.
      await quick.getByLabel('截止时间').press('Enter');
      await p.waitForTimeout(500);
      assert((await quick.getByLabel('沟通内容').inputValue()) === summary, 'Enter in the date box kept the entry (not submitted)');
      await tomorrow.tap();
      await quick.getByLabel('截止时间').evaluate((el) => el.value).then((v) => assert(/T09:00$/.test(v), `明天 sets 09:00: ${v}`));
      await p.getByTestId('quick-log-save').tap();
      await p.getByTestId('timeline-item').first().filter({ hasText: summary }).waitFor();
      await noSideways(p, 'the customer page after logging');
      await shoot(p, 'phone-visit-logged');
      const d = await gql(base, 'query($c:String!){customer(code:$c){interactions(newestFirst:true, limit:1){summary nextAction{what due}}}}', { c: phoneCustomer.code }, salesToken);
      const it = d.customer.interactions[0];
      const want = shanghai(new Date(Date.now() + 86_400_000).toISOString()).day;
      assert(it.summary === summary && it.nextAction?.what === '带样品再访', `logged: ${JSON.stringify(it)}`);
      const due = shanghai(it.nextAction.due);
      assert(due.day === want && due.time === '09:00', `due tomorrow 09:00, got ${it.nextAction.due}`);
      // The full dialog fits too: its date fields are the phone's own inputs with the shortcuts.
      await p.getByRole('button', { name: /详细记录/ }).tap();
      const dlg = p.getByRole('dialog');
      await dlg.getByTestId('date-preset-today').first().waitFor();
      await noSideways(p, 'the interaction dialog');
      await shoot(p, 'phone-interaction-dialog');
      await ctx.close();
      state.current = page;
    });

    await scenario('phone: masked contact details are never dialled (375)', async () => {
      assert(phoneCustomer, 'a customer of sales1');
      const ctx = await newContext(PHONE);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent(`/customers/${phoneCustomer.code}`)}`);
      await signIn(p, 'sales2@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${phoneCustomer.code}` });
      await p.getByTestId('reach-masked').waitFor();
      await p.getByTestId('timeline').waitFor();
      assert((await p.locator('a[href^="tel:"]').count()) === 0, 'no tel: link with a masked number');
      await shoot(p, 'phone-customer-masked');
      await ctx.close();
      state.current = page;
    });

    await scenario('desktop: Enter in a date box never saves; 明天 in the picker (1280)', async () => {
      assert(phoneCustomer, 'a customer of sales1');
      await page.goto(`${base}/customers/${phoneCustomer.code}`);
      await page.getByTestId('quick-log').waitFor();
      // Counted through the API: the timeline shows the latest 30.
      const logged = async () =>
        (await gql(base, 'query($c:String!){customer(code:$c){interactionCount}}', { c: phoneCustomer.code }, salesToken)).customer.interactionCount;
      const before = await logged();
      await page.getByRole('button', { name: /详细记录/ }).click();
      const dlg = page.getByRole('dialog');
      await dlg.getByLabel('沟通内容').fill('Ctrl+Enter 保存的记录');
      await dlg.getByLabel('下一步行动').fill('回电');
      const due = dlg.getByLabel('截止时间');
      await due.click();
      await page.locator('.ant-picker-dropdown:visible .ant-picker-presets').getByText('明天').waitFor();
      await shoot(page, 'picker-presets');
      await due.fill('2030-01-02 10:30');
      await due.press('Enter');
      await page.waitForTimeout(600);
      assert(await dlg.isVisible(), 'Enter in the date box closed (saved) the dialog');
      await dlg.getByLabel('沟通内容').press('Control+Enter').catch(() => undefined);
      // Ctrl+Enter in a text area saves on purpose: the entry is logged once.
      await dlg.waitFor({ state: 'detached' });
      await page.getByTestId('timeline-item').first().filter({ hasText: 'Ctrl+Enter 保存的记录' }).waitFor();
      assert((await logged()) === before + 1, 'one entry logged');
      // The quick log's picker offers the shortcuts too; 明天 sets tomorrow 09:00.
      const quick = page.getByTestId('quick-log');
      await quick.getByLabel('下一步要做什么').fill('寄合同');
      await quick.getByLabel('截止时间').click();
      await page.locator('.ant-picker-dropdown:visible .ant-picker-presets').getByText('明天').click();
      const v = await quick.getByLabel('截止时间').inputValue();
      const want = shanghai(new Date(Date.now() + 86_400_000).toISOString()).day;
      assert(v === `${want} 09:00`, `明天 in the picker: ${v}`);
      await quick.getByLabel('截止时间').press('Enter');
      await page.waitForTimeout(500);
      assert((await logged()) === before + 1, 'Enter in the quick log date box logged nothing');
      await quick.getByLabel('下一步要做什么').fill('');
    });

    await scenario('ways back: edit, save, Back goes to the list, not the form; the 客户 menu keeps the list (1280)', async () => {
      await page.goto(`${base}/customers?q=${encodeURIComponent('owner:me')}&sort=NAME.asc&size=50`);
      await page.locator('tr.kehu-row-clickable').first().waitFor();
      const listUrl = page.url();
      await page.getByTestId('list-reset').waitFor();
      await page.locator('tr.kehu-row-clickable').nth(Math.min(5, own.customers.nodes.length - 1)).click();
      await page.waitForURL(/\/customers\/C/);
      const detailPath = new URL(page.url()).pathname;
      await page.getByRole('button', { name: /编\s*辑/ }).first().click();
      await page.waitForURL(/\/edit$/);
      await page.getByLabel('备注').fill(`手机路径测试 ${Date.now()}`);
      await page.getByLabel('客户名称').press('Enter');
      await page.waitForTimeout(500);
      assert(page.url().endsWith('/edit'), 'Enter in a field of the customer form saved it');
      await page.getByRole('button', { name: /保\s*存/ }).click();
      await page.waitForURL((u) => u.pathname === detailPath);
      await page.getByText('已更新').first().waitFor().catch(() => undefined);
      await page.goBack();
      await page.waitForURL((u) => u.pathname === '/customers');
      assert(page.url() === listUrl, `Back after saving returns to the list as it was: ${page.url()} (wanted ${listUrl})`);
      await page.goForward();
      await page.waitForURL((u) => u.pathname === detailPath);
      // The 客户 menu goes back to the last list; 清除筛选 resets it.
      await page.locator('nav').getByRole('link', { name: '客户' }).click();
      await page.waitForURL((u) => u.pathname === '/customers');
      assert(page.url() === listUrl, `the 客户 menu returns to the last list: ${page.url()}`);
      await shoot(page, 'list-remembered');
      await page.getByTestId('list-reset').click();
      await page.waitForURL((u) => u.pathname === '/customers' && u.search === '');
      await page.getByTestId('list-reset').waitFor({ state: 'detached' });
      await page.locator('nav').getByRole('link', { name: '客户' }).getAttribute('href').then((h) => assert(h === '/customers', `menu after reset: ${h}`));
      // Back from a customer finds the list scrolled where it was.
      await page.goto(`${base}/customers?size=50`);
      await page.locator('tr.kehu-row-clickable').nth(40).scrollIntoViewIfNeeded();
      const y = await page.evaluate(() => window.scrollY);
      await page.locator('tr.kehu-row-clickable').nth(40).click();
      await page.waitForURL(/\/customers\/C/);
      await page.getByTestId('timeline').waitFor();
      assert((await page.evaluate(() => window.scrollY)) === 0, 'a customer opened from a scrolled list starts at its top');
      await page.goBack();
      await page.locator('tr.kehu-row-clickable').nth(40).waitFor();
      await page.waitForFunction((want) => Math.abs(window.scrollY - want) < 80, y, { timeout: 5000 });
    });

    await scenario('users: making an admin asks first; a reset password must be changed at sign-in (1280, 375)', async () => {
      const adminToken = await apiLogin(base, 'admin@kehu.local', ADMIN_PASSWORD);
      const email = `phone${Date.now()}@kehu.local`;
      await gql(base, 'mutation($i:CreateUserInput!){createUser(input:$i){id}}', { i: { email, name: '路径测试', role: 'SALES', password: 'first-password-42' } }, adminToken);
      const admin = await newContext();
      const a = await admin.newPage();
      state.current = a;
      await a.goto(`${base}/login?next=%2Fusers`);
      await signIn(a, 'admin@kehu.local', ADMIN_PASSWORD, { expectPath: '/users' });
      const row = a.locator('tr').filter({ hasText: email });
      await row.waitFor();
      const pick = async (label) => {
        await row.locator('.ant-select').click();
        await a.locator('.ant-select-dropdown:visible').getByText(label, { exact: true }).click();
      };
      await pick('管理员');
      const confirm = a.getByRole('dialog').filter({ hasText: '设为管理员？' });
      await confirm.waitFor();
      await shoot(a, 'users-make-admin-confirm');
      await confirm.getByRole('button', { name: /取\s*消/ }).click();
      await confirm.waitFor({ state: 'detached' });
      await row.locator('.ant-select-selection-item').filter({ hasText: '销售' }).waitFor();
      const u1 = await gql(base, '{users{email role}}', {}, adminToken);
      assert(u1.users.find((u) => u.email === email)?.role === 'SALES', 'cancelling kept the role');
      // Reset: the dialog says what happens, proposes a password and copies it.
      await row.getByRole('button', { name: /重设密码/ }).click();
      const dlg = a.getByRole('dialog');
      await dlg.getByTestId('reset-intro').filter({ hasText: '必须先设置' }).waitFor();
      const temp = await dlg.getByLabel('临时密码').inputValue();
      assert(temp.length === 16, `a generated temporary password: ${temp.length}`);
      await shoot(a, 'users-reset-dialog');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.waitFor({ state: 'detached' });
      await row.getByText('待改密码').waitFor();
      await admin.close();
      // The user signs in on a phone: only the change form until they choose a password.
      const ctx = await newContext(PHONE);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login`);
      await signIn(p, email, temp, { expectPath: '/customers' });
      await p.getByTestId('must-change-password').waitFor();
      await noSideways(p, 'the password change page');
      await shoot(p, 'must-change-password');
      await p.getByLabel('管理员给您的临时密码').fill(temp);
      await p.getByLabel('新密码', { exact: true }).fill('my-own-password-77');
      await p.getByLabel('确认新密码').fill('my-own-password-77');
      await p.getByRole('button', { name: /修改密码/ }).click();
      await p.getByTestId('must-change-password').waitFor({ state: 'detached' });
      await p.locator('.kehu-card-clickable').first().waitFor();
      await ctx.close();
      state.current = page;
    });

    await scenario('phone in English: the contact bar, date shortcuts and the reset dialog (375)', async () => {
      const token = await apiLogin(base, 'sales3@kehu.local', DEMO_PASSWORD);
      await gql(base, 'mutation{updateMySettings(input:{locale:EN}){locale}}', {}, token);
      const mine = await gql(base, '{customers(first:100, query:"owner:me"){nodes{code contacts(limit: 20){primary phone}}}}', {}, token);
      const c = mine.customers.nodes.find((n) => n.contacts.some((k) => k.primary && k.phone));
      assert(c, 'a customer of sales3 with a primary phone');
      const ctx = await newContext(PHONE);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent(`/customers/${c.code}`)}`);
      await signIn(p, 'sales3@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${c.code}` });
      await p.getByTestId('reach-call').filter({ hasText: 'Call' }).waitFor();
      await p.getByTestId('quick-log').getByLabel('What to do next').fill('Send the quote');
      await p.getByTestId('quick-log').getByTestId('date-preset-nextMonday').filter({ hasText: 'Next Monday' }).waitFor();
      await noSideways(p, 'the customer page in English');
      await shoot(p, 'phone-customer-reach-en');
      await ctx.close();
      state.current = page;
    });

    // ---- dashboard (issue 16): numbers as the API, a bar opens exactly its customers, 1280 and 375
    const dashChart = (p, id) => p.locator(`[data-testid="dash-chart-${id}"] > div`).first();
    const dashDrawn = (p, id) =>
      dashChart(p, id).evaluate((el) =>
        el.kehuChart.getOption().series.map((s) => ({ name: s.name, data: s.data.map((d) => ({ name: d.name, value: d.value, customers: d.customers, drill: d.drill })) })),
      );
    const dashMoney = (s) => `¥${s.split('.')[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${s.split('.')[1]}`;
    const DASH_API = `query($r: AggregateRange) {
      tiers: customersAggregate(groupBy: [VALUE_TIER], orderBy: {by: KEY}, limit: 20, locale: ZH_CN) { groups { labels count customers drill } total { customers } }
      deals: dealsAggregate(range: $r, groupBy: [MONTH], orderBy: {by: KEY}, limit: 1) { groups { keys sum(metric: AMOUNT) } total { sum(metric: AMOUNT) } }
      inter: interactionsAggregate(range: $r) { total { count } }
      sreq: serviceRequestsAggregate(range: $r) { total { count } }
      tasks: tasksAggregate(range: $r, groupBy: [MONTH, TIMELINESS], limit: 10, locale: ZH_CN) { groups { labels count drill } total { count } }
      fun: funnel(range: $r, locale: ZH_CN) { steps { label customers drill } }
      industries: dealsAggregate(range: $r, groupBy: [INDUSTRY], orderBy: {by: SUM, metric: AMOUNT}, limit: 10, locale: ZH_CN) { groups { labels other drill sum(metric: AMOUNT) } }
    }`;

    await scenario('dashboard: figures as the API, range narrows, a bar opens its customers (1280)', async () => {
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      const ctx = await newContext();
      const p = await ctx.newPage();
      state.current = p;
      // The list does not load the dashboard's chunk (ECharts).
      await p.goto(`${base}/login?next=${encodeURIComponent('/customers')}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await p.locator('tr.kehu-row-clickable').first().waitFor();
      const loaded = await p.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /Dashboard|echarts/i.test(n)));
      assert(loaded.length === 0, `the list loaded the dashboard's code: ${loaded.join(', ')}`);
      // The menu entry.
      await p.getByRole('menuitem', { name: /仪表盘/ }).click();
      await p.waitForURL((u) => u.pathname === '/dashboard');
      await p.getByRole('heading', { level: 1, name: '仪表盘' }).waitFor();
      const api = await gql(base, DASH_API, { r: { last: 12, unit: 'MONTH' } }, token);
      await dashChart(p, 'tiers').waitFor();
      const tiersShown = await p.getByTestId('dash-total-tiers').textContent();
      assert(tiersShown === `${api.tiers.total.customers.toLocaleString('zh-CN')} 位客户`, `tier total shown ${tiersShown}, API ${api.tiers.total.customers}`);
      const dealsExact = await p.getByTestId('dash-total-dealAmount').locator('.kehu-money').getAttribute('data-exact') ??
        (await p.getByTestId('dash-total-dealAmount').textContent());
      assert(dealsExact === dashMoney(api.deals.total.sum), `deal amount shown ${dealsExact}, API ${api.deals.total.sum}`);
      const interShown = await p.getByTestId('dash-total-interactions').textContent();
      assert(interShown === `${api.inter.total.count.toLocaleString('zh-CN')} 条`, `interactions shown ${interShown}, API ${api.inter.total.count}`);
      const bars = (xs) => JSON.stringify(xs.map((x) => JSON.stringify(x)).sort());
      // Service requests and tasks by timeliness (the facts SERVICE_REQUESTS and TASKS).
      for (const [id, total] of [['serviceRequests', api.sreq.total.count], ['tasks', api.tasks.total.count]]) {
        const shownTotal = await p.getByTestId(`dash-total-${id}`).textContent();
        assert(shownTotal === `${total.toLocaleString('zh-CN')} 条`, `${id} shown ${shownTotal}, API ${total}`);
      }
      assert(api.tasks.total.count > 0, 'the demo data has tasks due in the last 12 months');
      await dashChart(p, 'tasks').waitFor();
      // (OVERDUE and OPEN drill lines name the time of the request: compared by their presence.)
      const drawnTasks = (await dashDrawn(p, 'tasks')).flatMap((ser) => ser.data.filter((d) => d.value > 0).map((d) => [d.name, ser.name, d.value, !!d.drill]));
      const taskGroups = api.tasks.groups.filter((g) => g.count > 0).map((g) => [g.labels[0], g.labels[1], g.count, !!g.drill]);
      assert(bars(drawnTasks) === bars(taskGroups), `task bars ${JSON.stringify(drawnTasks).slice(0, 300)} vs API ${JSON.stringify(taskGroups).slice(0, 300)}`);
      // What is drawn is what the API says, bar by bar.
      const tiers = (await dashDrawn(p, 'tiers'))[0].data;
      assert(bars(tiers.map((d) => [d.name, d.value, d.drill])) === bars(api.tiers.groups.map((g) => [g.labels.join(' · '), g.count, g.drill])), `tier bars ${JSON.stringify(tiers)} vs API ${JSON.stringify(api.tiers.groups)}`);
      assert(api.fun.steps[0].customers > 0, 'the demo data has a funnel in the last 12 months');
      const steps = (await dashDrawn(p, 'funnel'))[0].data;
      assert(JSON.stringify(steps.map((d) => [d.name, d.value, d.drill])) === JSON.stringify(api.fun.steps.map((st) => [st.label, st.customers, st.drill])), `funnel steps ${JSON.stringify(steps)} vs API`);
      const months = (await dashDrawn(p, 'dealAmount'))[0].data;
      assert(JSON.stringify(months.map((d) => d.value)) === JSON.stringify(api.deals.groups.map((g) => Number(g.sum ?? 0))), `deal bars ${JSON.stringify(months.map((d) => d.value))}`);
      const inds = (await dashDrawn(p, 'industries'))[0].data;
      assert(inds.length === api.industries.groups.length && inds.every((d, i) => d.drill === (api.industries.groups[i].other ? null : api.industries.groups[i].drill)), 'industry bars as the API, the folded group without a drill line');
      // KPI cards: the values as the API's (percent, count), and a card opens its customers.
      const kpis = (await gql(base, 'query($r: AggregateRange){kpis(range:$r, locale: ZH_CN){kpis{code unit value drill}}}', { r: { last: 12, unit: 'MONTH' } }, token)).kpis.kpis;
      const trimDec = (v) => (v.includes('.') ? v.replace(/\.?0+$/, '') : v);
      for (const k of kpis.filter((x) => x.value !== null && (x.unit === 'PERCENT' || x.unit === 'COUNT'))) {
        const shown = await p.getByTestId(`dash-kpi-${k.code}`).getByTestId('dash-kpi-value').textContent();
        const want = k.unit === 'PERCENT' ? `${trimDec(k.value)}%` : trimDec(k.value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        assert(shown === want, `KPI ${k.code} shown ${shown}, API ${k.value}`);
      }
      await p.waitForTimeout(1200); // the charts' entry animation
      await shoot(p, 'dashboard');
      await p.screenshot({ path: join(SHOTS, 'dashboard-full-1280.png'), fullPage: true });
      // The range narrows the charts: last 3 months.
      await p.getByTestId('dash-range').getByText('近 3 个月').click();
      await p.waitForURL((u) => u.searchParams.get('range') === 'last3');
      const api3 = await gql(base, DASH_API, { r: { last: 3, unit: 'MONTH' } }, token);
      await p.waitForFunction(
        (want) => document.querySelector('[data-testid="dash-total-interactions"]')?.textContent === want,
        `${api3.inter.total.count.toLocaleString('zh-CN')} 条`,
      );
      assert(api3.inter.total.count < api.inter.total.count, 'the demo data has interactions before the last 3 months');
      // A saved segment narrows every chart (the bar below is clicked inside it).
      await p.getByTestId('dash-range').getByText('近 12 个月').click();
      const segName = `仪表盘测试 ${Date.now()}`;
      const seg = (await gql(base, 'mutation($n:String!){saveSegment(name:$n, query:"visits(365d):>=1"){id}}', { n: segName }, token)).saveSegment;
      const apiSeg = await gql(base, 'query($s:ID){customersAggregate(segment:$s, groupBy: [VALUE_TIER], orderBy: {by: KEY}, limit: 20, locale: ZH_CN){groups{drill} total{customers}}}', { s: seg.id }, token);
      await p.reload(); // the picker lists the new segment
      await p.getByTestId('dash-segment').click();
      await p.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: segName }).click();
      await p.waitForURL((u) => u.searchParams.get('segment') === seg.id);
      await p.waitForFunction(
        (want) => document.querySelector('[data-testid="dash-total-tiers"]')?.textContent === want,
        `${apiSeg.customersAggregate.total.customers.toLocaleString('zh-CN')} 位客户`,
      );
      assert(apiSeg.customersAggregate.total.customers < api.tiers.total.customers, 'the segment is narrower than all customers');
      // A click on the largest tier bar opens exactly its customers: once
      // the chart draws the segment's bars (its total above may be on the
      // page before the chart takes the new data, on a slow machine).
      await dashChart(p, 'tiers').waitFor();
      await p.waitForFunction(
        (want) => {
          const data = document.querySelector('[data-testid="dash-chart-tiers"] > div')?.kehuChart?.getOption()?.series?.[0]?.data;
          return !!data && JSON.stringify(data.map((d) => d.drill ?? null).sort()) === want;
        },
        JSON.stringify(apiSeg.customersAggregate.groups.map((g) => g.drill ?? null).sort()),
      );
      const drawn = (await dashDrawn(p, 'tiers'))[0].data;
      let best = -1;
      drawn.forEach((d, i) => {
        if (d.drill && (best < 0 || d.value > drawn[best].value)) best = i;
      });
      assert(best >= 0, 'a tier bar with a drill line');
      await dashChart(p, 'tiers').scrollIntoViewIfNeeded();
      const [x, y] = await dashChart(p, 'tiers').evaluate((el, i) => {
        const v = el.kehuChart.getOption().series[0].data[i].value;
        return el.kehuChart.convertToPixel({ seriesIndex: 0 }, [v / 2, i]); // horizontal bars
      }, best);
      const box = await dashChart(p, 'tiers').boundingBox();
      await p.mouse.click(box.x + x, box.y + y);
      await p.waitForURL((u) => u.pathname === '/customers' && u.searchParams.get('q') === drawn[best].drill);
      await p.getByTestId('customer-total').filter({ hasText: `共 ${drawn[best].customers.toLocaleString('zh-CN')} 个客户` }).waitFor();
      const count = await gql(base, 'query($q:String){customersCount(query:$q)}', { q: drawn[best].drill }, token);
      assert(count.customersCount === drawn[best].customers, `the drill line lists ${count.customersCount}, the bar says ${drawn[best].customers}`);
      // The page is narrowed to the segment now: so are the KPIs' drill lines.
      const kpisSeg = (await gql(base, 'query($r: AggregateRange, $s: ID){kpis(range:$r, segment:$s, locale: ZH_CN){kpis{code drill}}}', { r: { last: 12, unit: 'MONTH' }, s: seg.id }, token)).kpis.kpis;
      const withDrill = kpisSeg.find((k) => k.drill);
      if (withDrill) {
        await p.goBack();
        await p.getByTestId(`dash-kpi-${withDrill.code}`).click();
        await p.waitForURL((u) => u.pathname === '/customers' && u.searchParams.get('q') === withDrill.drill);
        await p.getByTestId('customer-total').waitFor();
      }
      await ctx.close();
      state.current = page;
    });

    await scenario('dashboard on a phone: one column, nothing sideways, AA contrast (375)', async () => {
      const ctx = await newContext(PHONE, { bypassCSP: true }); // to inject axe-core
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent('/dashboard')}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/dashboard' });
      await dashChart(p, 'tiers').waitFor();
      await dashChart(p, 'stages').waitFor();
      const lefts = await p.locator('[data-testid^="dash-card-"]').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
      assert(lefts.length >= 8 && new Set(lefts).size === 1, `cards in one column: ${lefts}`);
      const w = await p.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= 375, `the dashboard scrolls sideways at 375 px: ${w}`);
      await p.waitForTimeout(1200);
      await p.addScriptTag({ content: AXE });
      const found = await p.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast', 'page-has-heading-one', 'empty-heading', 'button-name'] } });
        return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join('; ')}`);
      });
      assert(found.length === 0, `the dashboard at 375 px: ${found.join(' | ')}`);
      await shoot(p, 'dashboard');
      await p.screenshot({ path: join(SHOTS, 'dashboard-full-375.png'), fullPage: true });
      // In English (the manager's setting, put back after).
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      await gql(base, 'mutation{updateMySettings(input:{locale:EN}){locale}}', {}, token);
      try {
        await p.reload();
        await p.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await p.getByText('Customers by value tier').waitFor();
        await dashChart(p, 'tiers').waitFor();
        await p.waitForTimeout(1200);
        const wEn = await p.evaluate(() => document.documentElement.scrollWidth);
        assert(wEn <= 375, `the English dashboard scrolls sideways at 375 px: ${wEn}`);
        await p.screenshot({ path: join(SHOTS, 'dashboard-full-en-375.png'), fullPage: true });
      } finally {
        await gql(base, 'mutation{updateMySettings(input:{locale:ZH_CN}){locale}}', {}, token);
      }
      await ctx.close();
      state.current = page;
    });

    // segfacts (issue 16): the filter language speaks of surveys, the stage
    // history, an interaction's participants and its duration (what the
    // aggregates group by and drill into); the builder shows such a line.
    await scenario('segment builder: surveys, stage changes, participants and durations (filter facts)', async () => {
      const line = 'stages.some(to:WON at:<=1y) interactions.some(participant:me duration:>=30) -surveys.some(score:<60)';
      const token = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
      const api = await gql(base, 'query($q:String){customersCount(query:$q)}', { q: line }, token);
      assert(api.customersCount > 0, `the line selects demo customers: ${api.customersCount}`);
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        await page.goto(`${base}/customers?q=${encodeURIComponent(line)}`);
        await setBuilder(page, true);
        const blocks = page.getByTestId('seg-block');
        const stages = blocks.filter({ hasText: '有阶段变更满足' });
        await stages.getByText('成交').waitFor();
        const visits = blocks.filter({ hasText: '有互动记录满足' });
        await visits.getByText('含我').waitFor();
        assert((await visits.getByRole('spinbutton', { name: '时长（分钟）' }).inputValue()) === '30', 'the duration holds 30');
        await blocks.filter({ hasText: '有调研满足' }).getByText('满意度分数').waitFor();
        const n = await segCount(page);
        assert(n === api.customersCount, `the builder counts ${n}, the API ${api.customersCount}`);
        assert((await page.getByTestId('query-box').inputValue()) === line, 'the box keeps the line');
        await shoot(page, 'segment-filter-facts');
      }
      await page.setViewportSize(DESKTOP);
      await setBuilder(page, false);
    });

    // API tokens (issue 16): an admin creates a dashboard's token, sees its
    // secret once and copies it; the token reads and cannot write; revoked,
    // it stops. A manager sees the same section in English on a phone.
    await scenario('API tokens: create, copy once, read-only, revoke (1280; 375 in English)', async () => {
      const admin = await newContext(DESKTOP);
      await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      const a = await admin.newPage();
      state.current = a;
      await a.goto(`${base}/login?next=%2Fusers`);
      await signIn(a, 'admin@kehu.local', ADMIN_PASSWORD, { expectPath: '/users' });
      const section = a.getByTestId('api-tokens');
      await section.getByRole('button', { name: /新建令牌/ }).click();
      const dlg = a.getByRole('dialog').filter({ hasText: '新建令牌' });
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await dlg.locator('.ant-form-item-explain-error').filter({ hasText: '必填' }).waitFor();
      await dlg.getByLabel('名称').fill('前台大屏');
      await dlg.locator('.ant-modal-footer .ant-btn-primary').click();
      const secretBox = a.getByTestId('api-token-secret');
      await secretBox.waitFor();
      const secret = await secretBox.inputValue();
      assert(/^kehu_at_[A-Za-z0-9_-]{43}$/.test(secret), `the secret shown: ${secret}`);
      // Chromium writes the clipboard for the focused page only: with
      // many contexts open, bring this one to the front first.
      await a.bringToFront();
      await a.getByTestId('copy-api-token').click();
      await a.getByText('已复制到剪贴板').first().waitFor();
      assert((await a.evaluate(() => navigator.clipboard.readText())) === secret, 'the copied secret');
      await shoot(a, 'api-token-secret');
      await a.getByRole('button', { name: /我已保存/ }).click();
      await secretBox.waitFor({ state: 'detached' });
      const row = section.locator('tr').filter({ hasText: '前台大屏' });
      await row.getByText('有效').waitFor();
      assert(!(await a.content()).includes(secret), 'the secret is still on the page after closing');
      // The dashboard reads with it and cannot write.
      const count = await gql(base, '{customersCount}', {}, secret);
      assert(count.customersCount > 0, 'a token reads the customers');
      let refused = '';
      try {
        await gql(base, 'mutation{saveSegment(name:"x",query:"tier:A"){id}}', {}, secret);
      } catch (e) {
        refused = String(e);
      }
      assert(refused.includes('API_TOKEN_READ_ONLY'), `a token's mutation: ${refused}`);
      await a.reload();
      await row.locator('td').filter({ hasText: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/ }).nth(2).waitFor(); // last used
      await section.scrollIntoViewIfNeeded();
      await shoot(a, 'api-tokens');
      await row.getByRole('button', { name: /撤销 前台大屏/ }).click();
      await a.locator('.ant-popconfirm .ant-btn-dangerous').click();
      await row.getByText('已撤销').waitFor();
      const after = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query: '{customersCount}' }),
      });
      assert(after.status === 401, `a revoked token: ${after.status}`);
      await admin.close();

      const managerToken = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      await gql(base, 'mutation{updateMySettings(input:{locale:EN}){locale}}', {}, managerToken);
      const ctx = await newContext(PHONE);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=%2Fusers`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/users' });
      const cards = p.getByTestId('api-token-cards');
      await cards.getByText('前台大屏').waitFor();
      await cards.getByText('Revoked').waitFor();
      await p.getByTestId('api-tokens').scrollIntoViewIfNeeded();
      await noSideways(p, 'the API tokens section');
      await shoot(p, 'api-tokens-en');
      await p.getByRole('button', { name: /New token/ }).click();
      const pdlg = p.getByRole('dialog').filter({ hasText: 'New token' });
      await pdlg.getByLabel('Name').fill('Grafana sales board');
      await pdlg.locator('.ant-modal-footer .ant-btn-primary').click();
      await p.getByTestId('api-token-secret').waitFor();
      await noSideways(p, 'the API token secret dialog');
      await shoot(p, 'api-token-secret-en');
      await gql(base, 'mutation{updateMySettings(input:{locale:ZH_CN}){locale}}', {}, managerToken);
      await ctx.close();
      state.current = page;
    });

    // --- graphiql (issue 16): GraphiQL served from the binary, the docs' examples one click away.
    // Classification rules (issue 17): the rules in force from the menu, a
    // manager's dry run with the figures of the API, a salesperson reading
    // them on a phone without the dry run.
    await scenario("classification rules: the rules in force, a dry run as the API (1280); read-only on a phone, a manager's dry run with its tasks (375)", async () => {
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      const api = await gql(base, '{ rules { version rules { name } } previewRules(first: 20, locale: ZH_CN) { customers changed transitions { customers } lint { kind rules message } } }', {}, token);
      const ctx = await newContext(DESKTOP, { bypassCSP: true });
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent('/customers')}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await p.getByRole('menuitem', { name: /分类规则/ }).click();
      await p.waitForURL((u) => u.pathname === '/rules');
      await p.getByRole('heading', { level: 1, name: '分类规则' }).waitFor();
      await p.getByTestId('rules-version').filter({ hasText: '默认规则' }).waitFor();
      const shown = await p.getByTestId('rule').count();
      assert(shown === api.rules.rules.length, `${shown} rules shown, the API has ${api.rules.rules.length}`);
      await p.getByText('deals.sum(date:<=12m):>=500000').waitFor();
      await p.getByTestId('rules-preview').click();
      const result = p.getByTestId('rules-preview-result');
      await result.waitFor();
      const stats = await result.locator('.ant-statistic-content-value').allTextContents();
      assert(stats[0] === api.previewRules.customers.toLocaleString('en-US') && stats[1] === api.previewRules.changed.toLocaleString('en-US'),
        `figures shown ${stats}, API ${api.previewRules.customers} / ${api.previewRules.changed}`);
      const findings = await p.getByTestId('rules-finding').allTextContents();
      assert(findings.length === api.previewRules.lint.length && api.previewRules.lint.every((f, i) => findings[i].includes(f.message)),
        `findings shown ${JSON.stringify(findings)}, API ${JSON.stringify(api.previewRules.lint)}`);
      // The demo data is classified by the defaults: their dry run changes nothing.
      assert((await p.getByTestId('rules-transition').count()) === api.previewRules.transitions.length, 'transitions shown differ from the API');
      await p.mouse.move(0, 0); // the pointer off the button it pressed: check the page at rest, not its hover colour
      await p.waitForTimeout(300);
      await p.addScriptTag({ content: AXE });
      const found = await p.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast', 'page-has-heading-one', 'empty-heading', 'button-name', 'heading-order'] } });
        return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join('; ')}`);
      });
      assert(found.length === 0, `the rules page: ${found.join(' | ')}`);
      await p.screenshot({ path: join(SHOTS, 'rules-preview-1280.png'), fullPage: true });
      await ctx.close();

      const phone = await newContext(PHONE, { bypassCSP: true });
      const q = await phone.newPage();
      state.current = q;
      await q.goto(`${base}/login?next=${encodeURIComponent('/rules')}`);
      await signIn(q, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/rules' });
      await q.getByRole('heading', { level: 1, name: '分类规则' }).waitFor();
      await q.getByTestId('rule').first().waitFor();
      assert((await q.getByTestId('rules-preview').count()) === 0, 'a salesperson is offered the dry run');
      const w = await q.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= 375, `the rules page scrolls sideways at 375 px: ${w}`);
      await q.screenshot({ path: join(SHOTS, 'rules-375.png'), fullPage: true });
      await phone.close();

      // A manager's dry run on a phone: the rules in force, then an A tier
      // from 300,000 tried in the editor, with the tasks it would open and
      // close; every table scrolls in its own box, never the page.
      const mphone = await newContext(PHONE);
      const m = await mphone.newPage();
      state.current = m;
      await m.goto(`${base}/login?next=${encodeURIComponent('/rules')}`);
      await signIn(m, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/rules' });
      await m.getByTestId('rule').first().waitFor();
      await m.getByTestId('rules-preview').click();
      await m.getByTestId('rules-preview-result').waitFor();
      let mw = await m.evaluate(() => document.documentElement.scrollWidth);
      assert(mw <= 375, `the dry run scrolls the page sideways at 375 px: ${mw}`);
      await m.getByTestId('rules-preview-result').scrollIntoViewIfNeeded();
      await shoot(m, 'rules-preview');
      const edited = api.rules.rules.map((r) => r.name);
      await m.getByTestId('rules-edit').click();
      const first = m.getByTestId('rule-edit').first();
      assert((await first.locator('input').first().inputValue()) === edited[0], 'the editor does not start with the first rule');
      await first.getByLabel('条件').fill('deals.sum(date:<=12m):>=300000');
      await m.getByTestId('rules-try').click();
      const effects = m.getByTestId('rules-task-effect');
      await effects.first().waitFor();
      const tried = await gql(base, `query($r:[ClassificationRuleInput!]){ previewRules(rules:$r, first: 20) { tasks { kind opened closed } changes { code } } }`,
        { r: (await gql(base, '{ rules { rules { name when priority then { valueTier lifecycle addTags removeTags cadenceDays } } } }', {}, token)).rules.rules
          .map((r, i) => (i === 0 ? { ...r, when: 'deals.sum(date:<=12m):>=300000' } : r)) }, token);
      assert((await effects.count()) === tried.previewRules.tasks.length && tried.previewRules.tasks.length > 0,
        `${await effects.count()} task rows shown, the API has ${JSON.stringify(tried.previewRules.tasks)}`);
      // The changes as a list on a phone, one item per change.
      const changeItems = m.getByTestId('rules-change');
      assert((await changeItems.count()) === tried.previewRules.changes.length && (await changeItems.locator('table').count()) === 0,
        `${await changeItems.count()} changes listed, the API has ${tried.previewRules.changes.length}`);
      mw = await m.evaluate(() => document.documentElement.scrollWidth);
      assert(mw <= 375, `the editor's dry run scrolls the page sideways at 375 px: ${mw}`);
      await effects.first().scrollIntoViewIfNeeded();
      await shoot(m, 'rules-try-tasks');
      await m.screenshot({ path: join(SHOTS, 'rules-try-375.png'), fullPage: true });
      await mphone.close(); // nothing saved
      state.current = page;
    });

    // The rules editor: a manager adds the seeds' strategic example, tries
    // it (the lint says it contradicts the definition), a bad condition is
    // refused on its field, the fixed set is saved as version 1, and a stale
    // save says someone saved meanwhile.
    await scenario('classification rules: edit, try, a refused condition on its field, save (1280)', async () => {
      const ctx = await newContext(DESKTOP);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent('/rules')}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/rules' });
      await p.getByTestId('rules-edit').click();
      const cards = p.getByTestId('rule-edit');
      await cards.first().waitFor();
      const before = await cards.count();
      await p.getByTestId('rules-add').click();
      const added = cards.nth(before);
      await added.getByLabel('名称').fill('高价值+战略客户');
      await added.getByLabel('条件').fill('deals.sum():>=500000 first-deal:>=12m');
      await added.getByLabel('生命周期').click();
      await p.locator('.ant-select-dropdown:visible').getByTitle('战略客户').click();
      await p.getByTestId('rules-try').click();
      await p.getByTestId('rules-finding').filter({ hasText: '高价值+战略客户' }).filter({ hasText: '战略客户' }).first().waitFor();
      await shoot(p, 'rules-edit-try');
      // A condition that does not parse: the problem shows on that rule's 条件.
      await added.getByLabel('条件').fill('deals.sum():>=500000 first-deal:');
      await p.getByTestId('rules-save').click();
      await added.locator('.ant-form-item-explain-error').first().waitFor();
      const err = await added.locator('.ant-form-item-explain-error').first().textContent();
      assert(err && err.length > 0, 'no problem shown on the condition');
      // Fixed as the seeds define strategic; saved.
      await added.getByLabel('条件').fill('deals.sum():>=500000 first-deal:>=24m last-deal:<=3m');
      await p.getByTestId('rules-save').click();
      await p.getByText('规则已保存（第 1 版）').waitFor();
      await p.getByTestId('rules-version').filter({ hasText: '第 1 版' }).waitFor();
      assert((await p.getByTestId('rule').count()) === before + 1, 'the saved rule is not listed');
      // A save from a stale page (someone saved meanwhile) keeps the edits and says so.
      const token = await apiLogin(base, 'admin@kehu.local', ADMIN_PASSWORD);
      const mtoken = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      await p.getByTestId('rules-edit').click();
      const r = await gql(base, '{ rules { version rules { name when priority then { valueTier lifecycle addTags removeTags cadenceDays } } } }', {}, mtoken);
      await gql(base, 'mutation($v:Int!,$r:[ClassificationRuleInput!]!){saveRules(expectedVersion:$v,rules:$r){version}}',
        { v: r.rules.version, r: r.rules.rules }, token);
      await p.getByTestId('rules-save').click();
      await p.getByTestId('rules-problems').filter({ hasText: '刚被他人保存过' }).waitFor();
      await p.getByTestId('rules-save').click();
      await p.getByText('规则已保存（第 3 版）').waitFor();
      await ctx.close();
      state.current = page;
    });

    // Back to the defaults: a manager removes a rule in the editor, presses
    // 恢复默认规则 and confirms; the editor holds the seeds' defaults
    // (defaultRules), nothing saved until 保存规则; they can be tried first.
    await scenario('classification rules: back to the default rules in the editor (1280)', async () => {
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      const api = await gql(base, '{ rules { version rules { name } } defaultRules { version rules { name } } }', {}, token);
      const ctx = await newContext(DESKTOP);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent('/rules')}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/rules' });
      await p.getByTestId('rules-edit').click();
      const cards = p.getByTestId('rule-edit');
      await cards.first().waitFor();
      const before = await cards.count();
      assert(before === api.rules.rules.length, `the editor holds ${before} rules, the API has ${api.rules.rules.length}`);
      await cards.first().getByRole('button', { name: '删除这条规则' }).click();
      await p.waitForFunction((n) => document.querySelectorAll('[data-testid="rule-edit"]').length === n, before - 1);
      // Asks first; cancelling keeps the edits.
      await p.getByTestId('rules-defaults').click();
      const confirm = p.locator('.ant-modal-confirm:visible');
      await confirm.filter({ hasText: '恢复默认规则？' }).waitFor();
      await p.waitForTimeout(400); // the dialog's opening motion swallows clicks
      await confirm.getByRole('button', { name: /取\s*消/ }).click();
      await confirm.waitFor({ state: 'hidden' });
      assert((await cards.count()) === before - 1, 'cancelling changed the edited rules');
      await p.getByTestId('rules-defaults').click();
      await confirm.waitFor();
      await p.waitForTimeout(400);
      await confirm.getByRole('button', { name: '恢复默认规则' }).click();
      const n = api.defaultRules.rules.length;
      await p.getByTestId('rules-defaults-loaded').filter({ hasText: `已载入 ${n} 条默认规则` }).waitFor();
      const shown = await cards.count();
      assert(shown === n, `after 恢复默认规则 the editor holds ${shown} rules, defaultRules has ${n}`);
      const names = await cards.evaluateAll((els) => els.map((el) => el.querySelector('input')?.value ?? ''));
      assert(JSON.stringify(names) === JSON.stringify(api.defaultRules.rules.map((r) => r.name)), `the names in the editor ${JSON.stringify(names)}`);
      // Nothing saved yet; the loaded set can be tried.
      const after = await gql(base, '{ rules { version } }', {}, token);
      assert(after.rules.version === api.rules.version, `loading the defaults saved version ${after.rules.version}`);
      await p.getByTestId('rules-try').click();
      await p.getByTestId('rules-preview-result').waitFor();
      await p.getByTestId('rules-defaults').scrollIntoViewIfNeeded();
      await shoot(p, 'rules-defaults');
      await p.getByRole('button', { name: /取\s*消/ }).last().click();
      await p.getByTestId('rules-edit').waitFor();
      await ctx.close();
      state.current = page;
    });

    // The classification on a customer's page: the rules' tier with its
    // reason, a manual override (a reason is required) that keeps the
    // rules' suggestion beside it, the history, and back to the rules.
    await scenario('classification on the customer page: override the tier with a reason, restore the rules (1280, 375)', async () => {
      const token = await apiLogin(base, 'manager@kehu.local', DEMO_PASSWORD);
      const list = await gql(base, '{ customers(first: 1, query: "tier:C lifecycle:NEW") { nodes { code } } }', {}, token);
      const code = list.customers.nodes[0]?.code;
      assert(code, 'no tier C customer in the demo data');
      const ctx = await newContext(DESKTOP);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent(`/customers/${code}`)}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${code}` });
      const card = p.getByTestId('classification');
      const tier = card.getByTestId('class-tier');
      await tier.filter({ hasText: 'C类' }).filter({ hasText: '规则' }).waitFor();
      await tier.filter({ hasText: '依据：规则“C类：其余客户”' }).waitFor();
      await card.getByTestId('class-lifecycle').filter({ hasText: '新客户' }).waitFor();
      await card.getByTestId('class-cadence').filter({ hasText: '每 30 天' }).waitFor();
      await card.getByRole('button', { name: /手动调整/ }).click();
      const dialog = p.locator('.ant-modal:visible');
      await dialog.getByLabel('调整原因').waitFor();
      await p.waitForTimeout(400); // the dialog's opening motion swallows clicks
      await dialog.locator('.ant-select-selector').first().click();
      await p.locator('.ant-select-dropdown:visible').getByTitle('A类(高价值)').click();
      // Without a reason it is not saved.
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await dialog.locator('.ant-form-item-explain-error').first().waitFor();
      await dialog.getByLabel('调整原因').fill('战略合作伙伴，年度框架协议已签');
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      await tier.filter({ hasText: 'A类' }).filter({ hasText: '手动' }).filter({ hasText: '规则建议' }).waitFor();
      await tier.filter({ hasText: '战略合作伙伴' }).waitFor();
      const api = await gql(base, 'query($c:String){ customer(code:$c) { valueTier valueTierSource cadenceDays classification { valueTier { suggested override { reason by { name } } } } } }', { c: code }, token);
      const k = api.customer;
      assert(k.valueTier === 'A' && k.valueTierSource === 'MANUAL' && k.classification.valueTier.suggested === 'C' &&
        k.classification.valueTier.override.reason === '战略合作伙伴，年度框架协议已签' && k.cadenceDays === 30,
        `after the override the API says ${JSON.stringify(k)}`);
      await shoot(p, 'classification-override');
      // The history says who held it and why.
      await p.getByRole('tab', { name: /变更历史/ }).click();
      await p.getByText('· 战略合作伙伴，年度框架协议已签').first().waitFor();
      await p.getByTestId('lifecycle-history').filter({ hasText: '规则“新客户”' }).waitFor();
      // Back to the rules.
      await card.getByRole('button', { name: /恢复规则/ }).click();
      await p.locator('.ant-popover:visible').getByRole('button', { name: /恢复规则/ }).click();
      await tier.filter({ hasText: 'C类' }).filter({ hasNotText: '手动' }).waitFor();
      await ctx.close();

      const phone = await newContext(PHONE, { bypassCSP: true });
      const q = await phone.newPage();
      state.current = q;
      await q.goto(`${base}/login?next=${encodeURIComponent(`/customers/${code}`)}`);
      await signIn(q, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${code}` });
      await q.getByTestId('classification').getByTestId('class-tier').filter({ hasText: 'C类' }).waitFor();
      const w = await q.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= 375, `the customer page scrolls sideways at 375 px: ${w}`);
      await q.getByTestId('classification').scrollIntoViewIfNeeded();
      await shoot(q, 'classification');
      await phone.close();
      state.current = page;
    });

    // My work today: a salesperson's open tasks as the API lists them,
    // grouped by when they are due; completing one takes it off the list
    // and the menu's count; a follow-up is logged on the customer's page.
    await scenario('tasks: my work today, complete one, log a follow-up (1280, 375)', async () => {
      const token = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
      const api = await gql(base, '{ tasks(first: 500) { totalCount nodes { id kind title customer { id code } } } }', {}, token);
      assert(api.tasks.totalCount > 0, 'sales1 has no tasks in the demo data');
      const ctx = await newContext(DESKTOP);
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent('/customers')}`);
      await signIn(p, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await p.getByTestId('nav-tasks').click();
      await p.waitForURL((u) => u.pathname === '/tasks');
      await p.getByRole('heading', { level: 1, name: '我的待办' }).waitFor();
      await p.getByTestId('tasks-total').filter({ hasText: `共 ${api.tasks.totalCount} 项` }).waitFor();
      const shown = await p.getByTestId('task').count();
      assert(shown === Math.min(500, api.tasks.totalCount), `${shown} tasks shown, the API has ${api.tasks.totalCount}`);
      await shoot(p, 'tasks');
      // Complete the first one.
      const first = p.getByTestId('task').first();
      const title = (await first.locator('.ant-list-item-meta-title').textContent()) ?? '';
      await first.getByRole('button', { name: /完\s*成/ }).click();
      await p.getByTestId('tasks-total').filter({ hasText: `共 ${api.tasks.totalCount - 1} 项` }).waitFor();
      const after = await gql(base, '{ tasks(first: 1) { totalCount } }', {}, token);
      assert(after.tasks.totalCount === api.tasks.totalCount - 1, `after completing "${title}" the API has ${after.tasks.totalCount}`);
      // A follow-up: 记录跟进 opens the log dialog on the customer's page.
      const log = p.getByTestId('task-log').first();
      if (await log.count()) {
        await log.click();
        await p.waitForURL((u) => u.pathname.startsWith('/customers/'));
        await p.locator('.ant-modal:visible').waitFor();
        await p.keyboard.press('Escape');
      }
      await ctx.close();

      const phone = await newContext(PHONE, { bypassCSP: true });
      const q = await phone.newPage();
      state.current = q;
      await q.goto(`${base}/login?next=${encodeURIComponent('/tasks')}`);
      await signIn(q, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/tasks' });
      await q.getByTestId('task').first().waitFor();
      const w = await q.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= 375, `the tasks page scrolls sideways at 375 px: ${w}`);
      await shoot(q, 'tasks');
      await phone.close();
      state.current = page;
    });

    // The daily digest behind the header's bell: a dot while today's is
    // unread, the figures as the API has them, gone once opened (and the API
    // has it read), a task opens its customer; at 390 px the bell stays in
    // the header and the panel fits the screen.
    await scenario('digest: the bell and the menu counts as the API, read once opened, a task to its customer (1280, 390, 375)', async () => {
      const PHONE390 = { width: 390, height: 844 };
      const KINDS = { NEXT_ACTION: '下一步行动', FOLLOW_UP: '周期跟进', CLASSIFICATION_REVIEW: '分级复核', CHURN_RISK: '流失风险',
        STALE_NEED: '需求停滞', SERVICE_OVERDUE: '服务超时', SERVICE_CHECK: '服务回访', MANUAL: '手动待办' };
      const token = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
      const DIGEST = '{ digest { day overdue dueToday new read serviceRequests serviceRequestsOverdue byKind { kind count } top { id title customer { code name } } } }';
      const api = (await gql(base, DIGEST, {}, token)).digest;
      assert(!api.read && api.overdue + api.dueToday + api.serviceRequests > 0, `sales1's digest has nothing unread: ${JSON.stringify(api)}`);
      const ctx = await newContext(DESKTOP, { bypassCSP: true }); // to inject axe-core
      const p = await ctx.newPage();
      state.current = p;
      // The bell and the menu's counts share one digest request.
      const digestPosts = [];
      p.on('request', (r) => {
        const body = r.method() === 'POST' && new URL(r.url()).pathname === '/graphql' ? (r.postData() ?? '') : '';
        if (/query Digest\b|query TaskCount\b/.test(body)) digestPosts.push(/query TaskCount/.test(body) ? 'TaskCount' : 'Digest');
      });
      await p.goto(`${base}/login?next=${encodeURIComponent('/customers')}`);
      await signIn(p, 'sales1@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      const bell = p.getByTestId('digest-bell');
      await p.locator('[data-testid="digest-bell"][data-unread="true"]').waitFor();
      const due = api.overdue + api.dueToday;
      if (due > 0) await p.locator(`[data-testid="nav-tasks-count"][aria-label="${due} 项今天到期或已逾期"]`).waitFor();
      else assert((await p.getByTestId('nav-tasks-count').count()) === 0, 'a count on 待办 with nothing due');
      if (api.serviceRequests > 0) await p.locator(`[data-testid="nav-service-count"][data-urgent="${api.serviceRequestsOverdue > 0}"]`).waitFor();
      else assert((await p.getByTestId('nav-service-count').count()) === 0, 'a count on 服务请求 with none held');
      assert(JSON.stringify(digestPosts) === '["Digest"]', `the header asked ${JSON.stringify(digestPosts)}, want one Digest`);
      await bell.locator('.ant-badge-dot').waitFor({ state: 'visible' }); // after its zoom-in motion
      assert(/未读/.test((await bell.getAttribute('aria-label')) ?? ''), 'the bell is not named unread');
      await shoot(p, 'digest-badge');
      await bell.click();
      const panel = p.getByTestId('digest-panel');
      await panel.waitFor();
      await p.waitForTimeout(400); // the popover's motion
      const summary = `逾期 ${api.overdue} 项 · 今日到期 ${api.dueToday} 项 · 新增 ${api.new} 项`;
      await panel.getByTestId('digest-summary').filter({ hasText: summary }).waitFor();
      const [, m, d] = api.day.split('-').map(Number);
      await p.getByTestId('digest-day').filter({ hasText: `${m}月${d}日` }).waitFor();
      const kinds = await panel.getByTestId('digest-kind').allTextContents();
      assert(JSON.stringify(kinds.map((k) => k.trim())) === JSON.stringify(api.byKind.map((k) => `${KINDS[k.kind]} ${k.count}`)),
        `kinds shown ${JSON.stringify(kinds)}, API ${JSON.stringify(api.byKind)}`);
      const titles = await panel.locator('.kehu-digest-task-title').allTextContents();
      assert(JSON.stringify(titles) === JSON.stringify(api.top.map((x) => x.title)), `tasks shown ${JSON.stringify(titles)}, API ${JSON.stringify(api.top.map((x) => x.title))}`);
      assert((await panel.getByTestId('digest-all-tasks').getAttribute('href')) === '/tasks', 'no link to /tasks');
      const service = panel.getByTestId('digest-service');
      if (api.serviceRequests > 0) {
        const text = api.serviceRequestsOverdue > 0 ? `${api.serviceRequests} 个服务请求处理中，${api.serviceRequestsOverdue} 个已超时` : `${api.serviceRequests} 个服务请求处理中`;
        await service.filter({ hasText: text }).waitFor();
        const href = await service.getAttribute('href');
        assert(href === (api.serviceRequestsOverdue > 0 ? '/service?overdue=1' : '/service'), `the service line links to ${href}`);
      } else {
        assert((await service.count()) === 0, 'a service line without service requests');
      }
      // Opened: the dot goes, the API has it read; the panel keeps its figures.
      await p.locator('[data-testid="digest-bell"][data-unread="false"]').waitFor();
      await bell.locator('.ant-badge-dot').waitFor({ state: 'hidden' }); // after its zoom-out motion
      await panel.getByTestId('digest-summary').filter({ hasText: summary }).waitFor();
      const read = (await gql(base, '{ digest { read } }', {}, token)).digest;
      assert(read.read === true, 'the API has the digest unread after opening');
      await shoot(p, 'digest-open');
      await p.addScriptTag({ content: AXE });
      const found = await p.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast', 'button-name', 'link-name'] } });
        return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join('; ')}`);
      });
      assert(found.length === 0, `the open digest: ${found.join(' | ')}`);
      // A task opens its customer and closes the panel.
      if (api.top.length > 0) {
        await panel.getByTestId('digest-task').first().click();
        await p.waitForURL((u) => decodeURIComponent(u.pathname) === `/customers/${api.top[0].customer.code}`);
        await p.getByRole('heading', { level: 1, name: api.top[0].customer.name }).waitFor();
        await panel.waitFor({ state: 'hidden' });
      }
      // Reopening does not mark it again; a reload keeps it read.
      await p.reload();
      await p.locator('[data-testid="digest-bell"][data-unread="false"]').waitFor();
      await ctx.close();

      // A phone (another salesperson, unread): the bell with its dot in the
      // header beside the collapsed menu, the panel on the screen.
      const token2 = await apiLogin(base, 'sales2@kehu.local', DEMO_PASSWORD);
      const api2 = (await gql(base, DIGEST, {}, token2)).digest;
      const unread2 = !api2.read && api2.overdue + api2.dueToday + api2.serviceRequests > 0;
      const phone = await newContext(PHONE390);
      const q = await phone.newPage();
      state.current = q;
      await q.goto(`${base}/login?next=${encodeURIComponent('/customers')}`);
      await signIn(q, 'sales2@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      const qbell = q.locator(`[data-testid="digest-bell"][data-unread="${unread2}"]`);
      await qbell.waitFor();
      const box = await qbell.boundingBox();
      assert(box && box.x >= 0 && box.x + box.width <= PHONE390.width && box.y < 56, `the bell is off the header at 390 px: ${JSON.stringify(box)}`);
      if (unread2) await qbell.locator('.ant-badge-dot').waitFor({ state: 'visible' });
      await shoot(q, 'digest-badge');
      await qbell.click();
      const qpanel = q.getByTestId('digest-panel');
      await qpanel.getByTestId('digest-summary').filter({ hasText: `逾期 ${api2.overdue} 项 · 今日到期 ${api2.dueToday} 项 · 新增 ${api2.new} 项` }).waitFor();
      assert((await qpanel.getByTestId('digest-task').count()) === api2.top.length, 'the tasks at 390 px differ from the API');
      await q.waitForTimeout(400);
      const sheet = await q.locator('.ant-drawer-content-wrapper').boundingBox();
      assert(sheet && sheet.x >= 0 && sheet.x + sheet.width <= PHONE390.width && sheet.y >= 0 && sheet.y + sheet.height <= PHONE390.height,
        `the digest does not fit 390 px: ${JSON.stringify(sheet)}`);
      const w = await q.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= PHONE390.width, `the page scrolls sideways at 390 px with the digest open: ${w}`);
      await shoot(q, 'digest-open');
      // At 375 px too (the narrowest phone the app is checked at).
      await q.setViewportSize(PHONE);
      await q.waitForTimeout(300);
      const sheet375 = await q.locator('.ant-drawer-content-wrapper').boundingBox();
      assert(sheet375 && sheet375.x >= 0 && sheet375.x + sheet375.width <= PHONE.width, `the digest does not fit 375 px: ${JSON.stringify(sheet375)}`);
      assert((await q.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'the page scrolls sideways at 375 px with the digest open');
      await shoot(q, 'digest-open');
      await q.locator('[data-testid="digest-bell"][data-unread="false"]').waitFor({ state: 'attached' });
      await qpanel.getByTestId('digest-all-tasks').click();
      await q.waitForURL((u) => u.pathname === '/tasks');
      await qpanel.waitFor({ state: 'hidden' });
      await phone.close();
      state.current = page;
    });

    // Service requests (seed 002): a service agent opens a complaint on a
    // customer, works it through 处理中 and 已解决 to the satisfaction check;
    // the list across customers has it while it is open, not once closed.
    await scenario('service requests: open, start, resolve, check and close; the list and its menu count while open (1280, 390, 375)', async () => {
      const PHONE390 = { width: 390, height: 844 };
      const token = await apiLogin(base, 'service1@kehu.local', DEMO_PASSWORD);
      const found = await gql(base, '{ customers(first: 60) { nodes { id code name serviceRequestCount contacts { id } } } }', {}, token);
      const nodes = found.customers.nodes.filter((c) => c.contacts.length > 0);
      const target = nodes.find((c) => c.serviceRequestCount >= 2) ?? nodes[0];
      assert(target, 'no customer with contacts in the demo data');
      const { code } = target;
      const summary = `发票抬头有误，要求重开（e2e ${Date.now() % 100000}）`;
      const resolution = '已作废原发票并按新抬头重新开具，快递单号已告知客户';
      // AA contrast and one h1 (axe-core, as the accessibility scenario).
      const audit = async (pg, what) => {
        await pg.waitForTimeout(400);
        await pg.addScriptTag({ content: AXE });
        const found = await pg.evaluate(async () => {
          const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast', 'page-has-heading-one', 'empty-heading'] } });
          return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} (${(n.any[0]?.message ?? '').slice(0, 90)})`).join('; ')}`);
        });
        assert(found.length === 0, `${what}: ${found.join(' | ')}`);
      };
      const ctx = await newContext(DESKTOP, { bypassCSP: true }); // to inject axe-core
      const p = await ctx.newPage();
      state.current = p;
      await p.goto(`${base}/login?next=${encodeURIComponent(`/customers/${code}`)}`);
      await signIn(p, 'service1@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${code}` });
      const card = p.getByTestId('customer-service');
      await card.getByRole('button', { name: /新建服务请求/ }).click();
      const dialog = p.locator('.ant-modal:visible');
      await dialog.getByLabel('问题描述').waitFor();
      await p.waitForTimeout(400); // the dialog's opening motion swallows clicks
      // Without a summary nothing is saved.
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await dialog.locator('.ant-form-item-explain-error').first().waitFor();
      await dialog.locator('.ant-form-item').filter({ hasText: '类型' }).locator('.ant-select-selector').click();
      await p.locator('.ant-select-dropdown:visible').getByTitle('投诉', { exact: true }).click();
      await p.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
      await dialog.getByLabel('问题描述').fill(summary);
      await dialog.locator('.ant-form-item').filter({ hasText: '提出人' }).locator('.ant-select-selector').click();
      await p.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      // A complaint is high priority and mine by default.
      const item = card.getByTestId('service-request').filter({ hasText: summary });
      await item.filter({ hasText: '待处理' }).filter({ hasText: '投诉' }).filter({ hasText: '高优先级' }).filter({ hasText: '负责人：吴静' }).waitFor();
      const requests = async () =>
        (await gql(base, 'query($c:String){ customer(code:$c) { serviceRequests { id summary status resolution satisfaction { score } } satisfaction(newestFirst: true, limit: 1) { score } } }', { c: code }, token)).customer;
      let api = await requests();
      const opened = api.serviceRequests.find((r) => r.summary === summary);
      assert(opened && opened.status === 'OPEN', `the API has ${JSON.stringify(opened)}`);

      // The list (mine by default for a service agent) has it, as the API lists them.
      await p.getByTestId('nav-service').click();
      await p.waitForURL((u) => u.pathname === '/service');
      await p.getByRole('heading', { level: 1, name: '服务请求' }).waitFor();
      const mine = await gql(base, '{ serviceRequests(mine: true, first: 100) { totalCount } }', {}, token);
      await p.getByTestId('service-total').filter({ hasText: `共 ${mine.serviceRequests.totalCount} 项` }).waitFor();
      // The count on 服务请求: the requests I hold (the digest's, the new one included), red when some are overdue.
      const held = (await gql(base, '{ digest { serviceRequests serviceRequestsOverdue } }', {}, token)).digest;
      assert(held.serviceRequests === mine.serviceRequests.totalCount, `the digest holds ${held.serviceRequests}, the list ${mine.serviceRequests.totalCount}`);
      const heldText = held.serviceRequestsOverdue > 0
        ? `${held.serviceRequests} 个服务请求处理中，${held.serviceRequestsOverdue} 个已超时`
        : `${held.serviceRequests} 个服务请求处理中`;
      await p.locator(`[data-testid="nav-service-count"][aria-label="${heldText}"][data-urgent="${held.serviceRequestsOverdue > 0}"]`).waitFor();
      const row = p.getByTestId('service-row').filter({ hasText: summary });
      await row.waitFor();
      await shoot(p, 'service-list');
      await row.getByRole('link').first().click();
      await p.waitForURL((u) => u.pathname === `/customers/${code}`);

      // 开始处理, then 标记已解决 (a resolution is required).
      await item.getByRole('button', { name: /开始处理/ }).click();
      await item.filter({ hasText: '处理中' }).waitFor();
      await item.getByRole('button', { name: /标记已解决/ }).click();
      await dialog.getByLabel('解决方案').waitFor();
      await p.waitForTimeout(400);
      await dialog.getByRole('button', { name: /标记已解决/ }).click();
      await dialog.locator('.ant-form-item-explain-error').first().waitFor();
      await dialog.getByLabel('解决方案').fill(resolution);
      await dialog.getByRole('button', { name: /标记已解决/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      await item.filter({ hasText: '已解决待回访' }).getByTestId('service-resolution').filter({ hasText: resolution }).waitFor();
      // The steps: opened, started, resolved with the resolution.
      await item.getByRole('button', { name: /处理记录 \(3\)/ }).click();
      const steps = item.getByTestId('service-steps');
      await steps.filter({ hasText: resolution }).waitFor();
      const stepCount = await steps.locator('.ant-timeline-item').count();
      assert(stepCount === 3, `${stepCount} steps shown, want 3`);
      await card.scrollIntoViewIfNeeded();
      await shoot(p, 'service-card');

      // 回访并关闭: a score or a comment is required; 92 closes it and is recorded.
      await item.getByRole('button', { name: /回访并关闭/ }).click();
      await dialog.getByLabel('满意度评分').waitFor();
      await p.waitForTimeout(400);
      await dialog.getByRole('button', { name: /回访并关闭/ }).click();
      await dialog.locator('.ant-form-item-explain-error').filter({ hasText: '请填写满意度评分' }).waitFor();
      await dialog.getByLabel('满意度评分').fill('92');
      await dialog.getByRole('button', { name: /回访并关闭/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      // Closed requests are folded under the open ones.
      await card.getByRole('button', { name: /已关闭/ }).click();
      await item.filter({ hasText: '已关闭' }).getByTestId('service-check').filter({ hasText: '满意度 92' }).waitFor();
      api = await requests();
      const closed = api.serviceRequests.find((r) => r.summary === summary);
      assert(closed?.status === 'CLOSED' && closed.resolution === resolution && closed.satisfaction?.score === 92, `after closing the API has ${JSON.stringify(closed)}`);
      assert(api.satisfaction[0]?.score === 92, `the customer's newest satisfaction result is ${JSON.stringify(api.satisfaction[0])}`);
      await shoot(p, 'service-card-closed');
      await audit(p, 'the customer page with its service requests at 1280 px');

      // Not on the list once closed.
      await p.goto(`${base}/service?scope=all`);
      const all = await gql(base, '{ serviceRequests(first: 100) { totalCount } }', {}, token);
      await p.getByTestId('service-total').filter({ hasText: `共 ${all.serviceRequests.totalCount} 项` }).waitFor();
      await p.getByTestId('service-row').first().waitFor();
      assert((await p.getByTestId('service-row').filter({ hasText: summary }).count()) === 0, 'the closed request is still on the list');
      await shoot(p, 'service-list-all');
      await audit(p, 'the service list at 1280 px');
      await ctx.close();

      // An analyst reads the list but is offered no steps.
      const actx = await newContext(DESKTOP);
      const a = await actx.newPage();
      state.current = a;
      await a.goto(`${base}/login?next=${encodeURIComponent('/service')}`);
      await signIn(a, 'analyst@kehu.local', DEMO_PASSWORD, { expectPath: '/service' });
      await a.getByTestId('service-row').first().waitFor();
      assert((await a.getByTestId('service-actions').count()) === 0, 'an analyst is offered service steps');
      await actx.close();

      // A phone: the card and the list, actions under each request, nothing sideways.
      const phone = await newContext(PHONE390, { bypassCSP: true });
      const q = await phone.newPage();
      state.current = q;
      await q.goto(`${base}/login?next=${encodeURIComponent(`/customers/${code}`)}`);
      await signIn(q, 'service1@kehu.local', DEMO_PASSWORD, { expectPath: `/customers/${code}` });
      const qcard = q.getByTestId('customer-service');
      await qcard.getByRole('button', { name: /已关闭/ }).click();
      await qcard.getByTestId('service-request').filter({ hasText: summary }).getByTestId('service-check').waitFor();
      let w = await q.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= PHONE390.width, `the customer page scrolls sideways at 390 px: ${w}`);
      // The card's top under the header.
      await qcard.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 64));
      await shoot(q, 'service-card');
      await q.goto(`${base}/service?scope=all`);
      const first = q.getByTestId('service-row').first();
      await first.getByTestId('service-actions').waitFor();
      w = await q.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= PHONE390.width, `the service list scrolls sideways at 390 px: ${w}`);
      await shoot(q, 'service-list');
      await audit(q, 'the service list at 390 px');
      await q.setViewportSize(PHONE);
      await q.waitForTimeout(300);
      w = await q.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= PHONE.width, `the service list scrolls sideways at 375 px: ${w}`);
      await shoot(q, 'service-list');
      await phone.close();
      state.current = page;
    });

    await scenario('graphiql: from the binary, no other host, a docs example runs (1280, 375)', async () => {
      const ctx = await newContext();
      const p = await ctx.newPage();
      state.current = p;
      const foreign = [];
      const cspErrors = [];
      p.on('request', (r) => {
        const u = new URL(r.url());
        if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== base) foreign.push(r.url());
      });
      p.on('console', (m) => {
        if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text());
      });
      await p.goto(`${base}/login?next=${encodeURIComponent('/customers')}`);
      await signIn(p, 'manager@kehu.local', DEMO_PASSWORD, { expectPath: '/customers' });
      await p.goto(`${base}/graphiql`);
      const list = p.locator('.kehu-examples');
      await list.locator('button').first().waitFor();
      await shoot(p, 'graphiql-examples');
      // One click opens the docs' first list example in a new tab; ▶ runs it with the session cookie.
      const tabsBefore = await p.locator('.graphiql-tab').count();
      await list.getByRole('button', { name: /customers contacted most recently/ }).click();
      await p.waitForFunction((n) => document.querySelectorAll('.graphiql-tab').length > n, tabsBefore);
      await p.locator('.graphiql-query-editor').filter({ hasText: 'LAST_INTERACTION_AT' }).waitFor();
      await p.locator('.graphiql-execute-button').click();
      await p.locator('.graphiql-response').filter({ hasText: 'totalCount' }).waitFor();
      const response = await p.locator('.graphiql-response').innerText();
      assert(!/"errors"/.test(response), `the example answered errors: ${response.slice(0, 300)}`);
      assert(/"code": "C\d+"/.test(response), `the example shows customers: ${response.slice(0, 300)}`);
      await shoot(p, 'graphiql-example-run');
      // An example with variables opens with them.
      await list.getByRole('button', { name: /The same as an input/ }).click();
      await p.locator('.graphiql-editor-tool .graphiql-editor').filter({ hasText: 'valueTier' }).first().waitFor();
      await p.locator('.graphiql-execute-button').click();
      await p.locator('.graphiql-response').filter({ hasText: 'customersCount' }).waitFor();
      await shoot(p, 'graphiql-example-variables');
      // On a phone the examples pane starts closed, one tap away.
      await p.setViewportSize(PHONE);
      await p.reload();
      await p.locator('.graphiql-query-editor').waitFor();
      await p.waitForTimeout(800);
      assert(!(await p.locator('.kehu-examples').isVisible()), 'the examples pane covers the editor on a phone');
      await shoot(p, 'graphiql-phone');
      await p.getByRole('button', { name: /Show 示例/ }).click();
      await p.locator('.kehu-examples button').first().waitFor();
      await shoot(p, 'graphiql-phone-examples');
      assert(foreign.length === 0, `GraphiQL loaded from other hosts: ${foreign.join(', ')}`);
      assert(cspErrors.length === 0, `the policy refused something: ${cspErrors.join(' | ')}`);
      await ctx.close();
      state.current = page;
    });
    // --- end graphiql

    // --- import (issue 18): a manager uploads a small CSV (a new customer
    // and a row with a bad phone), checks the columns (a correction goes
    // through the server and back), runs the dry run (the counts and the
    // error row as the API has them, nothing written), imports, finds the
    // customer in the list, undoes it and it is gone; then the same at 375 px
    // from the saved mapping, undone from the list of recent imports. A
    // salesperson is offered no import.
    const IMPORT_NAME = '杭州导入测试科技有限公司';
    const importCsv = () => {
      const dir = mkdtempSync(join(tmpdir(), 'kehu-import-'));
      const file = join(dir, '导入测试.csv');
      writeFileSync(
        file,
        ['客户名称,联系人,手机,客户标签,备用', `${IMPORT_NAME},陈经理,13912345678,重点;华东,老客户介绍`, '宁波坏号码贸易有限公司,张三,12345,,'].join('\n') +
          '\n',
      );
      return { dir, file };
    };
    const importedCount = async (token) =>
      (await gql(base, 'query($q:String){customers(first:5, query:$q){totalCount}}', { q: IMPORT_NAME }, token)).customers.totalCount;
    const importCounts = async (p, want) => {
      for (const [action, n] of Object.entries(want)) {
        const got = await p.getByTestId(`import-count-${action}`).getAttribute('data-count');
        assert(Number(got) === n, `${action}: ${got} shown, want ${n}`);
      }
    };
    const uploadSheet = async (p, file) => {
      await p.getByTestId('import-upload-step').locator('input[type=file]').setInputFiles(file);
      await p.getByTestId('import-columns-step').waitFor();
      await p.getByTestId('import-column').first().waitFor();
    };
    const runDryRun = async (p) => {
      await p.getByTestId('import-start-dry-run').click();
      await p.locator('[data-testid=import-dry-run][data-status=DONE]').waitFor();
      await importCounts(p, { CREATE: 1, UPDATE: 0, UNCHANGED: 0, DUPLICATE: 0, ERROR: 1 });
      // The bad phone: row 3, column C 手机, worded by its reason.
      const bad = p.locator('[data-testid=import-error][data-row="3"]');
      await bad.filter({ hasText: 'C 手机' }).filter({ hasText: '手机号' }).waitFor();
      assert((await bad.getAttribute('data-reason')) === 'INVALID_PHONE', 'the error of row 3 is not INVALID_PHONE');
      await p.locator('[data-testid=import-outcome][data-row="2"][data-action=CREATE]').filter({ hasText: IMPORT_NAME }).waitFor();
      await p.locator('[data-testid=import-outcome][data-row="3"][data-action=ERROR]').waitFor();
    };
    const commitImport = async (p) => {
      await p.getByTestId('import-commit-button').filter({ hasText: '导入 1 个客户' }).click();
      await p.locator('[data-testid=import-commit][data-status=DONE]').waitFor();
      await importCounts(p, { CREATE: 1, ERROR: 1 });
    };
    // axe-core's contrast and heading rules over the page as it is (the context bypasses the CSP).
    const importAxe = async (p, what) => {
      await p.mouse.move(0, 0);
      await p.waitForTimeout(400); // transitions
      await p.addScriptTag({ content: AXE });
      const found = await p.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast', 'page-has-heading-one', 'empty-heading', 'button-name'] } });
        return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} (${(n.any[0]?.message ?? '').slice(0, 90)})`).join('; ')}`);
      });
      assert(found.length === 0, `${what} at ${p.viewportSize().width} px: ${found.join(' | ')}`);
    };
    const confirmUndo = async (p, scope) => {
      await scope.getByTestId('import-undo').first().click();
      await p.locator('.ant-popover:visible').getByRole('button', { name: /撤销导入/ }).click();
    };

    await scenario('import: columns, dry run with a bad phone, commit, the customer in the list, undo (1280, 375)', async () => {
      const token = await managerToken();
      assert((await importedCount(token)) === 0, `the demo data already has ${IMPORT_NAME}`);
      const { dir, file } = importCsv();
      const { ctx, p } = await asManager('/customers', { bypassCSP: true }); // to inject axe-core
      await p.getByTestId('nav-data').hover(); // the 数据维护 submenu
      await p.getByTestId('nav-import').click();
      await p.waitForURL((u) => u.pathname === '/import');
      await p.getByRole('heading', { level: 1, name: '导入客户' }).waitFor();
      await p.getByTestId('import-recent').waitFor();
      await shoot(p, 'import-upload');
      // A workbook the server does not read is refused with its reason.
      const legacy = join(dir, '旧表.xls');
      writeFileSync(legacy, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]));
      await p.getByTestId('import-upload-step').locator('input[type=file]').setInputFiles(legacy);
      await p.getByTestId('import-upload-error').filter({ hasText: '旧表.xls' }).filter({ hasText: '另存为 .xlsx' }).waitFor();
      await shoot(p, 'import-upload-refused');

      // Columns: 客户名称, 联系人, 手机, 客户标签, and 备用, which no field has.
      await uploadSheet(p, file);
      assert((await p.getByTestId('import-column').count()) === 5, 'not five columns');
      const colE = p.locator('[data-testid=import-column][data-letter=E]');
      await colE.locator('[data-reason=UNKNOWN_HEADER]').waitFor();
      const colA = p.locator('[data-testid=import-column][data-letter=A]');
      await colA.locator('.ant-select-selection-item').filter({ hasText: '客户名称' }).waitFor();
      await p.locator('[data-testid=import-column][data-letter=C]').locator('.ant-select-selection-item').filter({ hasText: '联系人电话' }).waitFor();
      await shoot(p, 'import-columns');
      await importAxe(p, 'the import columns');
      // A correction is checked by the server: A left out, the name column is missing.
      await colA.getByTestId('import-field').click();
      await p.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '不导入' }).first().click();
      await p.getByTestId('import-problems').filter({ hasText: '客户名称' }).waitFor();
      assert(await p.getByTestId('import-start-dry-run').isDisabled(), 'the dry run is offered without a name column');
      await shoot(p, 'import-columns-problem');
      await colA.getByTestId('import-field').click();
      await p.keyboard.type('客户名称');
      await p.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '客户名称' }).first().click();
      await p.getByTestId('import-problems').waitFor({ state: 'detached' });
      // 备用 goes to 备注: the server takes the correction (and saves it with the import).
      await colE.getByTestId('import-field').click();
      await p.keyboard.type('备注');
      await p.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '备注' }).first().click();
      await colE.locator('[data-reason=UNKNOWN_HEADER]').waitFor({ state: 'detached' });
      await colE.getByText('手动指定').waitFor();
      await p.getByTestId('import-start-dry-run').and(p.locator(':enabled')).waitFor();

      // The dry run writes nothing.
      await runDryRun(p);
      // The sheet with its result columns, downloaded with the session cookie.
      const href = await p.getByTestId('import-result-file').getAttribute('href');
      assert(href?.startsWith('/import/'), `the result file's link: ${href}`);
      const result = await p.request.get(`${base}${href}`);
      assert(result.ok() && (result.headers()['content-type'] ?? '').includes('spreadsheetml'), `the result file: HTTP ${result.status()} ${result.headers()['content-type']}`);
      assert((await importedCount(token)) === 0, 'the dry run wrote the customer');
      await shoot(p, 'import-dry-run');
      await importAxe(p, 'the dry run');
      await p.getByTestId('import-report').screenshot({ path: join(SHOTS, 'import-dry-run-report-1280.png') });

      // The import, then the customer in the list (a second tab).
      await commitImport(p);
      assert((await importedCount(token)) === 1, 'the import did not write the customer');
      await shoot(p, 'import-commit');
      const list = await ctx.newPage();
      await list.goto(`${base}/customers?q=${encodeURIComponent(IMPORT_NAME)}`);
      await list.locator('tr.kehu-row-clickable').filter({ hasText: IMPORT_NAME }).waitFor();
      await list.close();

      // Undo: the report, and the customer is gone.
      await confirmUndo(p, p.getByTestId('import-commit'));
      await p.getByTestId('import-undo-report').filter({ hasText: '删除 1 个客户' }).waitFor();
      await p.getByTestId('import-undo-report').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      assert((await importedCount(token)) === 0, 'the undo left the customer');
      await p.locator('[data-testid=import-job]').first().getByText('已撤销').waitFor();
      await shoot(p, 'import-undone');
      const after = await ctx.newPage();
      await after.goto(`${base}/customers?q=${encodeURIComponent(IMPORT_NAME)}`);
      await after.getByTestId('customer-total').filter({ hasText: /共 0 个/ }).waitFor();
      await after.close();
      await ctx.close();

      // 375 px: the saved mapping applied, each step without sideways scrolling.
      const { ctx: phone, p: q } = await asManager('/import', { viewport: PHONE, bypassCSP: true });
      await q.getByTestId('import-upload-step').waitFor();
      await noSideways(q, 'the import page');
      await shoot(q, 'import-upload');
      await uploadSheet(q, file);
      await q.getByTestId('import-saved').waitFor();
      await q.locator('[data-testid=import-column][data-letter=E]').getByText('上次保存的对应').waitFor();
      await noSideways(q, 'the import columns');
      await shoot(q, 'import-columns');
      await runDryRun(q);
      await noSideways(q, 'the dry run');
      await shoot(q, 'import-dry-run');
      await importAxe(q, 'the dry run');
      await q.getByTestId('import-errors').scrollIntoViewIfNeeded();
      await shoot(q, 'import-dry-run-errors');
      await commitImport(q);
      await noSideways(q, 'the import report');
      await shoot(q, 'import-commit');
      assert((await importedCount(token)) === 1, 'the import at 375 px did not write the customer');
      // Undone from the list of recent imports.
      const recent = q.getByTestId('import-recent');
      await recent.scrollIntoViewIfNeeded();
      await shoot(q, 'import-recent');
      await confirmUndo(q, recent);
      await recent.locator('[data-testid=import-job]').first().getByText('已撤销').waitFor();
      assert((await importedCount(token)) === 0, 'the undo from the list left the customer');
      await noSideways(q, 'the recent imports');
      await phone.close();

      // In English (the manager's setting, put back after): the columns and the dry run.
      await inLocale(token, 'EN', async () => {
        const { ctx: en, p: e } = await asManager('/import');
        await e.getByRole('heading', { level: 1, name: 'Import customers' }).waitFor();
        await uploadSheet(e, file);
        await e.locator('[data-testid=import-column][data-letter=E]').getByText('as saved last time').waitFor();
        await shoot(e, 'import-columns-en');
        await e.getByTestId('import-start-dry-run').click();
        await e.locator('[data-testid=import-dry-run][data-status=DONE]').waitFor();
        await e.getByTestId('import-commit-button').filter({ hasText: 'Import customers: 1' }).waitFor();
        await shoot(e, 'import-dry-run-en');
        await en.close();
      });
      rmSync(dir, { recursive: true, force: true });

      // A salesperson is offered no import, and the page says so.
      const { ctx: sales, p: s } = await signedIn('sales1@kehu.local', '/customers');
      await s.locator('tr.kehu-row-clickable').first().waitFor();
      assert((await s.getByTestId('nav-import').count()) === 0, 'a salesperson is offered the import');
      await s.goto(`${base}/import`);
      await s.getByText('您没有权限执行此操作').waitFor();
      await sales.close();
      state.current = page;
    });
    // --- end import

    /** The row (card at 375 px) of the pair A, B on 重复客户, more pages loaded until it shows. */
    const findPair = async (p, A, B) => {
      await p.getByTestId('dup-total').waitFor();
      const pair = p.locator(`[data-testid=dup-pair][data-a="${A.code}"][data-b="${B.code}"]`);
      for (let i = 0; i < 20 && (await pair.count()) === 0; i++) {
        const more = p.getByTestId('dup-load-more');
        assert((await more.count()) > 0, `the pair ${A.code} ${B.code} is not listed`);
        await more.click();
        await p.waitForTimeout(300);
      }
      await pair.scrollIntoViewIfNeeded();
      return pair;
    };
    const mergeState = async (token, A, B) =>
      gql(base, 'query($a:String!,$b:String!){a:customer(code:$a){industry archivedAt mergedInto{code}} b:customer(code:$b){industry archivedAt mergedInto{code}}}', { a: A.code, b: B.code }, token);

    // Duplicates and merge (issue 18): two customers of the same company made
    // over the API, merged on 重复客户 taking one field from the other, the
    // survivor and the merged one's page, then the merge undone.
    await scenario('duplicates: merge a pair choosing a field from the other, the merged-into notice, undo (1280, 375)', async () => {
      const token = await managerToken();
      const NAME = 'e2e 合并测试精密机械有限公司';
      const mk = (input) => createCustomer(token, input);
      const A = await mk({ name: NAME, industry: '制造业', notes: '甲的备注', contacts: [{ name: '合并 甲', phone: '13912345601', primary: true }] });
      const B = await mk({ name: NAME, industry: '软件和信息技术服务业', website: 'https://merge-e2e.example.cn', contacts: [{ name: '合并 乙', phone: '13912345601' }, { name: '合并 丙', email: 'bing@merge-e2e.example.cn' }] });
      const { ctx, p } = await asManager('/customers');
      await p.getByTestId('nav-data').hover(); // the 数据维护 submenu
      await p.getByTestId('nav-duplicates').click();
      await p.waitForURL((u) => u.pathname === '/duplicates');
      await p.getByRole('heading', { level: 1, name: '重复客户' }).waitFor();
      const api = await gql(base, '{duplicateCandidates(first:1){totalCount}}', {}, token);
      await p.getByTestId('dup-total').filter({ hasText: `共 ${api.duplicateCandidates.totalCount} 对` }).waitFor();
      const pair = await findPair(p, A, B);
      await pair.locator('[data-reason=NAME]').waitFor();
      await pair.locator('[data-reason=PHONE]').waitFor();
      await pair.getByRole('link', { name: new RegExp(A.code) }).waitFor();
      await shoot(p, 'duplicates');
      await pair.getByTestId('dup-merge').click();
      const dialog = p.locator('.ant-modal:visible');
      const industry = dialog.locator('[data-testid=merge-field][data-field=industry]');
      await industry.waitFor();
      // Defaults: the older code survives; its own value, else the other's.
      assert((await industry.getAttribute('data-pick')) === 'a', 'industry is not the survivor’s by default');
      assert((await dialog.locator('[data-testid=merge-field][data-field=website]').getAttribute('data-pick')) === 'b', 'the empty website does not take the other’s');
      await dialog.getByTestId('merge-summary').filter({ hasText: '联系人 3 个' }).waitFor();
      await industry.locator('[data-side=b]').click();
      await p.waitForFunction(() => document.querySelector('[data-testid=merge-field][data-field=industry]')?.getAttribute('data-pick') === 'b');
      await shoot(p, 'duplicates-merge');
      await dialog.getByTestId('merge-confirm').click();
      await p.getByTestId('merge-done').filter({ hasText: `已将 ${B.code} 合并到 ${A.code}` }).waitFor();
      await pair.waitFor({ state: 'detached' });
      const after = await gql(base, 'query($a:String!,$b:String!){a:customer(code:$a){industry website notes contacts{name} mergedInto{code}} b:customer(code:$b){archivedAt mergedInto{code}}}', { a: A.code, b: B.code }, token);
      assert(after.a.industry === '软件和信息技术服务业', `the survivor's industry: ${after.a.industry}`);
      assert(after.a.website === 'https://merge-e2e.example.cn' && after.a.notes === '甲的备注', 'the defaults were not kept');
      assert(after.a.contacts.length >= 2, 'the contacts were not combined');
      assert(after.b.mergedInto?.code === A.code && after.b.archivedAt, 'B is not merged into A');
      const recent = p.getByTestId('merge-item').first();
      await recent.getByRole('link', { name: B.code }).waitFor();

      // The survivor shows the chosen value; the other says where it went.
      await p.goto(`${base}/customers/${encodeURIComponent(A.code)}`);
      await p.getByText('软件和信息技术服务业').first().waitFor();
      await p.goto(`${base}/customers/${encodeURIComponent(B.code)}`);
      const notice = p.getByTestId('merged-into');
      await notice.filter({ hasText: '此客户已合并到' }).waitFor();
      await shoot(p, 'duplicates-merged-into');
      await notice.getByRole('link', { name: new RegExp(A.code) }).click();
      await p.waitForURL((u) => u.pathname === `/customers/${encodeURIComponent(A.code)}`);

      // 375 px: cards, the dialog (of a second pair), nothing sideways; then the undo from 最近的合并.
      const C = await mk({ name: 'e2e 合并测试二号贸易有限公司', industry: '批发和零售业', address: '上海市浦东新区张江路 88 号 3 幢 1201 室' });
      const D = await mk({ name: 'e2e 合并测试二号贸易股份有限公司', mainBusiness: '进出口贸易、仓储物流与供应链管理服务，长文本换行检查' });
      const { ctx: phone, p: q } = await asManager('/duplicates', { viewport: PHONE });
      await q.getByTestId('dup-pair').first().waitFor();
      await shoot(q, 'duplicates');
      await noSideways(q, 'the duplicates page');
      // This pair's long texts must wrap in the dialog (the first pair of
      // a full run is another scenario's).
      await (await findPair(q, C, D)).getByTestId('dup-merge').click();
      await q.locator('.ant-modal:visible [data-testid=merge-field]').first().waitFor();
      await shoot(q, 'duplicates-merge');
      await noSideways(q, 'the merge dialog');
      await q.locator('.ant-modal:visible .ant-modal-close').click();
      const item = q.locator('[data-testid=merge-item]').filter({ hasText: B.code }).first();
      await item.scrollIntoViewIfNeeded();
      await item.getByTestId('merge-undo').click();
      await q.locator('.ant-popconfirm .ant-btn-dangerous').click();
      await q.getByText('合并已撤销').first().waitFor();
      await item.getByTestId('merge-undo').waitFor({ state: 'detached' });
      await shoot(q, 'duplicates-undone');
      await noSideways(q, 'the recent merges');
      const undone = await gql(base, 'query($a:String!,$b:String!){a:customer(code:$a){industry website} b:customer(code:$b){archivedAt mergedInto{code}}}', { a: A.code, b: B.code }, token);
      assert(undone.b.mergedInto === null && undone.b.archivedAt === null, 'B is still merged after the undo');
      assert(undone.a.industry === '制造业' && undone.a.website === '', `A was not restored: ${JSON.stringify(undone.a)}`);
      await phone.close();

      // A salesperson is offered no 重复客户.
      const { ctx: sales, p: s } = await signedIn('sales1@kehu.local', '/customers');
      await s.locator('tr.kehu-row-clickable').first().waitFor();
      assert((await s.getByTestId('nav-duplicates').count()) === 0, 'a salesperson is offered the duplicates');
      await sales.close();
      await ctx.close();
      state.current = page;
    });

    // The merge dialog open while another user changes one of the two: the
    // server answers CONFLICT, the dialog says so and shows both as they are
    // now, a second 确认合并 merges; then the 撤销 in the success message takes
    // the merge back (the pair listed again, the other customer active).
    await scenario('duplicates: a customer changed while the merge dialog is open (conflict, reload, merge), undo from the success message (1280)', async () => {
      const token = await managerToken();
      const NAME = 'e2e 合并冲突测试电子科技有限公司';
      const A = await createCustomer(token, { name: NAME, industry: '制造业', contacts: [{ name: '冲突 甲', phone: '13912345611', primary: true }] });
      const B = await createCustomer(token, { name: NAME, industry: '批发和零售业', city: '苏州市', contacts: [{ name: '冲突 乙', phone: '13912345611' }] });
      const { ctx, p } = await asManager('/duplicates');
      const pair = await findPair(p, A, B);
      await pair.getByTestId('dup-merge').click();
      const dialog = p.locator('.ant-modal:visible');
      const industry = dialog.locator('[data-testid=merge-field][data-field=industry]');
      await industry.filter({ hasText: '批发和零售业' }).waitFor();
      // Another user changes B with the version it read (the dialog still holds the old one).
      const changed = await gql(base, 'mutation($id:ID!,$v:Int!){updateCustomer(id:$id,expectedVersion:$v,input:{industry:"住宿和餐饮业"}){version}}', { id: B.id, v: B.version }, token);
      assert(changed.updateCustomer.version > B.version, 'the update did not bump the version');
      await dialog.getByTestId('merge-confirm').click();
      await dialog.getByTestId('merge-conflict').filter({ hasText: '有客户在您打开后被修改过，已载入最新资料' }).waitFor();
      await industry.filter({ hasText: '住宿和餐饮业' }).waitFor(); // B reloaded
      assert((await industry.filter({ hasText: '批发和零售业' }).count()) === 0, 'the dialog still shows B as it was');
      await industry.filter({ hasText: '制造业' }).waitFor(); // A reloaded too, unchanged
      assert((await p.getByTestId('merge-done').count()) === 0, 'a merge is reported after the conflict');
      const refused = await mergeState(token, A, B);
      assert(refused.b.mergedInto === null && refused.b.archivedAt === null, 'the stale merge went through');
      await shoot(p, 'duplicates-merge-conflict');
      // B's new industry taken, confirmed again: merged with the versions reloaded.
      await industry.locator('[data-side=b]').click();
      await p.waitForFunction(() => document.querySelector('.ant-modal [data-testid=merge-field][data-field=industry]')?.getAttribute('data-pick') === 'b');
      await dialog.getByTestId('merge-confirm').click();
      const done = p.getByTestId('merge-done').filter({ hasText: `已将 ${B.code} 合并到 ${A.code}` });
      await done.waitFor();
      await dialog.waitFor({ state: 'detached' });
      const merged = await mergeState(token, A, B);
      assert(merged.a.industry === '住宿和餐饮业', `the survivor's industry after the second confirm: ${merged.a.industry}`);
      assert(merged.b.mergedInto?.code === A.code && merged.b.archivedAt, 'B is not merged into A after the second confirm');
      await pair.waitFor({ state: 'detached' });
      await shoot(p, 'duplicates-merge-done');

      // 撤销 in the success message: undone, the pair listed again, B active, A as before.
      await done.getByTestId('merge-done-undo').click();
      await p.getByText('合并已撤销', { exact: true }).waitFor();
      await done.waitFor({ state: 'detached' });
      await pair.waitFor();
      const undone = await mergeState(token, A, B);
      assert(undone.b.mergedInto === null && undone.b.archivedAt === null, `B is still merged after the undo: ${JSON.stringify(undone.b)}`);
      assert(undone.a.industry === '制造业', `A was not restored: ${JSON.stringify(undone.a)}`);
      const item = p.locator('[data-testid=merge-item]').filter({ hasText: B.code }).first();
      await item.getByText('已撤销', { exact: true }).waitFor();
      assert((await item.getByTestId('merge-undo').count()) === 0, 'the undone merge still offers 撤销');
      await shoot(p, 'duplicates-undone-from-message');
      await p.goto(`${base}/customers/${encodeURIComponent(B.code)}`);
      await p.getByRole('heading', { level: 1, name: NAME }).waitFor();
      assert((await p.getByTestId('merged-into').count()) === 0, 'B still says it was merged');
      await ctx.close();
      state.current = page;
    });

    await scenario('data quality: the counts as the API, a drill link opens its customer, the clean-up (1280, 375)', async () => {
      const token = await apiLogin(base, 'analyst@kehu.local', DEMO_PASSWORD);
      const api = (await gql(base, '{dataQuality{customers averageCompleteness histogram{min customers} findings{kind customers drill{code}}}}', {}, token)).dataQuality;
      const { ctx, p } = await signedIn('analyst@kehu.local', '/customers');
      await p.getByTestId('nav-data').hover(); // the 数据维护 submenu
      await p.getByTestId('nav-quality').click();
      await p.waitForURL((u) => u.pathname === '/quality');
      await p.getByRole('heading', { level: 1, name: '数据质量' }).waitFor();
      await p.locator(`[data-testid=quality-customers][data-count="${api.customers}"]`).waitFor();
      for (const b of api.histogram) {
        assert((await p.locator(`[data-testid=quality-bucket][data-min="${b.min}"]`).getAttribute('data-customers')) === String(b.customers), `bucket ${b.min}`);
      }
      for (const f of api.findings) {
        assert((await p.locator(`[data-testid=quality-finding][data-kind=${f.kind}]`).getAttribute('data-customers')) === String(f.customers), `finding ${f.kind}`);
      }
      await p.getByTestId('quality-missing-field').first().waitFor();
      assert((await p.getByTestId('quality-cleanup').count()) === 0, 'an analyst is offered the clean-up');
      await shoot(p, 'quality');
      await p.screenshot({ path: join(SHOTS, 'quality-full-1280.png'), fullPage: true });
      const withDrill = api.findings.find((f) => f.drill.length > 0);
      assert(withDrill, 'no finding with customers to drill into');
      const code = withDrill.drill[0].code;
      await p.locator(`[data-testid=quality-finding][data-kind=${withDrill.kind}] [data-testid=quality-drill][data-code="${code}"]`).click();
      await p.waitForURL((u) => u.pathname === `/customers/${encodeURIComponent(code)}`);
      await p.getByRole('heading', { level: 1 }).waitFor();
      await ctx.close();

      // A manager at 375 px: one column, nothing sideways, the clean-up.
      const { ctx: phone, p: q } = await asManager('/quality', { viewport: PHONE });
      await q.getByTestId('quality-finding').first().waitFor();
      await shoot(q, 'quality');
      await q.screenshot({ path: join(SHOTS, 'quality-full-375.png'), fullPage: true });
      await noSideways(q, 'the data quality page');
      await q.getByTestId('quality-cleanup').click();
      await q.locator('.ant-popconfirm .ant-btn-dangerous').click();
      await q.getByText(/已清理 \d+ 个客户的 \d+ 条重复跟进记录/).waitFor();
      const repeated = (await gql(base, '{dataQuality{findings{kind customers}}}', {}, token)).dataQuality.findings.find((f) => f.kind === 'REPEATED_FOLLOW_UPS');
      assert(!repeated || repeated.customers === 0, `repeated follow-ups left: ${repeated?.customers}`);
      await phone.close();

      // In English (the manager's setting, put back after): both pages.
      await inLocale(await managerToken(), 'EN', async () => {
        const { ctx: en, p: e } = await asManager('/duplicates');
        await e.getByRole('heading', { level: 1, name: 'Duplicate customers' }).waitFor();
        await e.getByTestId('merge-recent').getByText('Recent merges').waitFor();
        await e.getByTestId('dup-total').waitFor();
        await shoot(e, 'duplicates-en');
        await e.goto(`${base}/quality`);
        await e.getByRole('heading', { level: 1, name: 'Data quality' }).waitFor();
        await e.getByTestId('quality-missing').getByText('Credit code').waitFor();
        await shoot(e, 'quality-en');
        await en.close();
      });
      state.current = page;
    });
    // --- end duplicates and quality

    await scenario('switch to English', async () => {
      // Its own session of sales1 (not the one "sign in" left), its language put back after.
      const token = await apiLogin(base, 'sales1@kehu.local', DEMO_PASSWORD);
      const own = await salesOwnCustomer();
      try {
        const { ctx, p } = await signedIn('sales1@kehu.local', '/settings');
        await p.getByTestId('language-switch').waitFor();
        await shoot(p, 'settings');
        await p.getByTestId('language-switch').getByText('English').click();
        await p.getByRole('heading', { level: 1, name: 'My settings' }).waitFor();
        await p.goto(`${base}/customers`);
        await p.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
        await p.locator('th').filter({ hasText: 'Last contact' }).first().waitFor();
        await shoot(p, 'customer-list-en');
        await p.goto(`${base}/customers?q=${encodeURIComponent('tier:A,B -owner:none visits(90d):>=3 last-deal:>90d')}`);
        await setBuilder(p, true);
        await p.getByTestId('seg-count').filter({ hasText: 'customers match' }).waitFor();
        await p.getByTestId('seg-block').getByText('Number of interactions where').waitFor();
        await segCount(p);
        await shoot(p, 'segment-builder-en');
        await setBuilder(p, false);
        await ctx.close();
        // Kept in the user's settings: a new browser signs in and gets English.
        const { ctx: other, p: p2 } = await signedIn('sales1@kehu.local', '/customers');
        await p2.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
        await p2.goto(`${base}/customers/${own}`);
        await p2.getByText('Quick log').waitFor();
        await shoot(p2, 'customer-detail-en');
        await other.close();
      } finally {
        await gql(base, 'mutation{updateMySettings(input:{locale:ZH_CN}){locale}}', {}, token);
        state.current = page;
      }
    });

    await desktop.close();
  } catch (e) {
    results.push({ name: 'setup', ok: false });
    log(`FAIL setup: ${e instanceof Error ? e.message : e}`);
    if (serverLog.length) log(serverLog.join('').slice(-3000));
  } finally {
    if (browser) await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => {
      const timer = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 10_000);
      server.once('exit', () => {
        clearTimeout(timer);
        r();
      });
    });
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (consoleErrors.length) {
    log(`browser console errors (${consoleErrors.length}):`);
    for (const e of consoleErrors.slice(0, 20)) log(`  ${e.slice(0, 300)}`);
  }
  writeFileSync(join(SHOTS, 'figures.json'), JSON.stringify(figures, null, 2));
  log(`figures: ${JSON.stringify(figures)}`);
  log(`screenshots: ${SHOTS}`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
