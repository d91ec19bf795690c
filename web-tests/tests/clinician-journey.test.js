// A clinician follows two lifters, in real Chromiums: the clinician at a desk
// (desktop-sized window), the lifters on phones, each in a browser of their own.
//
// Day 1, 07:00 UTC: dr-kim signs up as a clinician and makes two invitations; ola
// accepts hers by link, ada hers by typed code. Ola logs a deadlift session (top sets
// 3 × 5 at 120 kg, 2/10 during); at 08:00 its 1 h check-in is 2/10.
// Day 2, 07:00: ola's 24 h check-in is 6/10, above the default tolerable 4: a flare,
// an episode at rung 3, and rest today. At 07:30 ada logs an easy session, so ada is
// the more recently active (and her name sorts first): only the status puts ola on top
// of dr-kim's dashboard, as flaring.
// Dr-kim opens ola and raises her tolerable_max from 4 to 6. Replayed with 6, the 24 h
// 6/10 is within tolerable: no flare, no episode, so ola trains her own program with
// top sets at or under 1.10 × 120 = 132, rounded down to 130 kg (protocol sections 4, 5
// and 9; `pullback plan --input` with `"protocol": {"tolerable_max": 6}` says the same).
// Ola's Today says so too, the dashboard re-sorts (both on track, ada the more recent),
// and ola's care-team page lists what dr-kim saw and changed, with the reason.
//
// Run by scripts/browser-test, which builds the binary and gives PULLBACK_BIN and a
// fresh PULLBACK_TEST_DIR. This file keeps its database, pid file and browser profiles
// in a folder of its own there, so it can run beside the lifter journey.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchDesktop, launchPhone } from '../lib/browser.js';
import { required, startServer } from '../lib/server.js';

const DAY_1 = '2026-03-02T07:00:00Z';
const DAY_1_AN_HOUR_LATER = '2026-03-02T08:00:00Z'; // ola's 1 h check-in is due
const DAY_2 = '2026-03-03T07:00:00Z'; // exactly 24 h after ola's session
const DAY_2_LATER = '2026-03-03T07:30:00Z'; // ada trains; the clinician looks

const SERVE_FLAGS = ['--allow-clinician-signup'];
const CLINICIAN = { name: 'dr-kim', password: 'physio password of some length' };
const OLA = { name: 'ola', password: 'ola lifts heavy on mondays' };
const ADA = { name: 'ada', password: 'ada lifts in the evening' };

const OLA_SESSION = [
  { load: '60', reps: '5', warmup: true },
  { load: '100', reps: '3', warmup: true },
  { load: '120', reps: '5' },
  { load: '120', reps: '5' },
  { load: '120', reps: '5' },
];
const ADA_SESSION = [{ load: '80', reps: '5' }];
const NEW_TOLERABLE_MAX = '6';
const REASON = 'a 6/10 the day after heavy pulls is usual for ola and settles by itself';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

const bin = required('PULLBACK_BIN');
const dir = join(required('PULLBACK_TEST_DIR'), 'clinician-journey');
const database = join(dir, 'pullback.db');
const pidFile = join(dir, 'server.pid');

let server;
const people = [];
const pageErrors = [];
let clinician;
let ola;
let ada;

/** Someone at their own browser: its first tab, how they press (tap or click), and their account. */
class Person {
  constructor(account, context, touch) {
    this.account = account;
    this.context = context;
    this.touch = touch;
  }

