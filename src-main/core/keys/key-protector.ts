/**
 * An OS-bound secret keeper ("remember on this device"). Electron's `safeStorage` implements it; tests
 * use a fake. It wraps a random device key, never the passphrase.
 */
export interface KeyProtector {
  isAvailable(): boolean;
  encrypt(plain: Buffer): Buffer;
  decrypt(cipher: Buffer): Buffer;
}
