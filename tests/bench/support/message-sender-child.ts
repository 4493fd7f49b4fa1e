/**
 * Bench child: sends `--count` secure messages from one professional to another straight to the
 * platform's transaction endpoint, each really encrypted (to the recipient and the sender) and signed
 * with openpgp.js in the app's configuration, a few requests in flight while the next is encrypted.
 * Only seeding: the keys are parsed once here, where `encryptAndSign` would parse them per message.
 *
 * argv: --url FHIR_BASE --token ACCESS_TOKEN --sender REF --recipient REF --count N --offset N
 * IPC: sends { type: 'ready' }, receives { type: 'keys', senderPrivateKey, encryptTo: string[] } (armored; kept off the command
 *      line), sends { type: 'done', posted } and exits.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as openpgp from 'openpgp';
import { OPERATION_ID_HEADER } from '../../../src-shared/domain/fhir-sync';
import { messageBundle, sealedBody } from './message-wire';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    sender: { type: 'string' },
    recipient: { type: 'string' },
    count: { type: 'string' },
    offset: { type: 'string', default: '0' },
  },
});
const IN_FLIGHT = 4;
/** The app's OpenPGP settings (pgp.ts): v4 keys, no AEAD, so GnuPG 2.2 reads our messages. */
const COMPATIBLE = { aeadProtect: false, v6Keys: false } as const;

interface Keys {
  type: 'keys';
  senderPrivateKey: string;
  encryptTo: string[];
}

async function main(): Promise<void> {
  const keysArrived = new Promise<Keys>((resolve) => process.once('message', (m: Keys) => resolve(m)));
  process.send!({ type: 'ready' });
  const keys = await keysArrived;
  const signingKeys = await openpgp.readPrivateKey({ armoredKey: keys.senderPrivateKey });
  const encryptionKeys = await Promise.all(keys.encryptTo.map((armoredKey) => openpgp.readKey({ armoredKey })));
  const count = Number(values.count);
  const offset = Number(values.offset);
  const inFlight = new Set<Promise<void>>();
  let posted = 0;
  for (let i = offset; i < offset + count; i++) {
    const text =
      `Bonjour, suite à la visite du ${new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toLocaleDateString('fr-LU')}, ` +
      `merci de passer pour les soins de plaie et la glycémie (message ${i}). Bien à vous.`;
    const id = randomUUID();
    const message = await openpgp.createMessage({ binary: sealedBody(id, `Suivi patient n° ${i}`, text) });
    const part = (await openpgp.encrypt({
      message,
      encryptionKeys,
      signingKeys,
      format: 'binary',
      config: COMPATIBLE,
    })) as Uint8Array;
    const bundle = messageBundle(
      id,
      values.sender!,
      [values.recipient!],
      [part],
      new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    );
    const request = fetch(values.url!, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${values.token!}`,
        'content-type': 'application/fhir+json',
        [OPERATION_ID_HEADER]: randomUUID(),
      },
      body: JSON.stringify(bundle),
    }).then(async (response) => {
      if (!response.ok) throw new Error(`message ${i}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
      await response.arrayBuffer();
      posted++;
    });
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  process.send!({ type: 'done', posted });
  process.disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench message sender: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
