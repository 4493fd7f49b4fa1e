import type { BrowserWindowConstructorOptions, Session, WebContents, WebFrameMain } from 'electron';

/**
 * The security rules of ARCHITECTURE §8, as plain functions over Electron's types so they can be unit
 * tested with Electron mocked. main.ts only wires them up.
 */

export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Only https: and mailto: links may leave the app, and only to the OS handler. */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === 'mailto:') return true;
  return url.protocol === 'https:' && url.username === '' && url.password === '' && url.hostname !== '';
}

/**
 * An IPC call is served only when it comes from the main frame of our own page: a subframe or a page
 * that navigated elsewhere (which we also forbid) must not reach the API.
 */
export function isTrustedSender(frame: Pick<WebFrameMain, 'url' | 'parent'> | null, appUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  const expected = new URL(appUrl);
  let actual: URL;
  try {
    actual = new URL(frame.url);
  } catch {
    return false;
  }
  return actual.protocol === expected.protocol && actual.host === expected.host && actual.pathname === expected.pathname;
}

type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Denies navigation, new windows and webviews; hands allowed external links to the OS. */
export function hardenWebContents(contents: HardenableContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

type PermissionGuardedSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * The renderer needs no browser permission at all (no camera, microphone, geolocation, notifications,
 * clipboard reads, HID/USB/serial devices…). A request is refused, and so is the synchronous check a
 * page makes first (`navigator.permissions.query`, some device APIs ask only that), which Electron
 * otherwise answers "granted" by default.
 */
export function denyAllPermissions(session: PermissionGuardedSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
