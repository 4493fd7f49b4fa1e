export type { KeyProtector } from './key-protector';
export { ProfileKey, type KeyOptions } from './profile-key';
export { DEFAULT_SCRYPT, SCRYPT_FLOOR, wipe, type ScryptParams } from './key-wrap';
