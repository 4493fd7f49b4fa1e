/**
 * Threat (issue 9): one malformed URL — `GET /%E0%A4%A`, no token needed — ended the browser shell and
 * with it the embedded platform, so any web page that knew the port could stop the app. Every malformed
 * target, percent-encoding, header or body must get a 4xx, and the shell must go on serving.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserShell, type BrowserShell } from '../../../src-main/browser-shell/server';
import { createCore, type Core } from '../../../src-main/core';
import { FileSettingsStore } from '../../../src-main/core/settings';
import { HOSTILE_SHELL_REQUESTS, NORMAL_SHELL_REQUEST } from '../../fixtures/hostile-shell-requests';
import { rawRequest } from '../../fixtures/raw-http';
import { tempDir } from '../../fixtures/temp-dirs';

let core: Core;
let shell: BrowserShell;

beforeAll(async () => {
  const dir = tempDir('desk-shell-malformed-');
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>eSanté Desk</title>');
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

describe('the browser shell and malformed requests', () => {
  it('answers GET /%E0%A4%A (no token) with 400 and goes on serving', async () => {
    const answer = await rawRequest(
      shell.port,
      `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(400);
    expect((await rawRequest(shell.port, NORMAL_SHELL_REQUEST(shell))).status).toBe(200);
  });

  it.each(HOSTILE_SHELL_REQUESTS.map((request) => [request.name, request] as const))(
    'answers %s with a 4xx',
    async (_name, request) => {
      const answer = await rawRequest(shell.port, request.text(shell));
      expect(answer.status, answer.head).toBeGreaterThanOrEqual(400);
      expect(answer.status, answer.head).toBeLessThan(500);
    },
  );

  it('still serves a normal call and the renderer after all of them', async () => {
    expect((await rawRequest(shell.port, NORMAL_SHELL_REQUEST(shell))).status).toBe(200);
    const index = await rawRequest(shell.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nConnection: close\r\n\r\n`);
    expect(index.status).toBe(200);
  });
});
