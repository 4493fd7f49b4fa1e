/**
 * Issue 6, acceptance 3: the platform stores ciphertext only. A message whose subject, text and
 * attachment are known unique values is sent (really encrypted); then nothing on the platform's disk —
 * the SQLite file, its WAL (before and after a checkpoint), any other file of its data directory —
 * holds any of them: as UTF-8, as UTF-16LE, or (the attachment) as raw bytes.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptAndVerify } from '../../../src-main/core/messaging/pgp';
import { DATABASE_FILE } from '../../../src-main/platform/index';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { buildMessage, partBytes, party, publishKey, send, type Message, type Party } from './messaging-harness';

let env: TestPlatform;
let gp: Party;
let specialist: Party;
let message: Message;

const marker = (label: string) => `${label}-${randomUUID()}`;
const SUBJECT = marker('Sujet confidentiel Müller');
const TEXT = marker('Le patient présente une récidive');
const ATTACHMENT_NAME = marker('scanner-thorax');
const ATTACHMENT = Buffer.concat([Buffer.from(marker('PDF-attachment-bytes')), randomBytes(4096)]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every needle, in every encoding a leak could take. */
function needles(): Array<{ what: string; bytes: Buffer }> {
  const texts = { subject: SUBJECT, text: TEXT, 'attachment name': ATTACHMENT_NAME };
  return [
    ...Object.entries(texts).flatMap(([what, value]) => [
      { what: `${what} (UTF-8)`, bytes: Buffer.from(value, 'utf8') },
      { what: `${what} (UTF-16LE)`, bytes: Buffer.from(value, 'utf16le') },
      { what: `${what} (base64)`, bytes: Buffer.from(Buffer.from(value, 'utf8').toString('base64').slice(0, 24)) },
    ]),
    { what: 'attachment bytes (raw)', bytes: ATTACHMENT.subarray(0, 64) },
    { what: 'attachment bytes (tail, raw)', bytes: ATTACHMENT.subarray(ATTACHMENT.length - 64) },
    { what: 'attachment bytes (base64)', bytes: Buffer.from(ATTACHMENT.toString('base64').slice(0, 64)) },
  ];
}

function leaks(): string[] {
  const found: string[] = [];
  for (const file of filesUnder(env.dataDir)) {
    const content = readFileSync(file);
    for (const needle of needles()) if (content.includes(needle.bytes)) found.push(`${file}: ${needle.what}`);
  }
  return found;
}

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, specialist] = await Promise.all([party(env, 'gp'), party(env, 'specialist')]);
  await publishKey(env, gp);
  await publishKey(env, specialist);
  const body = new TextEncoder().encode(JSON.stringify({ subject: SUBJECT, text: TEXT, attachments: [ATTACHMENT_NAME] }));
  message = await buildMessage(gp, [specialist.ref], [specialist.keys.publicKeyArmored], [body, ATTACHMENT]);
  expect((await send(env, gp, message)).status).toBe(200);
  // Reading, searching and syncing it must not leave plaintext behind either (audit, ledger).
  await env.request('GET', `/fhir/Communication/${message.id}`, { token: specialist.token });
  await env.request('GET', `/fhir/$changes`, { token: specialist.token });
  await env.request('POST', `/fhir/Communication/${message.id}/$receipt`, {
    token: specialist.token,
    body: { resourceType: 'Parameters', parameter: [{ name: 'status', valueCode: 'read' }] },
  });
});
afterAll(async () => env?.stop());

describe('the platform stores ciphertext only', () => {
  it('the stored parts are the sender’s ciphertext, which the recipient decrypts to the known plaintext (the needles are real)', async () => {
    const part = await partBytes(env, specialist.token, message.binaryIds[1]!);
    const opened = await decryptAndVerify(part.bytes, [specialist.keys.privateKeyArmored], [gp.keys.publicKeyArmored]);
    expect(Buffer.from(opened.data).equals(ATTACHMENT)).toBe(true);
    expect(opened.signature).toBe('valid');
    // The detector finds a needle when it is there.
    expect(Buffer.concat([Buffer.from('x'), Buffer.from(SUBJECT, 'utf16le')]).includes(needles()[1]!.bytes)).toBe(true);
  });

  it('while running: neither the SQLite file nor its WAL nor any file of the data directory holds the subject, text or attachment', async () => {
    const wal = join(env.dataDir, `${DATABASE_FILE}-wal`);
    expect(existsSync(wal)).toBe(true);
    expect(statSync(wal).size).toBeGreaterThan(0);
    expect(leaks()).toEqual([]);
  });

  it('after a checkpoint and after shutdown: still nothing', async () => {
    // A second connection checkpoints the WAL into the main file while the platform runs.
    const db = new Database(join(env.dataDir, DATABASE_FILE));
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
      const stored = db
        .prepare("SELECT count(*) AS n FROM resource_version WHERE type = 'Binary' AND id IN (?, ?)")
        .get(...message.binaryIds) as { n: number };
      expect(stored.n).toBe(2); // the parts are in the main file now
    } finally {
      db.close();
    }
    expect(leaks()).toEqual([]);
    await env.platform.stop();
    expect(leaks()).toEqual([]);
  });
});
