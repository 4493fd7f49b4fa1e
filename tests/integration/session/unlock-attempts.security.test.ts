import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserShell } from '../../../src-main/browser-shell/server';
import { createCore, type Core } from '../../../src-main/core';
import { ProfileDirectory } from '../../../src-main/core/profiles';
import { FileSettingsStore } from '../../../src-main/core/settings';
import { FAST_SCRYPT, ManualClock } from '../../unit/keys/test-keys';
import { tempDir } from '../../fixtures/temp-dirs';

// Threat: someone at the unlocked OS session of a lost or shared laptop (or a script driving the
// browser shell's API) tries passphrases at the app's unlock screen as fast as scrypt allows, and a
// restart of the app wipes any counter kept in memory. After 5 wrong passphrases each further try
// waits a growing delay, counted per profile on disk before the passphrase is even checked. The clock
// is injected: no test waits on a timer.

const PASSPHRASE = 'the right passphrase';
const WRONG = 'not the passphrase';

const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function device() {
  const dataDir = tempDir('desk-unlock-');
  const { id } = await new ProfileDirectory({ dataDir: join(dataDir, 'profiles-data'), scrypt: FAST_SCRYPT }).create(
    'Dr Test',
    PASSPHRASE,
  );
  return { dataDir, profileId: id, clock: new ManualClock() };
}

/** A core as either shell builds it, on the given data dir and clock (a "restart" is a second call). */
function start(dataDir: string, clock: ManualClock): Core {
  const core = createCore({
    version: '0.0.0-test',
    shell: 'browser',
    platformUrl: 'http://127.0.0.1:9/fhir', // offline: nothing listens there
    dataDir,
    settings: new FileSettingsStore(join(dataDir, 'settings.json')),
    scrypt: FAST_SCRYPT,
    syncPeriodMs: 3_600_000,
    clock,
  });
  cores.push(core);
  return core;
}

const unlock = (core: Core, profileId: string, passphrase: string) => core.desk.session.unlock({ profileId, passphrase });

describe('offline unlock: attempts are limited', () => {
  it('5 wrong passphrases are answered; the 6th try, even the right one, waits 30 s (rate_limited with the delay)', async () => {
    const { dataDir, profileId, clock } = await device();
    const core = start(dataDir, clock);
    for (let i = 0; i < 5; i++) {
      expect(await unlock(core, profileId, WRONG)).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    }
    expect(await unlock(core, profileId, PASSPHRASE)).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: expect.any(String), field: 'passphrase', retryAfterSeconds: 30 },
    });
    clock.advance(10_000);
    expect(await unlock(core, profileId, PASSPHRASE)).toMatchObject({ ok: false, error: { retryAfterSeconds: 20 } });
    clock.advance(20_000);
    expect(await unlock(core, profileId, PASSPHRASE)).toMatchObject({ ok: true, value: { state: 'unlocked' } });
  });

  it('the delay grows with each further wrong passphrase, and a success starts the count again', async () => {
    const { dataDir, profileId, clock } = await device();
    const core = start(dataDir, clock);
    for (let i = 0; i < 5; i++) await unlock(core, profileId, WRONG);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const refused = await unlock(core, profileId, WRONG);
      const seconds = !refused.ok && refused.error.code === 'rate_limited' ? refused.error.retryAfterSeconds! : 0;
      waits.push(seconds);
      clock.advance(seconds * 1000);
      expect(await unlock(core, profileId, WRONG)).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    }
    expect(waits).toEqual([30, 60, 120, 240]);
    const refused = await unlock(core, profileId, PASSPHRASE);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterSeconds: 480 } });
    clock.advance(480_000);
    expect(await unlock(core, profileId, PASSPHRASE)).toMatchObject({ ok: true });
    await core.desk.session.lock({});
    for (let i = 0; i < 5; i++) {
      expect(await unlock(core, profileId, WRONG)).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    }
  });

  it('a restart of the app does not reset the count', async () => {
    const { dataDir, profileId, clock } = await device();
    const first = start(dataDir, clock);
    for (let i = 0; i < 5; i++) await unlock(first, profileId, WRONG);
    await first.close();
    const second = start(dataDir, clock);
    expect(await unlock(second, profileId, PASSPHRASE)).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', retryAfterSeconds: 30 },
    });
  });

  it('tries sent in parallel are counted before any is checked: at most 5 reach the passphrase check', async () => {
    const { dataDir, profileId, clock } = await device();
    const core = start(dataDir, clock);
    const results = await Promise.all(Array.from({ length: 12 }, () => unlock(core, profileId, WRONG)));
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes.filter((c) => c === 'wrong_passphrase')).toHaveLength(5);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(7);
  });

  it('a wrong current passphrase when changing it counts too (every passphrase check has the same guard)', async () => {
    const { dataDir, profileId, clock } = await device();
    const core = start(dataDir, clock);
    // Changing the passphrase needs an open profile; every passphrase check goes through the same guard.
    expect(await unlock(core, profileId, PASSPHRASE)).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) {
      expect(await core.desk.session.changePassphrase({ current: WRONG, next: 'another long passphrase' })).toMatchObject({
        ok: false,
        error: { code: 'wrong_passphrase' },
      });
    }
    expect(await core.desk.session.changePassphrase({ current: PASSPHRASE, next: 'another long passphrase' })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', retryAfterSeconds: 30 },
    });
  });

  it('the browser shell carries the refusal and its delay over HTTP', async () => {
    const { dataDir, profileId, clock } = await device();
    const core = start(dataDir, clock);
    const staticDir = join(dataDir, 'renderer');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    const shell = await startBrowserShell({ core, staticDir });
    try {
      const post = (passphrase: string) =>
        new Promise<{ status: number; body: unknown }>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: shell.port,
              method: 'POST',
              path: '/api/session.unlock',
              headers: { Authorization: `Bearer ${shell.token}`, 'Content-Type': 'application/json' },
            },
            (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
              res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ profileId, passphrase }));
        });
      for (let i = 0; i < 5; i++) expect((await post(WRONG)).body).toMatchObject({ error: { code: 'wrong_passphrase' } });
      expect((await post(PASSPHRASE)).body).toMatchObject({
        ok: false,
        error: { code: 'rate_limited', field: 'passphrase', retryAfterSeconds: 30 },
      });
    } finally {
      await shell.close();
    }
  });
});
