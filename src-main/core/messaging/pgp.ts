import type * as Openpgp from 'openpgp';
import { type Ed25519SigningKey, signBinaryDocument } from './ed25519-signature';
import { lengthOf, PacketFormatError, packetHeader, PacketTag, readPackets } from './openpgp-packets';
import { decryptSeipd, encryptSeipd, isSupportedCipher, WrongSessionKeyError } from './seipd';

/**
 * openpgp.js is loaded on first use: it is large, computes tables when imported, and most sessions
 * (and the renderer tests, which run the core in jsdom) never touch messaging before the first login.
 * The promise is kept: a dynamic import() resolves the module again each time (through the loader's
 * hooks under tsx and vitest), which cost more than opening a small message.
 */
let openpgpModule: Promise<typeof Openpgp> | undefined;
const loadOpenpgp = () => (openpgpModule ??= import('openpgp'));

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

/**
 * Our signatures hash with SHA-256 rather than openpgp.js's default SHA-512: as strong as Ed25519 asks
 * for, read by GnuPG 2.2, and the one of the two that current CPUs' SHA extensions compute (with SHA-1,
 * which the MDC needs) — over a 10 MB attachment the hash is a good part of the cost.
 */
const signingConfig = (openpgp: OpenpgpModule) => ({ ...COMPATIBLE, preferredHashAlgorithm: openpgp.enums.hash.sha256 });

/**
 * Data above this size goes through openpgp.js's hashing as a stream of views (of this size at most):
 * given one array, it would first concatenate the data with the signature trailer — a copy of 10 MB.
 */
const STREAM_ABOVE = 1 << 20;

/** A stream of views of `pieces`, at most STREAM_ABOVE bytes each. */
function streamOf(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces)
        for (let at = 0; at < piece.length; at += STREAM_ABOVE) controller.enqueue(piece.subarray(at, at + STREAM_ABOVE));
      controller.close();
    },
  });
}

/** Reads a stream to its end; `keep: false` drops the chunks (only the reading matters). */
async function readAll(data: Uint8Array | ReadableStream<Uint8Array>, keep = true): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  const chunks: Uint8Array[] = [];
  // Through a reader, not `for await`: openpgp.js swaps the internals of streams it clones passively.
  const reader = data.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) if (keep) chunks.push(read.value);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * Encrypts to every recipient (and the sender, who must read their own sent mail) and signs: one-pass
 * signature, literal data and signature packets inside a SEIPD v1 packet, as `gpg --sign --encrypt`
 * writes them. openpgp.js does the key operations (session key packets, the signature over the data);
 * the bulk (CFB and the MDC) is seipd.ts over node:crypto, writing the message in one buffer.
 */
export async function encryptAndSign(
  data: Uint8Array,
  recipientPublicKeys: string[],
  senderPrivateKey: string,
): Promise<Uint8Array> {
  const openpgp = await loadOpenpgp();
  const encryptionKeys = await Promise.all(recipientPublicKeys.map(publicKeyOf));
  const signingKeys = await privateKeyOf(senderPrivateKey);
  const config = signingConfig(openpgp);
  const sessionKey = await openpgp.generateSessionKey({ encryptionKeys, config });
  if (!isSupportedCipher(sessionKey.algorithm)) {
    // A recipient key that prefers no AES: openpgp.js's own path, slower but the same format.
    const message = await openpgp.createMessage({ binary: data });
    return openpgp.encrypt({ message, encryptionKeys, signingKeys, format: 'binary', config });
  }
  const [sessionKeyPackets, signature] = await Promise.all([
    openpgp.encryptSessionKey({ ...sessionKey, encryptionKeys, format: 'binary', config }),
    signatureOver(openpgp, data, signingKeys, config),
  ]);
  return encryptSeipd(sessionKey.algorithm, sessionKey.data, await signedLiteral(openpgp, data, signature), sessionKeyPackets);
}

/**
 * A binary-document signature packet (as detached) over `data`: made by ed25519-signature.ts (SHA-256,
 * node:crypto) for our Ed25519 keys, by openpgp.js for any other kind of key.
 */
async function signatureOver(
  openpgp: OpenpgpModule,
  data: Uint8Array,
  signingKeys: PrivateKey,
  config: ReturnType<typeof signingConfig>,
): Promise<Uint8Array> {
  const ed25519 = await ed25519SigningKeyOf(openpgp, signingKeys, config);
  if (ed25519) return signBinaryDocument(data, ed25519, new Date());
  if (data.length <= STREAM_ABOVE) {
    const message = await openpgp.createMessage({ binary: data });
    return openpgp.sign({ message, signingKeys, detached: true, format: 'binary', config });
  }
  // As an object: asked for bytes, openpgp.sign drives the hashing by collecting the whole message into
  // one array it then drops (a 10 MB copy). Reading the data stream drives it as well, copying nothing.
  const message = await openpgp.createMessage({ binary: streamOf([data]) });
  const signature = await openpgp.sign({ message, signingKeys, detached: true, format: 'object', config });
  await readAll(message.getLiteralData()!, false);
  return readAll(signature.write());
}

