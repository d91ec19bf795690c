// The personal tolerance estimate (issue 18) on 360 px phones: the lifter's Today
// and History, and her clinician's page of her.
//
// Before the server starts, the command line makes liv (kg, W 140) and dr-lee (a
// clinician) and reads examples/06-tolerance-estimate.input.json into liv's log
// (`pullback import --replace`): 23 rated deadlift sessions from 2 March 2026 whose
// flares began above 130 kg (8 of 9 above flared, 1 of 14 at or below; 130 / 140 =
// 93 %). On 9 May 2026 liv's Today and History show that, said to be information and
// not a change to her plan; dr-lee invites her, she accepts, and dr-lee's page of her
// shows the same estimate in "their" words. Nothing scrolls sideways at 360 px.
//
// Run by scripts/browser-test (PULLBACK_BIN, PULLBACK_TEST_DIR). Its files live in a
// folder of its own there, so it runs beside the other browser tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchDevice, SMALL_PHONE } from '../lib/browser.js';
import { required, startServer } from '../lib/server.js';

const NOW = '2026-05-09T07:00:00Z';
const LIFTER = { name: 'liv', password: 'liv pulls on sunday mornings' };
const CLINICIAN = { name: 'dr-lee', password: 'a physio password of some length' };
const HERE = dirname(fileURLToPath(import.meta.url));
const EXAMPLE = join(HERE, '..', '..', 'examples', '06-tolerance-estimate.input.json');
const SCREENSHOTS = join(HERE, '..', 'screenshots');
const DETAIL =
  '8 of 9 sessions above it flared, 1 of 14 at or below it. Based on 23 rated sessions since 2 Mar 2026. ' +
  'The difference is clear.';

const bin = required('PULLBACK_BIN');
const dir = join(required('PULLBACK_TEST_DIR'), 'tolerance');
const database = join(dir, 'pullback.db');
const pidFile = join(dir, 'server.pid');

let server;
const contexts = [];
const pageErrors = [];
let liv;
let lee;

/** `pullback` on the test database, as the command line's user would run it. */
function cli(args, input) {
  return execFileSync(bin, ['--database', database, ...args], {
    input,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PULLBACK_NOW: NOW },
    encoding: 'utf8',
  });
}

async function phone(name) {
  const context = await launchDevice(join(dir, `${name}-profile`), SMALL_PHONE);
  contexts.push(context);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(`${name}: page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${name}: console error: ${message.text()}`);
  });
  return page;
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(dir, { recursive: true });
  for (const person of [LIFTER, CLINICIAN]) {
    cli(['user', 'add', person.name, '--units', 'kg', '--time-zone', 'Europe/London']);
    cli(['user', 'reset-password', person.name, '--password-stdin'], `${person.password}\n`);
  }
  cli(['user', 'grant-clinician', CLINICIAN.name]);
  cli(['--user', LIFTER.name, 'import', '--replace', EXAMPLE]);
  server = await startServer({ bin, database, now: NOW, pidFile });
  liv = await phone('liv');
  lee = await phone('dr-lee');
});

after(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await server?.stop();
});

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

async function open(page, path) {
  const response = await page.goto(server.url + path);
  assert.equal(response?.status(), 200, `GET ${path}`);
}

async function logIn(page, person) {
  await open(page, '/login');
  await page.getByLabel('User name').fill(person.name);
  await page.getByLabel('Password').fill(person.password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: 'Log in' }).tap()]);
}

/** The tolerance card on the page, and what it says. */
async function card(page) {
  const section = page.locator('section.tolerance');
  await section.waitFor({ state: 'visible' });
  return {
    section,
    status: await section.getAttribute('data-tolerance'),
    heading: (await section.getByRole('heading', { level: 2 }).innerText()).trim(),
    load: (await section.locator('[data-tolerance-load]').innerText()).trim(),
    text: await section.innerText(),
  };
}

/** At 360 px nothing scrolls sideways; then a full-page screenshot. */
async function screenshot(page, name) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.equal(innerWidth, 360, 'the small phone is 360 px wide');
  assert.ok(scrollWidth <= innerWidth, `${name} scrolls sideways (${scrollWidth} > ${innerWidth})`);
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

step('1. liv\'s Today shows where her flares began, as information under her plan', async () => {
  await logIn(liv, LIFTER);
  assert.equal(new URL(liv.url()).pathname, '/');
  const today = await card(liv);
  assert.equal(today.status, 'estimate');
  assert.equal(today.heading, 'Load tolerance, from your log');
  assert.equal(today.load, '130 kg');
  assert.match(today.text, /Flares began above about 130 kg \(93% of your working weight\)/);
  assert.ok(today.text.includes(DETAIL), today.text);
  assert.match(today.text, /not a change to your plan/);
  assert.match(today.text, /It does not replace a clinician\./);
  // Under the plan (the protocol's, unchanged) and its buttons: the day's actions come first.
  const start = await liv.getByRole('link', { name: 'Start session' }).boundingBox();
  const box = await today.section.boundingBox();
  assert.ok(start && box && box.y > start.y, 'the estimate comes after the plan and its buttons');
  await screenshot(liv, 'tolerance-today');
});

step('2. her History shows the same estimate', async () => {
  await open(liv, '/history');
  const history = await card(liv);
  assert.equal(history.load, '130 kg');
  assert.ok(history.text.includes(DETAIL), history.text);
  // The top-set chart draws it as a dashed line and says so under it.
  const chart = liv.locator('#chart-top-sets');
  assert.match(await chart.innerText(), /The dashed line: your deadlift flares began above about 130 kg/);
  await screenshot(liv, 'tolerance-history');
  const file = join(SCREENSHOTS, 'tolerance-history-chart.png');
  await chart.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
});

step('3. dr-lee\'s page of liv, once she shares it, shows it in "their" words', async () => {
  await logIn(lee, CLINICIAN);
  await open(lee, '/clinic/invite');
  await Promise.all([
    lee.waitForURL((url) => url.pathname === '/clinic/invitations'),
    lee.getByRole('button', { name: 'Make an invitation code', exact: true }).tap(),
  ]);
  const link = await lee.getByLabel('Link', { exact: true }).inputValue();
  await liv.goto(link);
  await Promise.all([
    liv.waitForURL((url) => url.pathname === '/settings/care-team'),
    liv.getByRole('button', { name: `Share my data with ${CLINICIAN.name}` }).tap(),
  ]);

  await open(lee, '/clinic');
  const row = lee.locator('table.caseload tbody tr[data-lifter] th a', { hasText: LIFTER.name });
  const path = await row.getAttribute('href');
  await open(lee, path);
  const theirs = await card(lee);
  assert.equal(theirs.heading, 'Load tolerance, from their log');
  assert.equal(theirs.load, '130 kg');
  assert.match(theirs.text, /\(93% of their working weight\)/);
  assert.ok(theirs.text.includes(DETAIL), theirs.text);
  assert.match(theirs.text, /not a change to their plan/);
  // In the section that shows the plan as liv sees it.
  assert.equal(await lee.locator('section#plan section.tolerance').count(), 1);
  await screenshot(lee, 'tolerance-clinic-lifter');
  // The page is long: the plan section alone, card included, as a phone shows it.
  const file = join(SCREENSHOTS, 'tolerance-clinic-lifter-plan.png');
  await lee.locator('section#plan').screenshot({ path: file });
  console.log(`screenshot: ${file}`);
});

step('4. no script errors on any page', async () => {
  assert.deepEqual(pageErrors, []);
});
