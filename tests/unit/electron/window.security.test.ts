import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import {
  hardenWebContents,
  isAllowedExternalUrl,
  isTrustedSender,
  secureWebPreferences,
} from '../../../src-main/electron/security';
import { createMainWindow } from '../../../src-main/electron/window';

// Electron itself cannot run here: the window class and web contents are stand-ins that record what
// our glue asks of them, which is all the security rules depend on.
class FakeWindow extends EventEmitter {
  static created: BrowserWindowConstructorOptions[] = [];
  loaded: string | undefined;
  constructor(options: BrowserWindowConstructorOptions) {
    super();
    FakeWindow.created.push(options);
  }
  loadFile(file: string) {
    this.loaded = file;
    return Promise.resolve();
  }
  show() {}
}

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  fire(event: string, ...args: unknown[]) {
    const prevented = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit(event, prevented, ...args);
    return prevented.defaultPrevented;
  }
}

describe('Electron window security (ARCHITECTURE §8)', () => {
  it('creates the main window with contextIsolation and sandbox on, node integration off', () => {
    createMainWindow(
      FakeWindow as unknown as new (o: BrowserWindowConstructorOptions) => BrowserWindow,
      '/app/preload.cjs',
      '/app/index.html',
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
    const app = 'file:///opt/esante/dist/renderer/index.html';
    expect(isTrustedSender({ url: `${app}#/dsp`, parent: null }, app)).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/index.html', parent: null }, app)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/other.html', parent: null }, app)).toBe(false);
    expect(isTrustedSender({ url: app, parent: {} as never }, app)).toBe(false);
    expect(isTrustedSender(null, app)).toBe(false);
  });
});

describe('Electron main process glue', () => {
  it('wires hardening, the CSP, the sender check and the embedded platform', async () => {
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    const appEvents = new EventEmitter();
    const platformChild = new EventEmitter();
    let cspListener: ((details: unknown, cb: (r: unknown) => void) => void) | undefined;
    const windows: FakeWindow[] = [];
    class MockBrowserWindow extends FakeWindow {
      webContents = { send: vi.fn() };
      constructor(options: BrowserWindowConstructorOptions) {
        super(options);
        windows.push(this);
      }
      isDestroyed() {
        return false;
      }
      static getAllWindows() {
        return windows;
      }
    }
    vi.doMock('electron', () => ({
      app: Object.assign(appEvents, {
        requestSingleInstanceLock: () => true,
        whenReady: () => Promise.resolve(),
        getPath: () => '/tmp/esante-desk-test-userdata',
        getVersion: () => '9.9.9',
        quit: vi.fn(),
      }),
      BrowserWindow: MockBrowserWindow,
      ipcMain: { handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn) },
      session: {
        defaultSession: {
          webRequest: { onHeadersReceived: (fn: typeof cspListener) => (cspListener = fn) },
          setPermissionRequestHandler: vi.fn(),
        },
      },
      shell: { openExternal: vi.fn() },
      utilityProcess: {
        fork: () => {
          setTimeout(() => platformChild.emit('message', { type: 'listening', url: 'http://127.0.0.1:9/fhir' }), 5);
          return platformChild;
        },
      },
      safeStorage: { isEncryptionAvailable: () => false },
    }));
    vi.doMock('electron-store', () => ({
      default: class {
        store: unknown = {};
      },
    }));

    await import('../../../src-main/electron/main');
    await vi.waitFor(() => expect(handlers.has('desk:call')).toBe(true));

    // Every web contents created is hardened.
    const contents = new FakeContents();
    appEvents.emit('web-contents-created', {}, contents);
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);

    // The CSP header is set on every response.
    let headers: Record<string, string[]> = {};
    cspListener!(
      { responseHeaders: {} },
      (r) => (headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders),
    );
    expect(headers['Content-Security-Policy']![0]).toContain("script-src 'self'");
    expect(headers['Content-Security-Policy']![0]).not.toContain('unsafe-eval');

    // The IPC handler refuses an untrusted frame and serves ours.
    const call = handlers.get('desk:call')!;
    const refused = (await call({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'app.info', {})) as {
      ok: boolean;
    };
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const ownUrl = `file://${windows[0]!.loaded}`;
    const served = await call({ senderFrame: { url: ownUrl, parent: null } }, 'app.info', {});
    expect(served).toMatchObject({
      ok: true,
      value: { shell: 'electron', version: '9.9.9', platformUrl: 'http://127.0.0.1:9/fhir' },
    });
  });
});
