import { randomBytes } from 'node:crypto';
import { DeskError } from '../../../src-shared/domain/errors';
import { isStrongEnoughPassphrase, PASSPHRASE_RULE } from '../../../src-shared/domain/passphrase';
import {
  decodeSealed,
  encodeSealed,
  KEY_FILE_FORMAT,
  KEY_FILE_VERSION,
  readKeyFile,
  wrapAad,
  writeKeyFile,
  type DeviceWrap,
  type KeyFile,
  type PassphraseWrap,
} from './key-file';
import type { KeyProtector } from './key-protector';
import {
  DATA_KEY_BYTES,
  DEFAULT_SCRYPT,
  derivePassphraseKeys,
  isAcceptableScrypt,
  isAtLeast,
  newDataKey,
  newSalt,
  open,
  SCRYPT_FLOOR,
  seal,
  verifierMatches,
  wipe,
  type ScryptParams,
} from './key-wrap';

export interface KeyOptions {
  /**
   * scrypt cost for new wraps (tests lower it, never below SCRYPT_FLOOR). A wrap found weaker than this
   * is re-wrapped at this cost on its next successful unlock.
   */
  scrypt?: ScryptParams;
}

/**
 * The key file of one profile and every operation on it. Each method either completes and writes the
 * file atomically, or fails without writing anything. Returned data keys belong to the caller, who
 * must `wipe()` them once the database is open.
 */
export class ProfileKey {
  private readonly scrypt: ScryptParams;

  constructor(
    readonly path: string,
    readonly profileId: string,
    options: KeyOptions = {},
  ) {
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    if (!isAcceptableScrypt(this.scrypt)) throw new DeskError('internal', 'scrypt parameters out of bounds');
  }

  /** Creates the key file with a new random data key; refuses to replace an existing file. */
  async create(passphrase: string): Promise<Buffer> {
    assertPassphraseStrength(passphrase, 'passphrase');
    const dataKey = newDataKey();
    try {
      const file: KeyFile = {
        format: KEY_FILE_FORMAT,
        version: KEY_FILE_VERSION,
        profileId: this.profileId,
        passphraseWrap: await this.wrapWithPassphrase(dataKey, passphrase),
        deviceWrap: null,
      };
      writeKeyFile(this.path, file, { exclusive: true });
      return dataKey;
    } catch (error) {
      wipe(dataKey);
      throw error;
    }
  }

  /**
   * Opens the data key with the passphrase. A wrap made at a lower cost than ours (an older build) is
   * re-wrapped at our cost while the key is in hand, so a stolen copy of the file taken later costs the
   * attacker the current price per guess.
   */
  async unlock(passphrase: string): Promise<Buffer> {
    const file = readKeyFile(this.path, this.profileId);
    const dataKey = await this.unwrapWithPassphrase(file.passphraseWrap, passphrase);
    if (!isAtLeast(file.passphraseWrap, this.scrypt)) {
      try {
        writeKeyFile(this.path, { ...file, passphraseWrap: await this.wrapWithPassphrase(dataKey, passphrase) });
      } catch {
        // The unlock itself succeeded and the old wrap is intact (the write is atomic): the upgrade is
        // retried at the next unlock rather than locking the user out of the cache over a full disk.
      }
    }
    return dataKey;
  }

  /**
   * Unlocks without the passphrase through the OS key store. Any failure on this path means "ask for
   * the passphrase" (`locked`): the OS key may have changed (new user session, other machine) without
   * the file being damaged. Only a file that fails its own checks is `key_file_damaged`.
   */
  unlockWithProtector(protector: KeyProtector): Buffer {
    const file = readKeyFile(this.path, this.profileId);
    if (file.deviceWrap === null) throw new DeskError('locked', 'this profile is not remembered on this device');
    if (!protector.isAvailable()) throw new DeskError('locked', 'the secure storage of this device is not available');
    let deviceKey: Buffer;
    try {
      deviceKey = protector.decrypt(Buffer.from(file.deviceWrap.protectedKey, 'base64'));
    } catch {
      throw new DeskError('locked', 'the secure storage of this device no longer opens the remembered key');
    }
    try {
      const dataKey =
        deviceKey.length === 32 ? open(deviceKey, decodeSealed(file.deviceWrap), wrapAad(this.profileId, 'device')) : null;
      if (dataKey === null || dataKey.length !== DATA_KEY_BYTES) {
        wipe(dataKey);
        throw new DeskError('locked', 'the remembered key does not open this profile; unlock with the passphrase');
      }
      return dataKey;
    } finally {
      wipe(deviceKey);
    }
  }

