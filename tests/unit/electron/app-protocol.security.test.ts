import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadMain, type MainUnderTest } from './electron-mock';
import { tempDir } from '../../fixtures/temp-dirs';

// Threat: a renderer loaded from file:// shares its origin with every file on the disk, so a script
// injected into it (a rendered message, a PDF viewer bug) can fetch ~/.ssh or the profile's key file,
// and a check "comes from a file: URL" cannot tell our page from any HTML file the user opens. The
// renderer is served from app://desk, an origin of its own that answers only with dist/renderer's
// files (never a path outside it), with the same CSP.

let main: MainUnderTest;
let handler: (request: Request) => Promise<Response> | Response;
let rendererDir: string;

beforeAll(async () => {
  main = await loadMain();
  handler = main.protocolHandlers.get('app')!;
});
afterAll(() => vi.doUnmock('electron'));

/** A root like dist/renderer, beside files that must never be served. */
async function fixtureHandler() {
  const base = tempDir('desk-app-protocol-');
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>eSanté Desk</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
  symlinkSync(join(base, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  const { createAppProtocolHandler } = await import('../../../src-main/electron/app-protocol');
  return createAppProtocolHandler(rendererDir);
}

describe('the renderer is served from app://desk, not file://', () => {
  it('the scheme is registered as privileged (standard, secure) before the app is ready, without bypassing the CSP', () => {
    const registered = main.privilegedSchemes.flatMap((r) => r.schemes.map((s) => ({ ...s, beforeReady: r.beforeReady })));
    const app = registered.find((s) => s.scheme === 'app');
    expect(app).toBeDefined();
    expect(app!.beforeReady).toBe(true);
    expect(app!.privileges).toMatchObject({ standard: true, secure: true });
    expect(app!.privileges?.bypassCSP ?? false).toBe(false);
    expect(handler).toBeTypeOf('function');
  });

  it('the main window loads app://desk/index.html and never a file', () => {
    expect(main.windows[0]!.loadedUrl).toBe('app://desk/index.html');
    expect(main.windows[0]!.loadedFile).toBeUndefined();
  });

  it('IPC is served to app://desk/index.html and refused to a file: page, another app:// host or a subframe', async () => {
    const call = main.ipc.get('desk:call')!;
    const served = await call({ senderFrame: { url: 'app://desk/index.html#/dsp', parent: null } }, 'app.info', {});
    expect(served).toMatchObject({ ok: true, value: { shell: 'electron' } });
    for (const frame of [
      { url: 'file:///opt/esante/dist/renderer/index.html', parent: null },
      { url: 'file:///home/user/Downloads/index.html', parent: null },
      { url: 'app://evil/index.html', parent: null },
      { url: 'app://desk/index.html', parent: {} },
    ]) {
      expect(await call({ senderFrame: frame }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it('serves the files of the renderer folder with their type and the CSP', async () => {
    const serve = await fixtureHandler();
    const index = await serve(new Request('app://desk/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('eSanté Desk');
    const script = await serve(new Request('app://desk/assets/app.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await serve(new Request('app://desk/'))).status).toBe(200);
  });

  it('refuses every path that leaves the renderer folder, however it is spelled', async () => {
    const serve = await fixtureHandler();
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/index.html%00.png',
      '/%E0%A4%A',
      '/assets/link.txt', // a symlink pointing out of the folder
      '/assets', // a directory
      '/missing.js',
      `/${encodeURIComponent(join(rendererDir, '..', 'secret.txt'))}`,
    ]) {
      const response = await serve(new Request(`app://desk${path}`));
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(await response.text()).not.toContain('outside the renderer');
    }
    expect((await serve(new Request('app://elsewhere/index.html'))).status).toBe(404);
    expect((await serve(new Request('app://desk/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
