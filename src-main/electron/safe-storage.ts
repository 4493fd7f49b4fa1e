import { safeStorage } from 'electron';
import type { KeyProtector } from '../core/keys';

type SafeStorageLike = Pick<
  typeof safeStorage,
  'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
>;

/**
 * Linux backends that keep the secret in the user's keyring, unlocked by their login. Anything else is
 * refused: `basic_text` is Chromium's fallback when no keyring is found, a password compiled into every
 * Electron binary ("peanuts"), so a key file remembered under it opens for anyone who copies it; and
 * `unknown` means we asked before the app was ready, which is a bug we would rather not paper over.
 */
const REAL_LINUX_KEYRINGS: ReadonlySet<string> = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

/**
 * Whether "remember on this device" protects anything here: Windows (DPAPI) and macOS (Keychain) always
 * tie the secret to the OS user; on Linux only a real keyring does.
 */
export function keepsSecretsFromOtherUsers(storage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!storage.isEncryptionAvailable()) return false;
  if (platform === 'win32' || platform === 'darwin') return true;
  return REAL_LINUX_KEYRINGS.has(storage.getSelectedStorageBackend());
}

/** Linux without a keyring: safeStorage "works" with a password compiled into Electron (see above). */
export function isFixedPasswordFallback(storage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  return platform === 'linux' && storage.getSelectedStorageBackend() === 'basic_text';
}

/** "Remember on this device": the OS keychain wraps the profile's device key (see core/keys). */
export function createKeyProtector(storage: SafeStorageLike, platform: NodeJS.Platform = process.platform): KeyProtector {
  return {
    isAvailable: () => keepsSecretsFromOtherUsers(storage, platform),
    encrypt: (plain) => storage.encryptString(plain.toString('base64')),
    decrypt: (cipher) => Buffer.from(storage.decryptString(cipher), 'base64'),
  };
}

export const electronKeyProtector: KeyProtector = createKeyProtector(safeStorage);

/** Whether this machine's safeStorage is the fixed-password fallback (asked after the app is ready). */
export const electronKeychainIsFallback = (): boolean => isFixedPasswordFallback(safeStorage, process.platform);
