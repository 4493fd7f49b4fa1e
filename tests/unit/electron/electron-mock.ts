import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { BrowserWindowConstructorOptions, CustomScheme } from 'electron';
import type * as CoreModule from '../../../src-main/core';
import type { CoreOptions } from '../../../src-main/core';

/**
 * Electron cannot run here: this stands in for the parts of it our main process touches and records
 * what the glue asks of them (handlers installed, URLs loaded, schemes registered), which is all the
 * security rules depend on. `loadMain` imports src-main/electron/main.ts against it, once per test file.
 */
export class FakeWindow extends EventEmitter {
  static created: BrowserWindowConstructorOptions[] = [];
  loadedUrl: string | undefined;
  loadedFile: string | undefined;
  constructor(options: BrowserWindowConstructorOptions) {
    super();
    FakeWindow.created.push(options);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  loadFile(file: string) {
    this.loadedFile = file;
    return Promise.resolve();
  }
  show() {}
}

export class FakeContents extends EventEmitter {
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

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details?: unknown,
) => void;

export interface MainUnderTest {
  ipc: Map<string, (...args: unknown[]) => unknown>;
  appEvents: EventEmitter;
  windows: FakeWindow[];
  cspListener: ((details: unknown, cb: (r: unknown) => void) => void) | undefined;
  permissionRequest: PermissionRequestHandler | null | undefined;
  permissionCheck: ((...args: unknown[]) => boolean) | null | undefined;
  devicePermission: ((...args: unknown[]) => boolean) | null | undefined;
  /** Schemes registered as privileged, and whether that happened before `whenReady` resolved. */
  privilegedSchemes: { schemes: CustomScheme[]; beforeReady: boolean }[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response> | Response>;
  coreOptions: CoreOptions | undefined;
}

export interface MainOptions {
  isPackaged?: boolean;
  env?: Record<string, string>;
  /** app.getPath('userData'); a path nobody uses by default. */
  userData?: string;
  /** What safeStorage reports (default: Linux without a keyring, encryption "available" through basic_text). */
  keychain?: { available: boolean; backend: string };
}

export async function loadMain(options: MainOptions = {}): Promise<MainUnderTest> {
  const state: MainUnderTest = {
    ipc: new Map(),
    appEvents: new EventEmitter(),
    windows: [],
    cspListener: undefined,
    permissionRequest: undefined,
    permissionCheck: undefined,
    devicePermission: undefined,
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    coreOptions: undefined,
  };
  let ready = false;
  const platformChild = new EventEmitter();
  class MockBrowserWindow extends FakeWindow {
    webContents = { send: vi.fn() };
    constructor(windowOptions: BrowserWindowConstructorOptions) {
      super(windowOptions);
      state.windows.push(this);
    }
    isDestroyed() {
      return false;
    }
    static getAllWindows() {
      return state.windows;
    }
  }
  vi.doMock('electron', () => ({
    app: Object.assign(state.appEvents, {
      isPackaged: options.isPackaged ?? false,
      requestSingleInstanceLock: () => true,
      whenReady: () => {
        ready = true;
        return Promise.resolve();
      },
      getPath: () => options.userData ?? '/tmp/esante-desk-test-userdata',
      getVersion: () => '9.9.9',
      quit: vi.fn(),
    }),
    BrowserWindow: MockBrowserWindow,
    ipcMain: { handle: (channel: string, fn: (...args: unknown[]) => unknown) => state.ipc.set(channel, fn) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: CustomScheme[]) => state.privilegedSchemes.push({ schemes, beforeReady: !ready }),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: MainUnderTest['cspListener']) => (state.cspListener = fn) },
        setPermissionRequestHandler: (fn: PermissionRequestHandler | null) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: MainUnderTest['permissionCheck']) => (state.permissionCheck = fn),
        setDevicePermissionHandler: (fn: MainUnderTest['devicePermission']) => (state.devicePermission = fn),
      },
    },
    shell: { openExternal: vi.fn() },
    utilityProcess: {
      fork: () => {
        queueMicrotask(() => platformChild.emit('message', { type: 'listening', url: 'http://127.0.0.1:9/fhir' }));
        return platformChild;
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => options.keychain?.available ?? true,
      getSelectedStorageBackend: () => options.keychain?.backend ?? 'basic_text',
      encryptString: vi.fn(),
      decryptString: vi.fn(),
    },
  }));
  vi.doMock('electron-store', () => ({
    default: class {
      store: unknown = {};
    },
  }));
  vi.doMock('../../../src-main/core', async (importOriginal) => {
    const real = await importOriginal<typeof CoreModule>();
    return {
      ...real,
      createCore: (coreOptions: CoreOptions) => {
        state.coreOptions = coreOptions;
        return real.createCore(coreOptions);
      },
    };
  });
  const saved = { ...process.env };
  Object.assign(process.env, options.env ?? {});
  try {
    await import('../../../src-main/electron/main');
    const { expect } = await import('vitest');
    await vi.waitFor(() => expect(state.ipc.has('desk:call')).toBe(true));
  } finally {
    for (const key of Object.keys(options.env ?? {})) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
  return state;
}
