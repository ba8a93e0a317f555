// Drives /dashboard in Debian's chromium, as a person would: sign in, find the failing subscription,
// open a failed delivery and its attempts, heal the receiver, retry, and watch the delivery turn green
// through the live stream. Also checks escaping of hostile API text, keyboard use, phone width,
// accessibility (axe-core) and the subscription buttons. Started by io.hookrelay.dashboard.DashboardBrowserTest,
// which provides the running service and the loopback receivers; exits non-zero on the first failure.

import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is missing`);
  return value;
};

const BASE = env('HOOKRELAY_URL');
const API_KEY = env('HOOKRELAY_API_KEY');
const ADMIN_TOKEN = env('HOOKRELAY_ADMIN_TOKEN');
const FAILING_ID = env('FAILING_SUBSCRIPTION_ID');
const HEALTHY_ID = env('HEALTHY_SUBSCRIPTION_ID');
const HEAL_URL = env('HEAL_URL');
const HOSTILE_MARK = env('HOSTILE_MARK');
const SHOTS = env('SCREENSHOT_DIR');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WAIT = 30000;

const started = Date.now();
let step = 0;
function ok(what) {
  step += 1;
  console.log(`ok ${step} - ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
/** Waits (a few seconds at most) for a condition in the page; the page changes asynchronously. */
async function until(page, condition, arg, message) {
  try {
    await page.waitForFunction(condition, arg, { timeout: 5000 });
  } catch {
    throw new Error(`check failed: ${message}`);
  }
}
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

