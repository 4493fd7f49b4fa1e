/**
 * The checkpoint worker is unref'd (an idle worker must not keep the platform alive), so a process whose
 * last work was `storage.close()` used to end while close() awaited the worker's exit: exit code 0, the
 * storage half-closed, nothing said (the seeding child of `npm run bench -- care` quit that way).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const CHILD = resolve(import.meta.dirname, 'support/close-after-checkpoint-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'esante-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a process whose last work is closing the storage runs close() to its end', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CHILD, dir]);
  expect(stdout).toBe('closed\n');
});