  /** Re-wraps the same data key under a new passphrase: the database and its key are untouched. */
  async changePassphrase(current: string, next: string): Promise<void> {
    assertPassphraseStrength(next, 'newPassphrase');
    const file = readKeyFile(this.path, this.profileId);
    const dataKey = await this.unwrapWithPassphrase(file.passphraseWrap, current);
    try {
      writeKeyFile(this.path, { ...file, passphraseWrap: await this.wrapWithPassphrase(dataKey, next) });
    } finally {
      wipe(dataKey);
    }
  }

  /** "Remember on this device": adds a wrap under a random device key that the OS protector keeps. */
  async remember(passphrase: string, protector: KeyProtector): Promise<void> {
    if (!protector.isAvailable()) throw new DeskError('locked', 'the secure storage of this device is not available');
    const file = readKeyFile(this.path, this.profileId);
    const dataKey = await this.unwrapWithPassphrase(file.passphraseWrap, passphrase);
    const deviceKey = randomBytes(32);
    try {
      const deviceWrap: DeviceWrap = {
        protectedKey: protector.encrypt(deviceKey).toString('base64'),
        ...encodeSealed(seal(deviceKey, dataKey, wrapAad(this.profileId, 'device'))),
      };
      writeKeyFile(this.path, { ...file, deviceWrap });
    } finally {
      wipe(dataKey, deviceKey);
    }
  }

  /** Drops the device wrap; the passphrase wrap stays. A damaged file is reported, not rewritten. */
  forget(): void {
    const file = readKeyFile(this.path, this.profileId);
    if (file.deviceWrap === null) return;
    writeKeyFile(this.path, { ...file, deviceWrap: null });
  }

  isRemembered(): boolean {
    return readKeyFile(this.path, this.profileId).deviceWrap !== null;
  }

  private async wrapWithPassphrase(dataKey: Buffer, passphrase: string): Promise<PassphraseWrap> {
    const salt = newSalt();
    const { wrapKey, verifier } = await derivePassphraseKeys(passphrase, salt, this.scrypt);
    try {
      return {
        kdf: 'scrypt',
        N: this.scrypt.N,
        r: this.scrypt.r,
        p: this.scrypt.p,
        salt: salt.toString('base64'),
        verifier: verifier.toString('base64'),
        ...encodeSealed(seal(wrapKey, dataKey, wrapAad(this.profileId, 'passphrase'))),
      };
    } finally {
      wipe(wrapKey);
    }
  }

  private async unwrapWithPassphrase(wrap: PassphraseWrap, passphrase: string): Promise<Buffer> {
    // Checked before any KDF: a cheap wrap is never opened, whatever the passphrase.
    if (!isAtLeast(wrap, SCRYPT_FLOOR)) {
      throw new DeskError(
        'key_file_too_weak',
        `key file ${this.path} is protected by scrypt N=${wrap.N}, r=${wrap.r}, p=${wrap.p}, below the floor ` +
          `N=${SCRYPT_FLOOR.N}, r=${SCRYPT_FLOOR.r}, p=${SCRYPT_FLOOR.p}; it was not opened`,
      );
    }
    const { wrapKey, verifier } = await derivePassphraseKeys(passphrase, Buffer.from(wrap.salt, 'base64'), wrap);
    try {
      if (!verifierMatches(Buffer.from(wrap.verifier, 'base64'), verifier)) {
        throw new DeskError('wrong_passphrase', 'the passphrase does not unlock this profile', 'passphrase');
      }
      const dataKey = open(wrapKey, decodeSealed(wrap), wrapAad(this.profileId, 'passphrase'));
      if (dataKey === null || dataKey.length !== DATA_KEY_BYTES) {
        wipe(dataKey);
        // The passphrase is right, so the wrap itself was altered or moved from another profile.
        throw new DeskError('key_file_damaged', `key file ${this.path} does not authenticate for this profile`);
      }
      return dataKey;
    } finally {
      wipe(wrapKey);
    }
  }
}

function assertPassphraseStrength(passphrase: string, field: string): void {
  if (!isStrongEnoughPassphrase(passphrase))
    throw new DeskError('invalid_input', `the passphrase needs ${PASSPHRASE_RULE}`, field);
}
