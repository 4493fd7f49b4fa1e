import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadMain } from './electron-mock';

// Threat: the Electron main process loads a native SQLite addon from a path named by an environment
// variable. In an installed app, whoever can set the user's environment (a login script, a crafted
// shortcut) would load their own native code into the process that holds the data keys. Only a
// development run (`npm start`, app not packaged) may name the addon that way.

afterEach(() => {
  vi.resetModules();
  vi.doUnmock('electron');
});

describe('no native module from the environment in a packaged app', () => {
  it('a packaged app ignores DESK_SQLITE_BINDING', async () => {
    const main = await loadMain({ isPackaged: true, env: { DESK_SQLITE_BINDING: '/tmp/evil/addon.node' } });
    expect(main.coreOptions).toBeDefined();
    expect(main.coreOptions!.nativeBinding).toBeUndefined();
  });

  it('a development run (not packaged) uses the binding npm start built', async () => {
    const main = await loadMain({ isPackaged: false, env: { DESK_SQLITE_BINDING: '/work/.native/addon.node' } });
    expect(main.coreOptions!.nativeBinding).toBe('/work/.native/addon.node');
  });
});