/**
 * The key openpgp.js would sign with (it checks it is valid now: not expired, not revoked, allowed to
 * sign), as Ed25519 key material when it is a legacy-EdDSA key on Ed25519; null for any other kind.
 */
async function ed25519SigningKeyOf(
  openpgp: OpenpgpModule,
  privateKey: PrivateKey,
  config: ReturnType<typeof signingConfig>,
): Promise<Ed25519SigningKey | null> {
  const { keyPacket } = await privateKey.getSigningKey(undefined, new Date(), undefined, { ...openpgp.config, ...config });
  const publicParams = keyPacket.publicParams as { Q?: Uint8Array };
  const privateParams = 'privateParams' in keyPacket ? (keyPacket.privateParams as { seed?: Uint8Array } | null) : null;
  const point = publicParams.Q;
  // A 0x40-prefixed 32-byte point is the native encoding only Ed25519 uses under legacy EdDSA.
  if (keyPacket.algorithm !== openpgp.enums.publicKey.eddsaLegacy || point?.length !== 33 || point[0] !== 0x40) return null;
  if (privateParams?.seed?.length !== 32) return null;
  return { seed: privateParams.seed, publicKey: point.subarray(1), fingerprint: keyPacket.getFingerprintBytes()! };
}

/** The packets a signed message holds (RFC 4880 §11.3): one-pass signature, literal data (binary, no file name), signature. */
async function signedLiteral(openpgp: OpenpgpModule, data: Uint8Array, signaturePacket: Uint8Array): Promise<Uint8Array[]> {
  const signature = (await openpgp.readSignature({ binarySignature: signaturePacket })).packets[0]!;
  const onePass = new Uint8Array(15);
  onePass.set([
    0xc0 | PacketTag.onePassSignature,
    13,
    3,
    signature.signatureType!,
    signature.hashAlgorithm!,
    signature.publicKeyAlgorithm!,
  ]);
  onePass.set(Buffer.from(signature.issuerKeyID.toHex(), 'hex'), 6);
  onePass[14] = 1; // not nested: the last (only) one-pass signature
  const literal = new Uint8Array(6);
  literal[0] = 0x62; // 'b': binary
  literal[1] = 0; // no file name
  new DataView(literal.buffer).setUint32(2, Math.floor(signature.created!.getTime() / 1000));
  return [onePass, packetHeader(PacketTag.literalData, literal.length + data.length), literal, data, signaturePacket];
}

/**
 * Decrypts with any of our private keys (old ones too, so rotation keeps old mail readable) and checks
 * the signature against the keys the directory publishes for the claimed sender. Nothing is returned
 * before the integrity check (MDC) has passed and the signature's verdict is known.
 */
export async function decryptAndVerify(
  message: Uint8Array | string,
  ourPrivateKeys: string[],
  senderPublicKeys: string[],
): Promise<OpenedMessage> {
  const openpgp = await loadOpenpgp();
  const decryptionKeys = await Promise.all(ourPrivateKeys.map(privateKeyOf));
  const verificationKeys = await Promise.all(senderPublicKeys.map(publicKeyOf));
  const encrypted = typeof message === 'string' ? null : integrityProtected(message);
  // Armoured text (messages of older versions) or another layout: openpgp.js reads it all.
  if (!encrypted) return decryptWithOpenpgp(openpgp, message, decryptionKeys, verificationKeys);

  let sessionKeys;
  try {
    const keyPackets = await openpgp.readMessage({ binaryMessage: encrypted.sessionKeyPackets });
    sessionKeys = await openpgp.decryptSessionKeys({ message: keyPackets, decryptionKeys, config: COMPATIBLE });
  } catch (error) {
    throw new UnreadableMessageError((error as Error).message);
  }
  if (!sessionKeys.some((key) => isSupportedCipher(key.algorithm ?? ''))) {
    return decryptWithOpenpgp(openpgp, message, decryptionKeys, verificationKeys); // an old cipher (CAST5, 3DES)
  }
  let signed: Uint8Array | null = null;
  for (const key of sessionKeys) {
    if (!isSupportedCipher(key.algorithm ?? '')) continue;
    try {
      signed = decryptSeipd(key.algorithm!, key.data, encrypted.body);
      break;
    } catch (error) {
      if (error instanceof WrongSessionKeyError) continue;
      throw new UnreadableMessageError((error as Error).message);
    }
  }
  if (!signed) throw new UnreadableMessageError('none of our keys opens this message');
  return verifySigned(openpgp, signed, verificationKeys);
}

