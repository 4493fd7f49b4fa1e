/** Spaces over real HTTP: a space's Group, its posts (with stand-in ciphertext: the platform only checks it is OpenPGP-framed). */
import { randomUUID } from 'node:crypto';
import {
  memberEntry,
  SPACE_AUDIENCE_URL,
  SPACE_CODE,
  SPACE_CODE_SYSTEM,
  SPACE_CONTENT_SYSTEM,
  SPACE_FILE_TAG,
} from '../../../src-shared/domain/spaces';
import type { Json, TestPlatform } from '../platform/platform-harness';

/** Bytes that start like an OpenPGP packet (bit 7 set); the platform never decrypts. */
export const FAKE_CIPHERTEXT = Buffer.concat([Buffer.from([0xc1, 0x4c]), Buffer.from('stand-in ciphertext')]).toString('base64');

export function spaceBody(id: string, owner: string, invited: string[] = [], name = 'Espace de test'): Json {
  return {
    resourceType: 'Group',
    id,
    type: 'practitioner',
    actual: true,
    name,
    code: { coding: [{ system: SPACE_CODE_SYSTEM, code: SPACE_CODE }] },
    managingEntity: { reference: owner },
    member: [
      memberEntry(owner, 'active', '2026-01-01T00:00:00Z'),
      ...invited.map((r) => memberEntry(r, 'invited', '2026-01-01T00:00:00Z')),
    ],
  };
}

export function postBody(
  space: string,
  sender: string,
  audience: string[],
  options: { kind?: 'thread' | 'post' | 'file'; thread?: string; id?: string } = {},
): { id: string; body: Json } {
  const id = options.id ?? randomUUID();
  const kind = options.kind ?? (options.thread ? 'post' : 'thread');
  const binaryId = `${id}-data`;
  const communication: Json = {
    resourceType: 'Communication',
    id,
    status: 'completed',
    category: [{ coding: [{ system: SPACE_CONTENT_SYSTEM, code: kind }] }],
    ...(options.thread ? { partOf: [{ reference: `Communication/${options.thread}` }] } : {}),
    sender: { reference: sender },
    recipient: [{ reference: `Group/${space}` }],
    sent: '2026-01-02T10:00:00Z',
    extension: audience.map((reference) => ({ url: SPACE_AUDIENCE_URL, valueReference: { reference } })),
    payload: [
      { contentAttachment: { contentType: 'application/pgp-encrypted', data: FAKE_CIPHERTEXT } },
      ...(kind === 'file'
        ? [
            {
              contentAttachment: {
                contentType: 'application/pgp-encrypted',
                url: `Binary/${binaryId}`,
                size: Buffer.from(FAKE_CIPHERTEXT, 'base64').length,
              },
            },
          ]
        : []),
    ],
  };
  const binary: Json = {
    resourceType: 'Binary',
    id: binaryId,
    meta: { tag: [SPACE_FILE_TAG] },
    contentType: 'application/pgp-encrypted',
    securityContext: { reference: `Communication/${id}` },
    data: FAKE_CIPHERTEXT,
  };
  return {
    id,
    body: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: communication }, ...(kind === 'file' ? [{ resource: binary }] : [])],
    },
  };
}

export const member = (reference: string): Json => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'member', valueReference: { reference } }],
});

/** Every page of a user's `$changes` from `cursor` (null: a fresh snapshot); the entries and the last cursor. */
export async function pull(
  env: TestPlatform,
  token: string,
  cursor: string | null = null,
): Promise<{ entries: Json[]; cursor: string }> {
  const entries: Json[] = [];
  let next = cursor;
  for (;;) {
    const answer = await env.request('GET', `/fhir/$changes?_count=1000${next ? `&cursor=${next}` : ''}`, { token });
    if (answer.status !== 200) throw new Error(`$changes: ${answer.status} ${JSON.stringify(answer.json)}`);
    entries.push(...(answer.json.entry ?? []));
    const ext = (url: string) => answer.json.extension.find((e: Json) => e.url.endsWith(url));
    next = ext('changes-next-cursor').valueString;
    if (!ext('changes-has-more').valueBoolean) return { entries, cursor: next! };
  }
}

export const urls = (entries: Json[]) => entries.map((e) => e.request.url as string);
