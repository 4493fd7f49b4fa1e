import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import {
  hardenWebContents,
  isAllowedExternalUrl,
  isTrustedSender,
  secureWebPreferences,
} from '../../../src-main/electron/security';
import { createMainWindow } from '../../../src-main/electron/window';
import { FakeContents, FakeWindow, loadMain } from './electron-mock';

// Electron itself cannot run here: the window class and web contents are stand-ins (electron-mock.ts)
// that record what our glue asks of them, which is all the security rules depend on.

describe('Electron window security (ARCHITECTURE §8)', () => {
  it('creates the main window with contextIsolation and sandbox on, node integration off', () => {
    createMainWindow(
      FakeWindow as unknown as new (o: BrowserWindowConstructorOptions) => BrowserWindow,
      '/app/preload.cjs',
      'app://desk/index.html',
    );
    const prefs = FakeWindow.created.at(-1)!.webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      preload: '/app/preload.cjs',
    });
    expect(secureWebPreferences('/p')).toEqual({ ...prefs, preload: '/p' });
  });

  it('denies navigation, redirects and webviews', () => {
    const contents = new FakeContents();
    hardenWebContents(contents as never, () => {});
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-attach-webview', {}, {})).toBe(true);
  });

  it('denies window.open and hands only https: and mailto: links to the OS', () => {
    const opened: string[] = [];
    const contents = new FakeContents();
    hardenWebContents(contents as never, (url) => opened.push(url));
    for (const url of [
      'https://esante.lu/',
      'mailto:support@esante.lu',
      'http://plain.example/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'https://user:pw@host/',
      'not a url',
    ]) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://esante.lu/', 'mailto:support@esante.lu']);
    expect(isAllowedExternalUrl('smb://share/x')).toBe(false);
  });

  it('serves IPC only to the main frame of our own page', () => {
    const app = 'app://desk/index.html';
    expect(isTrustedSender({ url: `${app}#/dsp`, parent: null }, app)).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/index.html', parent: null }, app)).toBe(false);
    expect(isTrustedSender({ url: 'app://desk/other.html', parent: null }, app)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/index.html', parent: null }, app)).toBe(false);
    expect(isTrustedSender({ url: app, parent: {} as never }, app)).toBe(false);
    expect(isTrustedSender(null, app)).toBe(false);
  });
});

describe('Electron main process glue', () => {
  it('wires hardening, the CSP, the sender check and the embedded platform', async () => {
    const main = await loadMain();

    // Every web contents created is hardened.
    const contents = new FakeContents();
    main.appEvents.emit('web-contents-created', {}, contents);
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);

    // The CSP header is set on every response.
    let headers: Record<string, string[]> = {};
    main.cspListener!(
      { responseHeaders: {} },
      (r) => (headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders),
    );
    expect(headers['Content-Security-Policy']![0]).toContain("script-src 'self'");
    expect(headers['Content-Security-Policy']![0]).not.toContain('unsafe-eval');

    // The IPC handler refuses an untrusted frame and serves ours.
    const call = main.ipc.get('desk:call')!;
    const refused = (await call({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'app.info', {})) as {
      ok: boolean;
    };
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const served = await call({ senderFrame: { url: main.windows[0]!.loadedUrl, parent: null } }, 'app.info', {});
    expect(served).toMatchObject({
      ok: true,
      value: { shell: 'electron', version: '9.9.9', platformUrl: 'http://127.0.0.1:9/fhir' },
    });
    vi.doUnmock('electron');
  });
});
