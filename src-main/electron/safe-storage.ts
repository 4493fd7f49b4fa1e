import { safeStorage } from 'electron';

/** "Remember on this device": the OS keychain wraps the profile's data key (see core/keys). */
export const electronKeyProtector = {
  isAvailable: (): boolean => safeStorage.isEncryptionAvailable(),
  encrypt: (plain: Buffer): Buffer => safeStorage.encryptString(plain.toString('base64')),
  decrypt: (cipher: Buffer): Buffer => Buffer.from(safeStorage.decryptString(cipher), 'base64'),
};
