// Nothing a test starts may outlive the run. Each run marks what it starts and where it writes:
// - every process the tests start inherits DESK_TEST_RUN=<id> (gpg-agent, Chromium and platform
//   children too, even once they have left the process tree as daemons), so /proc finds them;
// - the tests' temp directories go to a private TMPDIR, so a test's leftover is told apart from
//   those of other runs on the same machine.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The prefixes of the temp directories the tests create (mkdtemp in tests/ and the code they run). */
const TEST_TEMP_PREFIX = /^(desk|esante)-/;

export function startRunMarks() {
  const id = randomUUID();
  const tmp = mkdtempSync(join(tmpdir(), 'desk-test-run-'));
  // Traversable (not listable) by others: as root, the tests' PostgreSQL cluster runs as `nobody`
  // (initdb refuses root) in a directory of its own inside this one.
  chmodSync(tmp, 0o711);
  return { id, tmp, env: { DESK_TEST_RUN: id, TMPDIR: tmp } };
}

function processesOf(run) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`DESK_TEST_RUN=${run.id}`)) continue;
      // A zombie is already dead; only its parent has not collected it yet.
      if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${entry}/stat`, 'latin1'))) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/**
 * What the run left behind: live processes carrying its mark (after letting ones already on their
 * way out finish) and test temp directories in its TMPDIR.
 */
export async function findLeftovers(run) {
  let processes = processesOf(run);
  for (let wait = 0; processes.length > 0 && wait < 10; wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    processes = processesOf(run);
  }
  const dirs = readdirSync(run.tmp)
    .filter((name) => TEST_TEMP_PREFIX.test(name))
    .map((name) => join(run.tmp, name));
  return { processes, dirs };
}

/** Ends what is left (only processes carrying this run's mark) and removes the run's TMPDIR. */
export function cleanUpRun(run, leftovers) {
  for (const { pid } of leftovers.processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(run.tmp, { recursive: true, force: true });
}
