// Debian's Chromium (never a downloaded browser), as a phone, with a fresh profile.

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

// Headless and quiet: no GPU, no sandbox (CI runs as root), and nothing that
// reaches for the network on its own (updates, sync, QUIC probes).
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone-sized viewport (an iPhone 12–15-class screen), with touch. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  // A lifter away from UTC, so that sign-up's time zone and the log's local times are exercised.
  timezoneId: 'Europe/Oslo',
};

/**
 * A small phone: 360 px wide (many Android phones), with touch. The narrowest screen
 * the pages are made for: nothing may scroll sideways here.
 */
export const SMALL_PHONE = {
  ...PHONE,
  viewport: { width: 360, height: 780 },
};

/**
 * A browser context in a new Chromium with its profile in `userDataDir` (which
 * must be new: scripts/browser-test makes it in a fresh temporary folder). While
 * it runs, Chromium's `SingletonLock` there names its process id, which lets the
 * script stop a browser that outlived a killed test.
 */
export async function launchPhone(userDataDir) {
  return launchDevice(userDataDir, PHONE);
}

/** A desktop-sized window (a clinic's laptop), with a mouse. */
export const DESKTOP = {
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
  locale: 'en-GB',
  timezoneId: 'Europe/Oslo',
};

/** Like `launchPhone`, at a desktop's size (`DESKTOP`). */
export async function launchDesktop(userDataDir) {
  return launchDevice(userDataDir, DESKTOP);
}

/** A browser context as `device` (`PHONE`, `DESKTOP`) in a new Chromium; see `launchPhone`. */
export async function launchDevice(userDataDir, device) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  }
  if (existsSync(userDataDir)) {
    throw new Error(`${userDataDir} already exists: the browser profile must be fresh`);
  }
  mkdirSync(userDataDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 30_000,
    ...device,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}
