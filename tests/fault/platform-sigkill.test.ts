/**
 * kill -9 in the middle of a burst of writes: every write the platform acknowledged (2xx) must be
 * there after a restart on the same data directory, and the database must pass integrity_check.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src-main/platform/index';
import { demoAccount } from '../../src-main/platform/seed/demo-accounts';

const CLI = resolve(import.meta.dirname, '../../src-main/platform/cli.ts');
const dataDir = mkdtempSync(join(tmpdir(), 'esante-platform-kill-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the CLI as a child with an IPC channel and waits for its `listening` message. */
function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(CLI, ['--port', '0', '--data-dir', dataDir, '--seed', 'none'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`platform exited (${code}) before listening: ${stderr}`)));
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'listening' && message.url) resolvePromise({ child, url: message.url });
    });
  });
}

async function login(url: string): Promise<string> {
  const account = demoAccount('nurse');
  const response = await fetch(url.replace(/\/fhir$/, '/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: account.identifier, password: account.password, otp: account.otp }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('platform crash safety', () => {
  it('every acknowledged write survives kill -9, and the database passes integrity_check', async () => {
    const first = await startChild();
    const token = await login(first.url);
    const acknowledged = new Map<string, string>(); // operation id → resource id
    let sent = 0;
    let killed = false;

    const writeOne = async (n: number): Promise<void> => {
      const operationId = `op-kill-${String(n).padStart(6, '0')}`;
      try {
        const response = await fetch(`${first.url}/Observation`, {
          method: 'POST',
          headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${token}`, 'X-Operation-Id': operationId },
          body: JSON.stringify({
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }] },
            subject: { reference: 'Patient/demo-patient' },
            effectiveDateTime: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
            valueQuantity: { value: 36 + (n % 20) / 10, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
          }),
        });
        if (response.status === 201) acknowledged.set(operationId, ((await response.json()) as { id: string }).id);
      } catch {
        // The connection died with the process: not acknowledged, so nothing is promised.
      }
    };

    // 8 concurrent writers; the platform is killed once 150 writes are acknowledged.
    const writers = Array.from({ length: 8 }, async () => {
      while (!killed && sent < 5000) {
        const n = sent++;
        await writeOne(n);
        if (!killed && acknowledged.size >= 150) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    });
    await Promise.all(writers);
    await new Promise<void>((resolveExit) =>
      first.child.exitCode !== null || first.child.signalCode !== null
        ? resolveExit()
        : first.child.once('exit', () => resolveExit()),
    );
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(150);

    const second = await startChild();
    const token2 = await login(second.url);
    for (const [operationId, id] of acknowledged) {
      const read = await fetch(`${second.url}/Observation/${id}`, { headers: { authorization: `Bearer ${token2}` } });
      expect(read.status, `${operationId} → Observation/${id}`).toBe(200);
    }
    second.child.kill('SIGTERM');
    await new Promise((resolveExit) => second.child.once('exit', resolveExit));
    expect(second.child.exitCode).toBe(0);

    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The ledger committed with each acknowledged effect: a replay after the crash would be recognised.
      const ledger = db
        .prepare(
          'SELECT count(*) AS n FROM operation_ledger WHERE op_id IN (' + [...acknowledged.keys()].map(() => '?').join(',') + ')',
        )
        .get(...acknowledged.keys()) as { n: number };
      expect(ledger.n).toBe(acknowledged.size);
    } finally {
      db.close();
    }
  });
});