const userDataDir = await mkdtemp(path.join(tmpdir(), 'hookrelay-chromium-'));
await mkdir(SHOTS, { recursive: true });
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
    '--no-first-run', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
  timeout: WAIT,
});
const pageErrors = [];
const consoleErrors = [];
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });

  // --- The page and its headers -------------------------------------------------------------------
  const response = await page.goto(`${BASE}/dashboard`);
  check(response.ok(), `GET /dashboard answered ${response.status()}`);
  check(new URL(page.url()).pathname === '/dashboard/', `ended at ${page.url()}`);
  const headers = response.headers();
  const csp = headers['content-security-policy'] ?? '';
  check(csp.includes("default-src 'self'") && csp.includes("frame-ancestors 'none'") && !csp.includes('unsafe-inline'),
    `content-security-policy is strict: ${csp}`);
  check(headers['x-content-type-options'] === 'nosniff', 'x-content-type-options: nosniff');
  check(headers['referrer-policy'] === 'no-referrer', 'referrer-policy: no-referrer');
  ok('GET /dashboard serves the page with a strict content security policy');

  // --- Sign in, with the keyboard only --------------------------------------------------------------
  await page.locator('#token').waitFor();
  check(await page.evaluate(() => document.activeElement?.id) === 'token', 'the token field has focus on arrival');
  await page.keyboard.type('hr_not_a_real_key_0000000000');
  await page.keyboard.press('Enter');
  await page.locator('#sign-in-error', { hasText: 'unknown or has been revoked' }).waitFor();
  check(await page.evaluate(() => sessionStorage.length) === 0, 'a refused token is not kept');
  ok('a wrong token is refused with the API\'s problem detail shown');

  // The first two connections to the live stream fail, as when the network drops: the page must keep
  // trying by itself, with its backoff, until one succeeds.
  const STREAM = '**/v1/deliveries/stream*';
  let refused = 0;
  const refuse = async (route) => {
    refused += 1;
    await route.abort('connectionreset');
    if (refused === 2) await page.unroute(STREAM, refuse);
  };
  await page.route(STREAM, refuse);
  await page.locator('#token').fill(API_KEY);
  await page.keyboard.press('Enter');
  await page.locator('#app-view').waitFor({ state: 'visible' });
  check(await page.evaluate(() => localStorage.length) === 0, 'nothing is written to localStorage');
  check(await page.evaluate(() => sessionStorage.getItem('hookrelay.token')) === API_KEY, 'the token is in sessionStorage');
  await page.locator('#live-state[data-state="reconnecting"]').waitFor();
  await page.locator('#live-state[data-state="live"]').waitFor();
  check(refused === 2, `the page tried again after each dropped connection (${refused} refused)`);
  ok('signs in with the API key; the live stream connects after two dropped connections');

  // --- The failing subscription ----------------------------------------------------------------------
  const failingItem = page.locator(`.subscription-item[data-id="${FAILING_ID}"]`);
  await failingItem.locator('.badge[data-status="failing"]').waitFor();
  await page.locator(`.subscription-item[data-id="${HEALTHY_ID}"] .badge[data-status="active"]`).waitFor();
  const failingName = await failingItem.locator('.name').textContent();
  check(failingName.includes(`<img src=x onerror=`), `the hostile description shows as text: ${failingName}`);
  check(await page.locator('#subscription-list img').count() === 0, 'no element was made from the description');
  ok('the failing subscription has a failing badge, the healthy one an active badge');

  // The failing subscription is selected first; its detail shows the streak and the charts.
  await page.locator('#detail-badge .badge[data-status="failing"]').waitFor();
  await page.locator('#detail-charts figure.chart svg rect.s-bad').first().waitFor();
  ok('the failing subscription\'s detail shows failures in the chart');

  // --- Keyboard: pick the subscription, then a failed delivery ---------------------------------------
  await failingItem.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('#filter-subscription').value === id, FAILING_ID);
  await until(page, () => document.activeElement?.id === 'detail-title', null, 'focus moves to the chosen subscription');
  const failedRow = page.locator('#deliveries-body tr[data-status="failed"]').first();
  await failedRow.waitFor();
  const deliveryId = await failedRow.getAttribute('data-delivery-id');
  await failedRow.locator('.open-delivery').focus();
  await page.keyboard.press('Enter');
  const panel = page.locator('#delivery-panel');
  await panel.locator('.attempt').first().waitFor();
  const attempts = await panel.locator('.attempt').count();
  check(attempts >= 2, `the failed delivery shows its attempts (${attempts})`);
  const excerpt = await panel.locator('.response-excerpt').first().textContent();
  check(excerpt.includes('<script>') && excerpt.includes(HOSTILE_MARK), `the response excerpt is shown as text: ${excerpt}`);
  check(await panel.locator('.attempt').first().textContent().then((t) => t.includes('HTTP 500')), 'the attempt shows HTTP 500');
  await until(page, () => document.querySelector('#panel-event pre')?.textContent.includes('"order_id"'), null,
    'the panel shows the event data that was sent');
  check(await page.evaluate(() => window.hookrelayPwned === undefined), 'no hostile script ran');
  check(await page.evaluate(() => document.activeElement?.closest('#delivery-panel') !== null), 'focus moved into the panel');
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-attempt.png') });
  ok(`opened failed delivery ${deliveryId} with the keyboard; its event data, attempts and escaped excerpt show`);

  // --- Heal the receiver, retry, watch it turn green --------------------------------------------------
  const healed = await fetch(HEAL_URL, { method: 'POST' });
  check(healed.ok, `the receiver's heal URL answered ${healed.status}`);
  const retry = panel.locator('#panel-retry');
  await retry.focus();
  await page.keyboard.press('Enter');
  await panel.locator('.panel-actions .badge[data-status="succeeded"]').waitFor();
  await panel.locator('.attempt .badge[data-status="succeeded"]').first().waitFor();
  await page.locator(`#deliveries-body tr[data-delivery-id="${deliveryId}"][data-status="succeeded"]`).waitFor();
  ok('retried; the live stream turned the delivery green in the panel and the table');

  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'hidden' });
  await until(page, (id) => document.activeElement?.closest('tr')?.dataset.deliveryId === id, deliveryId,
    'Escape closes the panel and focus returns to the delivery');
  await failingItem.locator('.badge[data-status="active"]').waitFor();
  const announced = await page.locator('#announcer').textContent();
  check(announced.length > 0, 'the live region announced the change');
  ok('the subscription badge turned from failing to active; the live region spoke');

  // --- Accessibility ---------------------------------------------------------------------------------
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const axe = async (what) => {
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of serious) console.log(`axe ${v.impact}: ${v.id} - ${v.help} - ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    check(serious.length === 0, `no serious or critical accessibility violations (${what})`);
    return result.violations.length;
  };
  const minor = await axe('desktop');
  ok(`axe-core finds no serious or critical violations at 1280 px (${minor} minor)`);

  // The skip link leads into the page, focus is visible, and Tab alone reaches the subscriptions and the
  // deliveries' buttons.
  await page.locator('.skip-link').focus();
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(outline !== 'none', `focus is visible (outline ${outline})`);
  await page.keyboard.press('Enter');
  await until(page, () => document.activeElement?.id === 'main', null, 'the skip link moves focus to the content');
  const reached = new Set();
  for (let i = 0; i < 80 && reached.size < 3; i += 1) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const a = document.activeElement;
      if (a?.classList.contains('subscription-item')) return 'subscription';
      if (a?.id === 'action-test') return 'actions';
      if (a?.classList.contains('open-delivery')) return 'delivery';
      return null;
    });
    if (where) reached.add(where);
  }
  check(reached.size === 3, `Tab reaches subscriptions, their buttons and the deliveries (reached ${[...reached].join(', ')})`);
  ok('keyboard: skip link, visible focus, and Tab reaches every part of the page');

  await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });

  // --- The subscription buttons ------------------------------------------------------------------------
  await page.locator('#action-test').click();
  await page.locator('#banner.info', { hasText: 'Test event' }).waitFor();
  const testEventId = (await page.locator('#banner-text').textContent()).match(/Test event ([0-9a-f-]{36})/)[1];
  await page.locator(`#deliveries-body tr[data-status="succeeded"] .mono[title="${testEventId}"]`).waitFor();
  ok('"Send test event" publishes an event whose delivery appears, succeeded, through the live stream');

  page.once('dialog', (dialog) => dialog.accept());
  await page.locator('#action-rotate').click();
  await page.locator('#secret-box').waitFor({ state: 'visible' });
  check((await page.locator('#secret-value').textContent()).startsWith('whsec_'), 'the new secret is shown');
  ok('"Rotate secret" shows the new whsec_ secret');

  page.once('dialog', (dialog) => dialog.accept('maintenance window'));
  await page.locator('#action-toggle').click();
  await failingItem.locator('.badge[data-status="disabled"]').waitFor();
  await page.locator('#detail-reason', { hasText: 'maintenance window' }).waitFor();
  ok('"Disable" disables it with the reason shown');

  await page.locator('#action-toggle', { hasText: 'Enable' }).click();
  await failingItem.locator('.badge[data-status="active"]').waitFor();
  ok('"Enable" makes it active again');

  await page.locator('#action-retry-failed').click();
  await page.locator('#banner.info', { hasText: 'queued again' }).waitFor();
  ok('"Retry failed deliveries" says how many were queued');

  // --- Filters and pages ----------------------------------------------------------------------------
  await page.locator('#filter-status').selectOption('succeeded');
  await page.locator('#filters button[type="submit"]').click();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#deliveries-body tr')];
    return rows.length > 0 && rows.every((r) => r.dataset.status === 'succeeded');
  });
  await page.locator('#filters button[type="reset"]').click();
  await page.waitForFunction(() => document.querySelector('#filter-status').value === '');
  ok('the status filter narrows the table; Clear resets it');

  // --- Phone width ------------------------------------------------------------------------------------
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length > 0)
      .slice(0, 8).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className}: ${Math.round(e.getBoundingClientRect().right)} px`));
    console.error(`wider than the screen: ${wide.join('; ')}`);
  }
  check(overflow <= 0, `no sideways scrolling at 375 px (overflow ${overflow} px)`);
  await axe('phone');
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone.png'), fullPage: true });
  ok('readable at 375 px: no sideways scrolling, no serious accessibility violations');

  // --- Sign out, then the admin token ------------------------------------------------------------------
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.locator('#sign-out').click();
  await page.locator('#sign-in-view').waitFor({ state: 'visible' });
  check(await page.evaluate(() => sessionStorage.length) === 0, 'signing out forgets the token');
  await page.locator('#token').fill(ADMIN_TOKEN);
  await page.keyboard.press('Enter');
  await page.locator('#who', { hasText: 'Admin' }).waitFor();
  await page.locator(`#deliveries-body tr[data-delivery-id="${deliveryId}"]`).waitFor();
  ok('signs out; the admin token signs in and sees every tenant\'s deliveries');

  check(pageErrors.length === 0, `no uncaught errors in the page: ${pageErrors.join(' | ')}`);
  const cspErrors = consoleErrors.filter((text) => /Content Security Policy/i.test(text));
  check(cspErrors.length === 0, `nothing was blocked by the content security policy: ${cspErrors.join(' | ')}`);
  ok('no uncaught page errors, nothing blocked by the content security policy');
  console.log(`dashboard browser test: all ${step} steps ok`);
} catch (error) {
  console.error(`not ok ${step + 1} - ${error.message}`);
  if (pageErrors.length) console.error(`page errors: ${pageErrors.join(' | ')}`);
  if (consoleErrors.length) console.error(`console errors: ${consoleErrors.join(' | ')}`);
  try {
    const page = context.pages()[0];
    await page?.screenshot({ path: path.join(SHOTS, 'dashboard-failure.png'), fullPage: true });
    console.error(`screenshot of the failure: ${path.join(SHOTS, 'dashboard-failure.png')}`);
  } catch {
    // the browser may be gone
  }
  process.exitCode = 1;
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}
