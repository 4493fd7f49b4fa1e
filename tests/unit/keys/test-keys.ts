import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyProtector, ScryptParams } from '../../../src-main/core/keys/index';
import type { IdleClock } from '../../../src-main/core/profiles/index';

/** The floor (SCRYPT_FLOOR): the cheapest cost a key file may have, so tests stay fast on the real scrypt path. */
export const FAST_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };

/** Stands in for Electron's safeStorage: reversible only with the same device secret (a different secret = another machine). */
export class FakeProtector implements KeyProtector {
  available = true;
  failDecrypt = false;
  constructor(private readonly deviceSecret = 0x5a) {}
  isAvailable(): boolean {
    return this.available;
  }
  encrypt(plain: Buffer): Buffer {
    return Buffer.concat([Buffer.from('fake1:'), Buffer.from(plain.map((b) => b ^ this.deviceSecret))]);
  }
  decrypt(cipher: Buffer): Buffer {
    if (this.failDecrypt || !cipher.subarray(0, 6).equals(Buffer.from('fake1:'))) throw new Error('cannot decrypt');
    return Buffer.from(cipher.subarray(6).map((b) => b ^ this.deviceSecret));
  }
}

export { removeTempDirs, tempDir } from '../../fixtures/temp-dirs';

/** sha256 of every file under `dir` (recursively), keyed by relative path: "nothing changed" means equal maps. */
export function hashTree(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (current: string, prefix: string): void => {
    for (const name of readdirSync(current).sort()) {
      const full = join(current, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else result[`${prefix}${name}`] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir, '');
  return result;
}

/** A manual clock: time moves only when the test says so. */
export class ManualClock implements IdleClock {
  time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
  get pending(): number {
    return this.timers.size;
  }
}
