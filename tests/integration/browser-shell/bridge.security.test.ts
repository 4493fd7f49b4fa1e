import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserShell, type BrowserShell } from '../../../src-main/browser-shell/server';
import { createCore, type Core } from '../../../src-main/core';
import { FileSettingsStore } from '../../../src-main/core/settings';
import { tempDir } from '../../fixtures/temp-dirs';

let core: Core;
let shell: BrowserShell;

beforeAll(async () => {
  const dir = tempDir('desk-shell-');
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>eSanté Desk</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the static root');
  core = createCore({
    version: '0.0.1',
    shell: 'browser',
    platformUrl: 'http://127.0.0.1:9/fhir',
    dataDir: dir,
    settings: new FileSettingsStore(join(dir, 'settings.json')),
  });
  shell = await startBrowserShell({ core, staticDir });
});
afterAll(async () => {
  await shell.close();
  await core.close();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so the test controls every header a browser would send (fetch forbids setting Origin/Host). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: shell.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const json = { 'Content-Type': 'application/json' };
const auth = () => ({ Authorization: `Bearer ${shell.token}` });

describe('browser shell API bridge', () => {
  it('prints a launch URL that carries the token in the fragment only', () => {
    expect(shell.launchUrl).toBe(`http://127.0.0.1:${shell.port}/#token=${shell.token}`);
    expect(shell.token.length).toBeGreaterThanOrEqual(40);
  });

  it('serves a call with the right token', async () => {
    const res = await raw('POST', '/api/app.info', { ...json, ...auth(), Origin: shell.origin }, '{}');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { shell: 'browser', version: '0.0.1' } });
  });

  it('refuses a request without the token', async () => {
    const res = await raw('POST', '/api/app.info', json, '{}');
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses a request with a wrong token', async () => {
    const wrong = shell.token.slice(0, -1) + (shell.token.endsWith('A') ? 'B' : 'A');
    for (const header of [`Bearer ${wrong}`, `Bearer ${shell.token}x`, shell.token, 'Bearer ']) {
      const res = await raw('POST', '/api/app.info', { ...json, Authorization: header }, '{}');
      expect(res.status, header).toBe(401);
    }
  });

  it('refuses a request from another Origin, even with the token', async () => {
    const res = await raw('POST', '/api/app.info', { ...json, ...auth(), Origin: 'http://evil.example' }, '{}');
    expect(res.status).toBe(403);
    const sibling = await raw(
      'POST',
      '/api/app.info',
      { ...json, ...auth(), Origin: `http://127.0.0.1:${shell.port + 1}` },
      '{}',
    );
    expect(sibling.status).toBe(403);
  });

  it('refuses a rebound Host name (DNS rebinding)', async () => {
    const res = await raw('POST', '/api/app.info', { ...json, ...auth(), Host: `evil.example:${shell.port}` }, '{}');
    expect(res.status).toBe(403);
  });

  it('refuses the event stream without the token', async () => {
    const res = await raw('GET', '/api/events', {});
    expect(res.status).toBe(401);
  });

  it('answers an unknown method and malformed input with errors naming the field', async () => {
    const unknown = await raw('POST', '/api/dsp.eraseAll', { ...json, ...auth() }, '{}');
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown_method', field: 'method' } });
    const malformed = await raw('POST', '/api/settings.update', { ...json, ...auth() }, '{"language":"xx"}');
    expect(JSON.parse(malformed.body)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'language' } });
    const notJson = await raw('POST', '/api/app.info', { ...json, ...auth() }, '{oops');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { field: 'body' } });
    const wrongType = await raw('POST', '/api/app.info', { 'Content-Type': 'text/plain', ...auth() }, '{}');
    expect(wrongType.status).toBe(415);
  });

  it('serves the renderer with the CSP and never a file outside its folder', async () => {
    const index = await raw('GET', '/', {});
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await raw('GET', path, {});
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside the static root');
    }
  });

  it('streams core events to an authorised client', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: shell.port, path: '/api/events', headers: auth() }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes(': connected')) core.events.emit('sync.progress', { phase: 'pull', done: 3, total: 10 });
          if (text.includes('event: sync.progress')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain('data: {"phase":"pull","done":3,"total":10}');
  });
});
