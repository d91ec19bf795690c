// Issue 18 on a small phone (360 px, touch), in a real Chromium: Settings →
// Reminders. Rita turns the 1-hour reminder off and sets quiet hours, gets her
// calendar link (the feed answers iCalendar with her 24-hour check-in), revokes it,
// and the old link is a 404. Push itself is tested on the server (crates/web/tests/
// http/push.rs): a headless Chromium has no push service to subscribe to.
//
// Run by scripts/browser-test (PULLBACK_BIN, PULLBACK_TEST_DIR); this file keeps its
// database, pid file and browser profile in a folder of its own.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchDevice, SMALL_PHONE } from '../lib/browser.js';
import { required, startServer } from '../lib/server.js';

const NOW = '2026-03-02T07:00:00Z';
const LIFTER = { name: 'rita', password: 'rita pulls on mondays' };
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

const bin = required('PULLBACK_BIN');
const dir = join(required('PULLBACK_TEST_DIR'), 'reminders');

let server;
let context;
let page;
let apiToken;
let calendarLink;
const pageErrors = [];

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(dir, { recursive: true });
  server = await startServer({ bin, database: join(dir, 'pullback.db'), now: NOW, pidFile: join(dir, 'server.pid') });
  context = await launchDevice(join(dir, 'chromium-profile'), SMALL_PHONE);
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
});

after(async () => {
  await context?.close();
  await server?.stop();
});

async function open(path) {
  const response = await page.goto(server.url + path);
  assert.equal(response?.status(), 200, `GET ${path}`);
}

/** Taps the button or link named `name` and waits for the page it leads to (200). */
async function tap(role, name) {
  const arrived = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && !(r.status() >= 300 && r.status() < 400),
  );
  await page.getByRole(role, { name, exact: true }).tap();
  const response = await arrived;
  assert.equal(response.status(), 200, `${name}: ${response.status()} at ${response.url()}`);
  await page.waitForURL(response.url(), { waitUntil: 'domcontentloaded' });
}

/** At 360 px nothing scrolls sideways and typed fields are 16 px or more. */
async function assertFits(what) {
  const { scrollWidth, innerWidth, small } = await page.evaluate(() => {
    const typed = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea';
    const small = [...document.querySelectorAll(typed)]
      .map((el) => ({ name: el.name || el.id || el.type, size: parseFloat(getComputedStyle(el).fontSize) }))
      .filter((f) => !(f.size >= 16));
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, small };
  });
  assert.equal(innerWidth, 360);
  assert.ok(scrollWidth <= innerWidth, `${what} scrolls sideways (${scrollWidth} > ${innerWidth})`);
  assert.deepEqual(small, [], `${what}: fields under 16 px`);
}

async function screenshot(name) {
  await assertFits(name);
  const file = join(SCREENSHOTS, `reminders-${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

let broken = null;
function step(name, body) {
  test(name, async () => {
    if (broken) throw new Error(`not run: the step "${broken}" failed`);
    try {
      await body();
    } catch (error) {
      broken = name;
      throw error;
    }
  });
}

step('1. sign up, make an API token, log a 06:00 session', async () => {
  await open('/signup');
  await page.getByLabel('User name').fill(LIFTER.name);
  await page.getByLabel(/^Password/).fill(LIFTER.password);
  await page.getByRole('radio', { name: 'kilograms' }).check();
  await tap('button', 'Create account');
  await open('/settings');
  await page.getByLabel("New token's name").fill('browser test');
  await tap('button', 'Create token');
  apiToken = await page.locator('input.token').inputValue();
  const logged = await fetch(`${server.url}/api/v1/me/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ at: '2026-03-02T06:00:00Z', exercises: [{ exercise: 'deadlift', sets: [{ load: 100, reps: 5 }] }] }),
  });
  assert.equal(logged.status, 201);
});

step('2. Settings → Reminders: the 1-hour reminder off, quiet hours 23:00–06:30', async () => {
  await open('/settings');
  await tap('link', 'Reminders');
  assert.equal(new URL(page.url()).pathname, '/settings/reminders');
  const oneHour = page.getByRole('checkbox', { name: '1 hour after a session' });
  assert.equal(await oneHour.isChecked(), true, 'on by default');
  await oneHour.tap();
  await page.getByLabel('From').fill('23:00');
  await page.getByLabel('Until').fill('06:30');
  await tap('button', 'Save reminders');
  assert.match(await page.getByRole('status').first().innerText(), /saved/);
  assert.equal(await page.getByRole('checkbox', { name: '1 hour after a session' }).isChecked(), false);
  assert.equal(await page.getByRole('checkbox', { name: '24 hours after a session' }).isChecked(), true);
  assert.equal(await page.getByLabel('From').inputValue(), '23:00');
  // This browser has no subscription yet: only the button that turns push on shows.
  await page.locator('#push-status', { hasText: 'off for this device' }).waitFor();
  assert.equal(await page.locator('#push-on').isVisible(), true);
  assert.equal(await page.locator('#push-off').isVisible(), false);
  await screenshot('settings');
});

step('3. get the calendar link: the feed is her 24-hour check-in', async () => {
  await tap('button', 'Get a calendar link');
  calendarLink = await page.locator('#calendar-link').inputValue();
  assert.match(calendarLink, /^http:\/\/127\.0\.0\.1:\d+\/calendar\/[0-9a-f]{64}\.ics$/);
  const webcal = await page.getByRole('link', { name: "Subscribe in this phone's calendar" }).getAttribute('href');
  assert.equal(webcal, calendarLink.replace('http://', 'webcal://'));
  await screenshot('calendar-link');
  const feed = await fetch(calendarLink);
  assert.equal(feed.status, 200);
  assert.equal(feed.headers.get('content-type'), 'text/calendar; charset=utf-8');
  const text = await feed.text();
  assert.match(text, /BEGIN:VCALENDAR/);
  assert.match(text, /DTSTART:20260303T060000Z/, 'the 24-hour check-in');
  assert.doesNotMatch(text, /DTSTART:20260302T070000Z/, 'the 1-hour reminder is off');
  assert.match(text, /BEGIN:VALARM/);
});

step('4. revoke it: the old link is a 404', async () => {
  await open('/settings/reminders');
  assert.match(await page.locator('#calendar-title').locator('..').innerText(), /is active/);
  await tap('button', 'Revoke the link');
  assert.match(await page.getByRole('status').first().innerText(), /revoked/);
  assert.equal((await fetch(calendarLink)).status, 404);
  await page.getByRole('button', { name: 'Get a calendar link' }).waitFor();
  await screenshot('revoked');
  assert.deepEqual(pageErrors, []);
});