  async init() {
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    const who = this.account.name;
    this.page.on('pageerror', (error) => pageErrors.push(`${who}: page error: ${error.message}`));
    this.page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${who}: console error: ${message.text()}`);
    });
    return this;
  }

  /** A tap on a phone, a click at the desk. */
  press(locator) {
    return this.touch ? locator.tap() : locator.click();
  }

  async open(path) {
    const response = await this.page.goto(path.startsWith('http') ? path : server.url + path);
    assert.ok(response, `no response for ${path}`);
    await this.answered(response, `${this.account.name}: GET ${path}`);
  }

  /**
   * Does `action` (a press that navigates) and checks where it ends, after redirects:
   * a page answered 200, or a failure that quotes the page's problem (a 422 form, a 404).
   */
  async navigate(what, action) {
    const page = this.page;
    const arrived = page.waitForResponse(
      (r) =>
        r.request().isNavigationRequest() && r.frame() === page.mainFrame() && !(r.status() >= 300 && r.status() < 400),
    );
    await action();
    const response = await arrived;
    await this.answered(response, `${this.account.name}: ${what}`);
    // The response can come before the page has switched to it. A redirect's
    // fragment (`#protocol`) is in the page's URL, never in the response's.
    const arrivedAt = withoutFragment(response.url());
    await page.waitForURL((url) => withoutFragment(url.href) === arrivedAt, { waitUntil: 'domcontentloaded' });
  }

  /** Presses the button named `name` (exactly) and waits for the page it leads to. */
  async submit(name, within = this.page) {
    const button = within.getByRole('button', { name, exact: true });
    await this.navigate(name, () => this.press(button));
  }

  async answered(response, what) {
    if (response.status() === 200) return;
    const problem = await this.page.locator('[role=alert], .problem, h1').allInnerTexts().catch(() => []);
    assert.fail(`${what} answered ${response.status()} at ${response.url()}: ${problem.join(' | ') || '(no text)'}`);
  }

  nav() {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  async pressNav(label) {
    const link = this.nav().getByRole('link', { name: label, exact: true });
    const path = await link.getAttribute('href');
    await this.navigate(`the ${label} tab`, () => this.press(link));
    await this.page.waitForURL((url) => url.pathname === path);
  }

  path() {
    return new URL(this.page.url()).pathname;
  }

  async screenshot(name) {
    const path = join(SCREENSHOTS, `${name}.png`);
    // From the top: the sticky tab bar would otherwise be drawn where the form was scrolled to.
    await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  }
}

function withoutFragment(href) {
  const url = new URL(href);
  url.hash = '';
  return url.href;
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(dir, { recursive: true });
  server = await startServer({ bin, database, now: DAY_1, pidFile, args: SERVE_FLAGS });
  // Three Chromiums, three profiles: three cookie jars, as on three devices.
  const launched = await Promise.allSettled([
    launchDesktop(join(dir, 'clinician-profile')),
    launchPhone(join(dir, 'ola-profile')),
    launchPhone(join(dir, 'ada-profile')),
  ]);
  // Those that started are closed by `after`, even when another one failed.
  people.push(...launched.filter((l) => l.status === 'fulfilled').map((l) => l.value));
  const failed = launched.find((l) => l.status === 'rejected');
  if (failed) throw failed.reason;
  const [desk, olaPhone, adaPhone] = people;
  clinician = await new Person(CLINICIAN, desk, false).init();
  ola = await new Person(OLA, olaPhone, true).init();
  ada = await new Person(ADA, adaPhone, true).init();
});

after(async () => {
  await Promise.all(people.map((context) => context.close()));
  await server?.stop();
});

/** Moves the server's clock: the same database, a later PULLBACK_NOW, a new port. */
async function restartAt(now) {
  await server.stop();
  server = await startServer({ bin, database, now, pidFile, args: SERVE_FLAGS });
}

// The steps build on each other; once one fails, the later ones fail at once
// (saying so) instead of adding noise.
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

async function signUp(person, { asClinician }) {
  const { page } = person;
  await person.open('/signup');
  await page.getByLabel('User name').fill(person.account.name);
  await page.getByLabel(/^Password/).fill(person.account.password);
  await page.getByRole('radio', { name: 'kilograms' }).check();
  const box = page.getByRole('checkbox', { name: 'I am a clinician (physical therapist or coach)' });
  assert.equal(await box.getAttribute('name'), 'clinician');
  await box.setChecked(asClinician);
  await person.submit('Create account');
  const landing = asClinician ? '/clinic' : '/';
  assert.equal(person.path(), landing, `${person.account.name} lands on ${asClinician ? 'the caseload' : 'Today'}`);
}

