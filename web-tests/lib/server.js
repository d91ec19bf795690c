// Starts and stops `pullback serve` for the browser tests.
//
// The scenario spans days, and the server's "now" is fixed at start (PULLBACK_NOW),
// so a test moves time forward by restarting the server on the same database:
// the signing secret lives in the database, so the browser's cookies stay valid.

import { spawn } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const READY_LINE = /^Pullback is serving on (http:\/\/\S+) /;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** The environment variable `name`, or a loud failure naming what the test needs. */
export function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests with scripts/browser-test`);
  }
  return value;
}

/**
 * A running `pullback serve` on a free loopback port, with "now" fixed at `now`.
 * `pidFile` records the process id so that scripts/browser-test can stop a server
 * that this process could not (e.g. when it was killed by a timeout). `args` are
 * extra `serve` flags, e.g. `['--allow-clinician-signup']`. `bind` is the address,
 * `127.0.0.1:0` (a free port) unless a restart must keep the origin (`host` of an
 * earlier server's URL): a service worker, its cache and IndexedDB belong to one.
 */
export async function startServer({ bin, database, now, pidFile, args = [], bind = '127.0.0.1:0' }) {
  // A clean environment: no PULLBACK_* from the caller's shell may change the run.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', PULLBACK_NOW: now, RUST_LOG: 'warn' };
  if (process.env.HOME) env.HOME = process.env.HOME;
  const child = spawn(bin, ['serve', '--bind', bind, '--database', database, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (pidFile && child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  const stderr = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr.push(chunk);
    process.stderr.write(`[pullback serve] ${chunk}`);
  });
  let url;
  try {
    url = await readyAddress(child, stderr);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return {
    url,
    now,
    async stop() {
      await stop(child);
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}

/** The address from the server's "serving on" line, or an error with its stderr. */
function readyAddress(child, stderr) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`pullback serve ${why}.\nIts stderr:\n${stderr.join('') || '(empty)'}`));
    };
    const timer = setTimeout(() => fail(`printed no address within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    lines.on('line', (line) => {
      const match = READY_LINE.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited before serving (code ${code}, signal ${signal})`));
  });
}

/** SIGTERM, then SIGKILL if the process is still there after STOP_TIMEOUT_MS. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
