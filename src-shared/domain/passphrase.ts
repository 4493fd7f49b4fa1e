/**
 * The one passphrase rule of the product: the API schema and the client core both ask this module, so
 * no caller of the core can set a passphrase the UI would refuse.
 *
 * A passphrase protects the encrypted cache against offline guessing once a laptop is lost, so it must
 * be long. Length is counted in characters as the user types them: code points after NFC composition
 * (the same normalisation the key derivation applies), so "é" typed as e + combining accent and an
 * emoji each count once, not as two UTF-16 units.
 */
export const MIN_PASSPHRASE_LENGTH = 10;
/** A bound on what we hash, not a strength rule: nobody types more, and scrypt's input stays small. */
export const MAX_PASSPHRASE_LENGTH = 1024;

export const PASSPHRASE_RULE = `at least ${MIN_PASSPHRASE_LENGTH} characters`;

export function passphraseLength(passphrase: string): number {
  return [...passphrase.normalize('NFC')].length;
}

/** Whether a passphrase may protect a cache (on creation and on change; unlocking takes whatever was set). */
export function isStrongEnoughPassphrase(passphrase: string): boolean {
  return passphraseLength(passphrase) >= MIN_PASSPHRASE_LENGTH;
}