/** A message we open ourselves: session key packets then one SEIPD v1 packet. Null for anything else. */
function integrityProtected(message: Uint8Array): { sessionKeyPackets: Uint8Array; body: Uint8Array[] } | null {
  let packets;
  try {
    packets = readPackets(message);
  } catch (error) {
    throw new UnreadableMessageError(`not an OpenPGP message: ${(error as Error).message}`);
  }
  const last = packets.at(-1);
  if (!last || last.tag !== PacketTag.symEncryptedIntegrityProtectedData || last.body[0]?.[0] !== 1) return null;
  if (packets.length < 2 || packets.slice(0, -1).some((p) => p.tag !== PacketTag.publicKeyEncryptedSessionKey)) return null;
  return { sessionKeyPackets: message.subarray(0, last.start), body: last.body };
}

/**
 * The packets the SEIPD protected (already integrity-checked): one-pass signature, literal data,
 * signature — ours and `gpg --compress-algo none`'s — verified here over views of the data; any other
 * layout (gpg compresses by default) is read by openpgp.js.
 */
async function verifySigned(openpgp: OpenpgpModule, signed: Uint8Array, verificationKeys: PublicKey[]): Promise<OpenedMessage> {
  try {
    const packets = readPackets(signed);
    const [onePass, literal, signaturePacket] = packets;
    if (
      packets.length === 3 &&
      onePass!.tag === PacketTag.onePassSignature &&
      literal!.tag === PacketTag.literalData &&
      signaturePacket!.tag === PacketTag.signature
    ) {
      const signature = await openpgp.readSignature({
        binarySignature: signed.subarray(signaturePacket!.start, signaturePacket!.end),
      });
      if (signature.packets[0]?.signatureType === openpgp.enums.signature.binary) {
        const pieces = literalContent(literal!.body);
        const streamed = lengthOf(pieces) > STREAM_ABOVE;
        const dataOf = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
        const verified = await openpgp.verify({
          message: await openpgp.createMessage({ binary: streamed ? streamOf(pieces) : dataOf }),
          signature,
          verificationKeys,
          format: 'binary',
          config: COMPATIBLE,
        });
        await readAll(verified.data, false); // openpgp.js hashes a passive clone of the data: it advances as this is read
        return verdict(dataOf, verified.signatures, verificationKeys);
      }
    }
    const verified = await openpgp.verify({
      message: await openpgp.readMessage({ binaryMessage: signed }),
      verificationKeys,
      format: 'binary',
      config: COMPATIBLE,
    });
    return verdict(await readAll(verified.data), verified.signatures, verificationKeys);
  } catch (error) {
    throw new UnreadableMessageError((error as Error).message);
  }
}

/** The data of a literal data packet (format octet, file name, date, then the data), as views. */
function literalContent(body: Uint8Array[]): Uint8Array[] {
  const first = body[0]!;
  const headerLength = 6 + (first[1] ?? 0);
  if (first.length < headerLength) throw new PacketFormatError('literal data header cut short');
  return [first.subarray(headerLength), ...body.slice(1)];
}

async function decryptWithOpenpgp(
  openpgp: OpenpgpModule,
  message: Uint8Array | string,
  decryptionKeys: PrivateKey[],
  verificationKeys: PublicKey[],
): Promise<OpenedMessage> {
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
  return verdict(result.data, result.signatures, verificationKeys);
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

type Verifications = Awaited<ReturnType<OpenpgpModule['verify']>>['signatures'];

/** The first signature's verdict against the directory keys of the claimed sender. */
async function verdict(data: Uint8Array, signatures: Verifications, verificationKeys: PublicKey[]): Promise<OpenedMessage> {
  const [signature] = signatures;
  if (!signature) return { data, signature: 'missing', signerKeyId: null, signerFingerprint: null };
  const signerKeyId = signature.keyID.toHex().toUpperCase();
  const signer = verificationKeys.find((key) => key.getKeys(signature.keyID).length > 0);
  if (!signer) return { data, signature: 'unknown-signer', signerKeyId, signerFingerprint: null };
  const signerFingerprint = signer.getFingerprint().toUpperCase();
  try {
    await signature.verified;
    return { data, signature: 'valid', signerKeyId, signerFingerprint };
  } catch {
    return { data, signature: 'invalid', signerKeyId, signerFingerprint };
  }
}