/** The plan card on the current page: its action and its headline. */
async function planOn(person) {
  const plan = person.page.locator('section.plan[data-action]');
  await plan.waitFor({ state: 'visible' });
  return {
    plan,
    action: await plan.getAttribute('data-action'),
    headline: (await plan.getByRole('heading', { level: 1 }).innerText()).trim(),
  };
}

/** Taps the label of the radio `name`=`value`, as a thumb would, and checks it took. */
async function choose(person, name, value) {
  const radio = person.page.locator(`input[type=radio][name="${name}"][value="${value}"]`);
  await person.press(person.page.locator('label', { has: radio }));
  assert.equal(await radio.isChecked(), true, `${name}=${value} is not checked after pressing its label`);
}

/** The clinician makes an invitation on /clinic/invite and reads its link and code. */
async function makeInvitation() {
  const { page } = clinician;
  await clinician.open('/clinic/invite');
  await clinician.submit('Make an invitation code');
  assert.equal(clinician.path(), '/clinic/invitations');
  const link = await page.getByLabel('Link', { exact: true }).inputValue();
  const code = await page.getByLabel('Code', { exact: true }).inputValue();
  assert.equal(await page.getByLabel('Link', { exact: true }).getAttribute('readonly'), '');
  assert.match(code, /^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/, 'a code is two groups of five unambiguous characters');
  assert.equal(link, `${server.url}/invite/${code.replace('-', '')}`, 'the link is on the host the clinician used');
  return { link, code };
}

/** Logs a deadlift session on /log, adding rows with "+ Add set" (app.js) as needed. */
async function logSession(person, sets, painDuring) {
  const { page } = person;
  // From Today on the server that runs now (a restart moves it to a new port).
  await person.open('/');
  await person.pressNav('Log');
  await page.locator('select[name="exercise_0"]').selectOption('deadlift');
  for (const [index, set] of sets.entries()) {
    const loadField = page.locator(`input[name="load_0_${index}"]`);
    if ((await loadField.count()) === 0) {
      await person.press(page.getByRole('button', { name: '+ Add set' }));
      assert.equal(await loadField.count(), 1, `"+ Add set" added no row ${index}`);
    }
    await loadField.fill(set.load);
    await page.locator(`input[name="reps_0_${index}"]`).fill(set.reps);
    await page.locator(`input[name="warmup_0_${index}"]`).setChecked(set.warmup ?? false);
  }
  await choose(person, 'pain_during', painDuring);
  await person.submit('Save session');
  assert.equal(person.path(), '/');
  assert.equal(new URL(person.page.url()).searchParams.get('saved'), 'session');
}

/** Answers the check-in that Today lists as due at `words` ("1 hour after") with `pain`. */
async function answerDueCheckin(person, words, point, pain) {
  const { page } = person;
  await person.open('/');
  const link = page.getByRole('region', { name: 'Check-ins due' }).getByRole('link', { name: new RegExp(words) });
  assert.match(await link.getAttribute('href'), new RegExp(`^/checkin\\?session=\\d+&point=${point}$`));
  await person.navigate(`the ${words} check-in link`, () => person.press(link));
  await choose(person, 'pain', pain);
  await person.submit('Save check-in');
  assert.equal(person.path(), '/');
  assert.equal(new URL(person.page.url()).searchParams.get('saved'), 'checkin');
}

/** The dashboard's rows, top first: lifter id, name, status, and the last activity's time. */
async function dashboardRows() {
  const rows = clinician.page.locator('table.caseload tbody tr[data-status][data-lifter]');
  const found = [];
  for (const row of await rows.all()) {
    const lastActive = await row.locator('td[data-label="Last active"] time').getAttribute('datetime');
    found.push({
      row,
      lifter: await row.getAttribute('data-lifter'),
      name: (await row.locator('th a').innerText()).trim(),
      status: await row.getAttribute('data-status'),
      lastActive: lastActive && Date.parse(lastActive),
    });
  }
  return found;
}

/** The audit log on a lifter's own care-team page, newest first: action and the row's text. */
async function careTeamLog(person) {
  await person.open('/settings/care-team');
  const rows = person.page.locator('table.audit tbody tr[data-action]');
  const entries = [];
  for (const row of await rows.all()) {
    entries.push({ action: await row.getAttribute('data-action'), text: await row.innerText() });
  }
  return entries;
}

