import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/content-security-policy';
import { createCore, type Core } from '../core';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { startEmbeddedPlatform } from './embedded-platform';
import { nativeBindingPath } from './native-binding';
import { denyAllPermissions, hardenWebContents, isAllowedExternalUrl, isTrustedSender } from './security';
import { electronKeychainIsFallback, electronKeyProtector } from './safe-storage';
import { ElectronSettingsStore } from './settings-store';
import { createMainWindow } from './window';

// The Electron shell is glue only: everything it wires is tested under Node (ARCHITECTURE §2, §8).
// Bundled by scripts/build-main.mjs to dist/main/, next to preload.cjs and platform-process.cjs.
const bundleDir = __dirname;
const rendererDir = join(bundleDir, '..', 'renderer');

let core: Core | undefined;

// Must happen before the app is ready: app:// gets an origin of its own (see app-protocol.ts).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

app.on('web-contents-created', (_event, contents) => {
  hardenWebContents(contents, (url) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
  });
});

async function boot(): Promise<void> {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  denyAllPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));

  const settings = new ElectronSettingsStore();
  const remote = settings.read().remotePlatformUrl;
  const platformUrl =
    remote ??
    (await startEmbeddedPlatform(join(bundleDir, 'platform-process.cjs'), join(app.getPath('userData'), 'platform'))).url;

  // npm start builds the SQLite binding for Electron's ABI and names it; a packaged app never asks.
  const nativeBinding = nativeBindingPath(app.isPackaged, process.env);
  core = createCore({
    version: app.getVersion(),
    shell: 'electron',
    platformUrl,
    dataDir: app.getPath('userData'),
    settings,
    keyProtector: electronKeyProtector,
    embeddedPlatform: !remote,
    ...(nativeBinding === undefined ? {} : { nativeBinding }),
  });
  const activeCore = core;
  // Profiles an older build remembered under the basic_text fallback: their device wraps open for
  // anyone who copies the key file, so they go, and the passphrase is asked again.
  if (electronKeychainIsFallback()) activeCore.sessions.forgetAllRemembered();

  ipcMain.handle('desk:call', (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame, APP_INDEX_URL)) {
      return { ok: false, error: { code: 'forbidden', message: 'IPC call from an untrusted frame' } };
    }
    return activeCore.registry.call(name, input);
  });

  const window = createMainWindow(BrowserWindow, join(bundleDir, 'preload.cjs'), APP_INDEX_URL);
  const unsubscribe = activeCore.events.subscribe((topic, payload) => {
    if (!window.isDestroyed()) window.webContents.send('desk:event', topic, payload);
  });
  window.on('closed', unsubscribe);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.whenReady().then(boot, (error: unknown) => {
    console.error('eSanté Desk failed to start:', error instanceof Error ? error.message : error);
    app.quit();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void core?.close());
}
