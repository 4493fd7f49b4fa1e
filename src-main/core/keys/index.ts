export type { KeyProtector } from './key-protector';
export { ProfileKey, MIN_PASSPHRASE_LENGTH, type KeyOptions } from './profile-key';
export { DEFAULT_SCRYPT, wipe, type ScryptParams } from './key-wrap';