let olaId;

step('1. a clinician signs up (ticking the box) and has a Clinic tab', async () => {
  await signUp(clinician, { asClinician: true });
  await clinician.pressNav('Clinic');
  assert.match(await clinician.page.getByRole('heading', { level: 1 }).innerText(), /Your lifters/);
  assert.match(await clinician.page.locator('main').innerText(), /No lifters yet/);
});

step('2. ola accepts an invitation link and sees dr-kim on her care team', async () => {
  const { link } = await makeInvitation();
  await signUp(ola, { asClinician: false });
  assert.equal(await ola.nav().getByRole('link', { name: 'Clinic' }).count(), 0, 'a lifter has no Clinic tab');
  await ola.open(link);
  assert.match(await ola.page.getByRole('heading', { level: 1 }).innerText(), /dr-kim invites you to share your data/);
  await ola.submit(`Share my data with ${CLINICIAN.name}`);
  assert.equal(ola.path(), '/settings/care-team');
  assert.equal(await ola.page.locator('p.notice').innerText(), 'dr-kim can now see your data.');
  const team = ola.page.getByRole('region', { name: 'Your care team' });
  assert.match(await team.locator('tbody').innerText(), /^dr-kim\b/);
  // The link worked once: fetched again (with ola's cookies, off the page, so that the
  // expected 404 is no console error), it is no longer valid.
  const again = await ola.context.request.get(link, { maxRedirects: 0 });
  assert.equal(again.status(), 404, 'an accepted invitation cannot be used again');
  assert.match(await again.text(), /This invitation is not valid/);
});

step('3. ada accepts a second invitation by typing its code', async () => {
  const { code } = await makeInvitation();
  await signUp(ada, { asClinician: false });
  await ada.open('/settings/care-team');
  await ada.page.getByLabel('Invitation code').fill(code.toLowerCase());
  await ada.submit('Share my data');
  assert.equal(ada.path(), '/settings/care-team');
  assert.equal(await ada.page.locator('p.notice').innerText(), 'dr-kim can now see your data.');
});

step('4. day 1: ola logs a session, and its 1 h check-in an hour later', async () => {
  await logSession(ola, OLA_SESSION, '2');
  assert.equal((await planOn(ola)).action, 'train', '2/10 during a session is tolerable');
  await restartAt(DAY_1_AN_HOUR_LATER);
  await answerDueCheckin(ola, '1 hour after', 'after_1h', '2');
  assert.equal((await planOn(ola)).action, 'train');
});

step('5. day 2: ola\'s 24 h check-in of 6 is a flare; later ada trains', async () => {
  await restartAt(DAY_2);
  await answerDueCheckin(ola, '24 hours after', 'after_24h', '6');
  const { plan, action } = await planOn(ola);
  assert.equal(action, 'rest_active', '6/10 is above the default tolerable 4: rest today');
  assert.match(await plan.innerText(), /above your tolerable 4/);
  await restartAt(DAY_2_LATER);
  await logSession(ada, ADA_SESSION, '1');
  assert.equal((await planOn(ada)).action, 'train');
});

step('6. the dashboard puts flaring ola above ada, who was active more recently', async () => {
  await clinician.open('/');
  await clinician.pressNav('Clinic');
  const rows = await dashboardRows();
  assert.deepEqual(
    rows.map((r) => [r.name, r.status]),
    [
      ['ola', 'flaring'],
      ['ada', 'ok'],
    ],
  );
  const [top, second] = rows;
  // Without the status, ada would come first: later activity, and her name sorts first.
  assert.ok(second.lastActive > top.lastActive, `ada's last activity (${second.lastActive}) is after ola's`);
  assert.match(await top.row.locator('td[data-label="Status"]').innerText(), /latest pain above tolerable/);
  assert.match(await top.row.locator('td[data-label="Last pain"]').innerText(), /^6\/10\b/);
  assert.match(await top.row.locator('td[data-label="Rung"]').innerText(), /^rung 3 of 11$/);
  const flaringCount = clinician.page.locator('nav.status-counts a[data-count="flaring"] strong');
  assert.equal(await flaringCount.innerText(), '1');
  olaId = top.lifter;
  assert.equal(await top.row.locator('th a').getAttribute('href'), `/clinic/lifters/${olaId}`);
  await clinician.screenshot('clinic-dashboard');
});

