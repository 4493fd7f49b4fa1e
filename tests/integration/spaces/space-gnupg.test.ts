/**
 * A post to a space of 30 members is an OpenPGP message GnuPG reads (issue 13, acceptance 2): the
 * client core encrypts it once for each of the 30 active members (30 public-key packets) and signs it
 * with the author's key; gpg, holding any one member's secret key, decrypts it and verifies the author.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Bundle, Communication } from 'fhir/r4';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { keyEndpoint } from '../../../src-main/core/messaging/key-endpoint';
import { DirectoryLookup } from '../../../src-main/core/messaging/directory-lookup';
import { generateKeyPair, type KeyPair } from '../../../src-main/core/messaging/pgp';
import type { PlatformClient } from '../../../src-main/core/platform-client';
import { Spaces } from '../../../src-main/core/spaces/spaces';
import { newSpaceGroup } from '../../../src-main/core/spaces/space-wire';
import { createStore, type Store } from '../../../src-main/core/store';
import { memberEntry } from '../../../src-shared/domain/spaces';
import { disposeGnupgHomes, GnupgHome } from '../../fixtures/gnupg';
import { tempDir } from '../../fixtures/temp-dirs';

const AUTHOR = 'Practitioner/demo-nurse';
const MEMBERS = 30;
let store: Store;
let keys: Map<string, KeyPair>;

beforeAll(async () => {
  store = createStore({ path: join(tempDir('desk-space-gpg-'), 'cache.db'), dataKey: randomBytes(32) });
  const people = [AUTHOR, ...Array.from({ length: MEMBERS - 1 }, (_, i) => `Practitioner/member-${i + 1}`)];
  keys = new Map(
    await Promise.all(people.map(async (p) => [p, await generateKeyPair(p, `${p.split('/')[1]}@esante.lu`)] as const)),
  );
  const now = '2026-01-01T00:00:00.000Z';
  const group = newSpaceGroup({ id: 'space-30', name: 'Trente', owner: AUTHOR, invite: [], now });
  group.member = people.map((p) => memberEntry(p, 'active', now));
  store.resources.upsert({ ...group, meta: { versionId: '3', lastUpdated: now } });
  for (const [owner, pair] of keys) {
    if (owner === AUTHOR) continue;
    store.resources.upsert({ ...keyEndpoint(owner, pair, now), meta: { versionId: '1', lastUpdated: now } });
  }
  const own = keys.get(AUTHOR)!;
  store.pgpKeys.addActive({
    fingerprint: own.fingerprint,
    publicKey: own.publicKeyArmored,
    privateKey: own.privateKeyArmored,
    createdAt: now,
  });
  store.resources.upsert({ ...keyEndpoint(AUTHOR, own, now), meta: { versionId: '1', lastUpdated: now } });
});
afterAll(() => store?.close());
afterEach(disposeGnupgHomes);

it('gpg decrypts a post sent to a 30-member space with one member’s key, and verifies its author', async () => {
  const client = { user: { id: AUTHOR, role: 'nurse', name: 'Marie Hoffmann' } } as unknown as PlatformClient;
  const spaces = new Spaces(store, client, new DirectoryLookup(store, client), () => undefined);
  const id = await spaces.startThread({
    spaceId: 'space-30',
    title: 'Tournée du week-end',
    text: 'Qui peut reprendre la visite de 8 h à Ettelbruck ?',
    mentions: [],
  });
  const op = store.outbox.listUnacked(10).find((o) => o.url === 'Group/space-30/$post')!;
  const communication = (op.body as Bundle).entry![0]!.resource as Communication;
  expect(communication.id).toBe(id);
  expect(communication.extension?.length).toBe(MEMBERS);
  const ciphertext = Buffer.from(communication.payload![0]!.contentAttachment!.data!, 'base64');

  const gpg = new GnupgHome();
  gpg.importKey(keys.get('Practitioner/member-17')!.privateKeyArmored);
  gpg.importKey(keys.get(AUTHOR)!.publicKeyArmored);
  const packets = gpg.run(['--list-packets', '--list-only'], ciphertext).toString();
  expect(packets.match(/^:pubkey enc packet:/gm)?.length).toBe(MEMBERS);
  const { plaintext, status } = gpg.decrypt(ciphertext);
  const sealed = JSON.parse(plaintext.toString('utf8'));
  expect(sealed).toMatchObject({ contentId: id, space: 'space-30', kind: 'thread', title: 'Tournée du week-end' });
  expect(sealed.text).toBe('Qui peut reprendre la visite de 8 h à Ettelbruck ?');
  expect(status).toMatch(new RegExp(`VALIDSIG ${keys.get(AUTHOR)!.fingerprint}`));
  expect(status).toContain('DECRYPTION_OKAY');
});
