/**
 * openpgp.js is loaded on first use: it is large, computes tables when imported, and most sessions
 * (and the renderer tests, which run the core in jsdom) never touch messaging before the first login.
 */
const loadOpenpgp = () => import('openpgp');

/**
 * OpenPGP for the secure messaging (ARCHITECTURE §6): v4 ECC keys (Ed25519 signing, Curve25519
 * encryption) and no AEAD, the combination GnuPG 2.2 reads and writes, so a message we send opens in
 * gpg and one gpg sends opens here.
 */

export interface KeyPair {
  publicKeyArmored: string;
  privateKeyArmored: string;
  /** Upper-case hex, the form professionals compare over the phone. */
  fingerprint: string;
}

/** What a signature check concluded; anything but `valid` is shown to the user, never hidden. */
export type SignatureStatus = 'valid' | 'invalid' | 'missing' | 'unknown-signer';

export interface OpenedMessage {
  data: Uint8Array;
  signature: SignatureStatus;
  /** The key that made the signature, when there is one. */
  signerKeyId: string | null;
  /** Fingerprint (upper-case hex) of the directory key the signature was checked against; null when none matched. */
  signerFingerprint: string | null;
}

/** The message could not be decrypted: tampered, truncated, or not for any of our keys. */
export class UnreadableMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableMessageError';
  }
}

const COMPATIBLE = { aeadProtect: false, v6Keys: false } as const;

type OpenpgpModule = Awaited<ReturnType<typeof loadOpenpgp>>;
type PublicKey = Awaited<ReturnType<OpenpgpModule['readKey']>>;
type PrivateKey = Awaited<ReturnType<OpenpgpModule['readPrivateKey']>>;

/**
 * Parsed keys by their armored text. Opening a mailbox verifies thousands of messages against the same
 * few keys, and parsing an armored key costs more than the signature check itself. Bounded, and the
 * private keys it holds are the ones the unlocked cache already holds in memory.
 */
const PARSED_KEYS_MAX = 256;
const parsedPublic = new Map<string, Promise<PublicKey>>();
const parsedPrivate = new Map<string, Promise<PrivateKey>>();

function remember<K>(cache: Map<string, Promise<K>>, armored: string, parse: () => Promise<K>): Promise<K> {
  let parsed = cache.get(armored);
  if (!parsed) {
    if (cache.size >= PARSED_KEYS_MAX) cache.delete(cache.keys().next().value!);
    parsed = parse();
    parsed.catch(() => cache.delete(armored));
    cache.set(armored, parsed);
  }
  return parsed;
}

async function publicKeyOf(armoredKey: string): Promise<PublicKey> {
  const openpgp = await loadOpenpgp();
  return remember(parsedPublic, armoredKey, () => openpgp.readKey({ armoredKey }));
}

async function privateKeyOf(armoredKey: string): Promise<PrivateKey> {
  const openpgp = await loadOpenpgp();
  return remember(parsedPrivate, armoredKey, () => openpgp.readPrivateKey({ armoredKey }));
}

/** Forgets parsed private keys (on lock), so they live no longer than the unlocked cache. */
export function forgetParsedKeys(): void {
  parsedPrivate.clear();
  parsedPublic.clear();
}

export async function generateKeyPair(name: string, email: string): Promise<KeyPair> {
  const openpgp = await loadOpenpgp();
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email }],
    format: 'armored',
    config: COMPATIBLE,
  });
  return { publicKeyArmored: publicKey, privateKeyArmored: privateKey, fingerprint: await fingerprintOf(publicKey) };
}

export async function fingerprintOf(armoredKey: string): Promise<string> {
  const openpgp = await loadOpenpgp();
  const key = await openpgp.readKey({ armoredKey });
  return key.getFingerprint().toUpperCase();
}

/** Encrypts to every recipient (and the sender, who must read their own sent mail) and signs. */
export async function encryptAndSign(
  data: Uint8Array,
  recipientPublicKeys: string[],
  senderPrivateKey: string,
): Promise<Uint8Array> {
  const openpgp = await loadOpenpgp();
  const encryptionKeys = await Promise.all(recipientPublicKeys.map(publicKeyOf));
  const signingKeys = await privateKeyOf(senderPrivateKey);
  const message = await openpgp.createMessage({ binary: data });
  return openpgp.encrypt({ message, encryptionKeys, signingKeys, format: 'binary', config: COMPATIBLE });
}

async function readAnyMessage(message: Uint8Array | string) {
  const openpgp = await loadOpenpgp();
  try {
    return typeof message === 'string'
      ? await openpgp.readMessage({ armoredMessage: message })
      : await openpgp.readMessage({ binaryMessage: message });
  } catch (error) {
    throw new UnreadableMessageError(`not an OpenPGP message: ${(error as Error).message}`);
  }
}

/**
 * Decrypts with any of our private keys (old ones too, so rotation keeps old mail readable) and checks
 * the signature against the keys the directory publishes for the claimed sender.
 */
export async function decryptAndVerify(
  message: Uint8Array | string,
  ourPrivateKeys: string[],
  senderPublicKeys: string[],
): Promise<OpenedMessage> {
  const openpgp = await loadOpenpgp();
  const decryptionKeys = await Promise.all(ourPrivateKeys.map(privateKeyOf));
  const verificationKeys = await Promise.all(senderPublicKeys.map(publicKeyOf));
  let result;
  try {
    result = await openpgp.decrypt({
      message: await readAnyMessage(message),
      decryptionKeys,
      verificationKeys,
      format: 'binary',
      // A modification-detection failure must stop us, never yield partial plaintext.
      config: { ...COMPATIBLE, allowUnauthenticatedMessages: false },
    });
  } catch (error) {
    if (error instanceof UnreadableMessageError) throw error;
    throw new UnreadableMessageError((error as Error).message);
  }
  const [signature] = result.signatures;
  if (!signature) return { data: result.data, signature: 'missing', signerKeyId: null, signerFingerprint: null };
  const signerKeyId = signature.keyID.toHex().toUpperCase();
  const signer = verificationKeys.find((key) => key.getKeys(signature.keyID).length > 0);
  if (!signer) return { data: result.data, signature: 'unknown-signer', signerKeyId, signerFingerprint: null };
  const signerFingerprint = signer.getFingerprint().toUpperCase();
  try {
    await signature.verified;
    return { data: result.data, signature: 'valid', signerKeyId, signerFingerprint };
  } catch {
    return { data: result.data, signature: 'invalid', signerKeyId, signerFingerprint };
  }
}