step('7. dr-kim raises ola\'s tolerable_max to 6: the plan becomes train, with a cap', async () => {
  const { page } = clinician;
  const link = page.locator(`table.caseload tr[data-lifter="${olaId}"] th a`);
  await clinician.navigate('ola on the dashboard', () => clinician.press(link));
  assert.equal(clinician.path(), `/clinic/lifters/${olaId}`);
  assert.equal(await page.getByRole('heading', { level: 1 }).first().innerText(), 'ola');
  const before = await planOn(clinician);
  assert.equal(before.action, 'rest_active', 'the clinician sees the plan ola sees');
  assert.equal(before.headline, 'No deadlifts today: bird dogs and unloaded good mornings, and a walk.');

  const form = page.locator(`form[action="/clinic/lifters/${olaId}/protocol"]`);
  const field = form.locator('input[name="tolerable_max"]');
  assert.equal(await field.inputValue(), '', 'no override yet: the field is empty (the default)');
  assert.match(await form.locator('#tolerable_max-hint').innerText(), /now: 4 \(the default\)/);
  await field.fill(NEW_TOLERABLE_MAX);
  await form.locator('input[name="reason"]').fill(REASON);
  await clinician.submit('Save the protocol', form);

  assert.equal(clinician.path(), `/clinic/lifters/${olaId}`);
  assert.equal(new URL(page.url()).searchParams.get('saved'), 'protocol');
  assert.match(await page.locator('p.notice').innerText(), /protocol for this lifter is saved/);
  const after = await planOn(clinician);
  assert.equal(after.action, 'train', 'with tolerable 6, the 24 h 6/10 is no flare');
  assert.equal(after.headline, 'Train your own program, top sets at or under 130 kg.');
  assert.match(await after.plan.innerText(), /Keep top sets at or under 130 kg\./);
  assert.equal(await form.locator('input[name="tolerable_max"]').inputValue(), NEW_TOLERABLE_MAX);
  assert.match(await form.locator('#tolerable_max-hint').innerText(), /now: 6 \(set for this lifter\)/);
  await clinician.screenshot('clinic-lifter');
});

step('8. ola\'s own Today changed the same way', async () => {
  await ola.open('/');
  const { plan, action, headline } = await planOn(ola);
  assert.equal(action, 'train');
  assert.equal(headline, 'Train your own program, top sets at or under 130 kg.');
  assert.match(await plan.innerText(), /Keep top sets at or under 130 kg\./);
  assert.match(await plan.innerText(), /within your tolerable range \(24 h after: 6\/10\)/);
});

step('9. the dashboard follows: both on track, ada (more recent) first', async () => {
  await clinician.open('/clinic');
  const rows = await dashboardRows();
  assert.deepEqual(
    rows.map((r) => [r.name, r.status]),
    [
      ['ada', 'ok'],
      ['ola', 'ok'],
    ],
  );
});

step('10. ola\'s care-team page lists what dr-kim saw and changed, with the reason', async () => {
  const log = await careTeamLog(ola);
  assert.deepEqual(
    log.map((e) => e.action),
    ['viewed', 'protocol_changed', 'viewed', 'access_granted'],
    'newest first: the page seen again after saving, the change, the first look, the sharing',
  );
  const changed = log[1].text;
  assert.match(changed, /\bdr-kim\b/);
  assert.ok(changed.includes(`tolerable_max 4 → 6 (default 4): ${REASON}`), changed);
  assert.match(log[2].text, /\bdr-kim\b.*Looked at your data/s);
  // Ada's log: she shared, and dr-kim never opened her page.
  assert.deepEqual(
    (await careTeamLog(ada)).map((e) => e.action),
    ['access_granted'],
  );
});

step('11. no script errors on any page', async () => {
  assert.deepEqual(pageErrors, []);
});
