import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/content-security-policy';
import { createCore, type Core } from '../core';
import { startEmbeddedPlatform } from './embedded-platform';
import { hardenWebContents, isAllowedExternalUrl, isTrustedSender } from './security';
import { electronKeyProtector } from './safe-storage';
import { ElectronSettingsStore } from './settings-store';
import { createMainWindow } from './window';

// The Electron shell is glue only: everything it wires is tested under Node (ARCHITECTURE §2, §8).
// Bundled by scripts/build-main.mjs to dist/main/, next to preload.cjs and platform-process.cjs.
const bundleDir = __dirname;
const indexFile = join(bundleDir, '..', 'renderer', 'index.html');
const appUrl = pathToFileURL(indexFile).toString();

let core: Core | undefined;

app.on('web-contents-created', (_event, contents) => {
  hardenWebContents(contents, (url) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
  });
});

async function boot(): Promise<void> {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  const settings = new ElectronSettingsStore();
  const remote = settings.read().remotePlatformUrl;
  const platformUrl =
    remote ??
    (await startEmbeddedPlatform(join(bundleDir, 'platform-process.cjs'), join(app.getPath('userData'), 'platform'))).url;

  core = createCore({
    version: app.getVersion(),
    shell: 'electron',
    platformUrl,
    dataDir: app.getPath('userData'),
    settings,
    keyProtector: electronKeyProtector,
    embeddedPlatform: !remote,
    // npm start builds the SQLite binding for Electron's ABI and passes its path here.
    ...(process.env.DESK_SQLITE_BINDING ? { nativeBinding: process.env.DESK_SQLITE_BINDING } : {}),
  });
  const activeCore = core;

  ipcMain.handle('desk:call', (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame, appUrl)) {
      return { ok: false, error: { code: 'forbidden', message: 'IPC call from an untrusted frame' } };
    }
    return activeCore.registry.call(name, input);
  });

  const window = createMainWindow(BrowserWindow, join(bundleDir, 'preload.cjs'), indexFile);
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
