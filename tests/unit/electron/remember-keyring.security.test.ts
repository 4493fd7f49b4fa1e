import { describe, expect, it, vi } from 'vitest';

// Threat: on Linux without a keyring, Electron's safeStorage falls back to `basic_text`: it "encrypts"
// with a password compiled into every Electron binary, yet reports encryption as available. A profile
// remembered there opens for anyone who copies its key file. "Remember on this device" is offered only
// where the secret is really tied to the OS user: a Linux keyring, Windows, macOS.

/** What Electron reports on a Linux desktop without a keyring: "available", through basic_text. */
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'basic_text',
    encryptString: (text: string) => Buffer.from(text),
    decryptString: (sealed: Buffer) => sealed.toString(),
  },
}));

const { createKeyProtector, electronKeyProtector } = await import('../../../src-main/electron/safe-storage');

function storage(backend: string, available = true) {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend as never,
    encryptString: (text: string) => Buffer.from(`sealed:${text}`),
    decryptString: (sealed: Buffer) => sealed.toString().slice('sealed:'.length),
  };
}

describe('"remember on this device" only where a real keychain keeps the key', () => {
  // Only Linux has the basic_text fallback (Windows and macOS always have a real keychain); CI runs on Linux.
  it.runIf(process.platform === 'linux')("the app's protector refuses the basic_text fallback on this Linux machine", () => {
    expect(electronKeyProtector.isAvailable()).toBe(false);
  });

  it('is not offered on Linux with the basic_text fallback or an unknown backend, though "encryption is available"', () => {
    for (const backend of ['basic_text', 'unknown', '', 'something_new']) {
      expect({ backend, offered: createKeyProtector(storage(backend), 'linux').isAvailable() }).toEqual({
        backend,
        offered: false,
      });
    }
  });

  it('is offered on Linux with GNOME libsecret or KWallet', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
      expect({ backend, offered: createKeyProtector(storage(backend), 'linux').isAvailable() }).toEqual({
        backend,
        offered: true,
      });
    }
  });

  it('is offered on Windows and macOS, where safeStorage is DPAPI and the Keychain', () => {
    expect(createKeyProtector(storage('unknown'), 'win32').isAvailable()).toBe(true);
    expect(createKeyProtector(storage('unknown'), 'darwin').isAvailable()).toBe(true);
  });

  it('is never offered where safeStorage says encryption is unavailable', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      expect(createKeyProtector(storage('gnome_libsecret', false), platform).isAvailable()).toBe(false);
    }
  });

  it('wraps and unwraps bytes through the keychain unchanged', () => {
    const protector = createKeyProtector(storage('kwallet6'), 'linux');
    const secret = Buffer.from([0, 1, 2, 250, 255]);
    expect(protector.decrypt(protector.encrypt(secret)).equals(secret)).toBe(true);
  });
});
