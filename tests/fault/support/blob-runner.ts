/**
 * One "launch of the desk app" for the attachment fault tests, run as a child process:
 *   node --import tsx tests/fault/support/blob-runner.ts --url U --data-dir D --run N --seed S --writes W --mode upload|download [--final]
 * with DESK_FAULT_PARK_AT=<point>#<n> (phase-signals.ts) naming where this launch must stop.
 *
 * Logs in as the demo GP (first run creates the profile, later runs unlock it) and lets the start-up
 * sync run — which resumes what a killed launch left half-way. Then:
 * - upload:   adds W PDF documents of BLOB_FAULT_BYTES random bytes to the demo patient's DSP (they travel
 *             through the attachment queue in 1 MiB chunks) and syncs until nothing is pending;
 * - download: opens every fault document in the cache, one after the other (each fetched by ranged GETs).
 * Nothing waits on a timer: kills are placed on the queue's own phase signals.
 *
 * Lines on stdout (synchronous to a pipe, so a line printed before parking reaches the parent):
 *   AT <point> <n> / PARKED <point> <n>   as every runner (runner-launch.ts)
 *   INTENT <sha256> <size>                a document with this content is about to be added
 *   ACK <docId> <sha256>                  it was added (acknowledged to the user)
 *   CHUNK <sha256> <offset>               an upload chunk starting at offset is about to leave
 *   CONFIRMED <sha256> <offset>           the platform's confirmed offset is recorded in the cache
 *   RANGE <sha256> <offset>               a ranged GET from offset is about to leave
 *   STORED <sha256> <end>                 the bytes up to end are stored in the cache
 *   OPENED <docId> <sha256>               a document opened; the SHA-256 of the bytes shown
 *   DONE <json> / STUCK <json> / IDLE     as every runner (runner-launch.ts)
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Binary, DocumentReference } from 'fhir/r4';
import type { ActiveSession } from '../../../src-main/core/session/active-session';
import { blobOf } from '../../../src-shared/domain/attachments';
import { BLOB_FAULT_BYTES, BLOB_FAULT_TITLE } from './client-runner-protocol';
import { endLaunch, launchLoggedIn, runLaunch, say, syncUntilSettled } from './runner-launch';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'data-dir': { type: 'string' },
    run: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    writes: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'upload' },
    final: { type: 'boolean', default: false },
  },
  strict: true,
});
if (!values.url || !values['data-dir'] || (values.mode !== 'upload' && values.mode !== 'download')) {
  process.stderr.write('blob-runner: --url, --data-dir and --mode upload|download are required\n');
  process.exit(2);
}
const run = Number(values.run);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * What moved where, in the parent's terms. Wrapped inside the phase signals: a line is printed once its step
 * is done (a confirmed offset once recorded) and before the signal that may park.
 */
function sayWhatMoves(session: ActiveSession): void {
  const { client, store } = session;
  const uploadChunk = client.uploadChunk.bind(client);
  const uploading = new Map<string, string>(); // upload id → sha256
  client.uploadChunk = (async (uploadId: string, offset: number, bytes: Buffer, total: number) => {
    const sha = uploading.get(uploadId) ?? store.blobUploads.pending().find((u) => u.uploadId === uploadId)?.sha256 ?? '?';
    uploading.set(uploadId, sha);
    say(`CHUNK ${sha} ${offset}`);
    return uploadChunk(uploadId, offset, bytes, total);
  }) as typeof client.uploadChunk;
  const confirm = store.blobUploads.confirm.bind(store.blobUploads);
  store.blobUploads.confirm = ((sha: string, confirmed: number) => {
    confirm(sha, confirmed);
    say(`CONFIRMED ${sha} ${confirmed}`);
  }) as typeof store.blobUploads.confirm;
  const downloadRange = client.downloadRange.bind(client);
  client.downloadRange = (async (binaryId: string, offset: number, length: number) => {
    const binary = store.resources.get<Binary>('Binary', binaryId)?.resource;
    say(`RANGE ${(binary && blobOf(binary)?.sha256) ?? '?'} ${offset}`);
    return downloadRange(binaryId, offset, length);
  }) as typeof client.downloadRange;
  const appendChunk = store.blobs.appendChunk.bind(store.blobs);
  store.blobs.appendChunk = ((sha: string, offset: number, chunk: Uint8Array, total: number) => {
    const complete = appendChunk(sha, offset, chunk, total);
    say(`STORED ${sha} ${offset + chunk.length}`);
    return complete;
  }) as typeof store.blobs.appendChunk;
}

async function main(): Promise<void> {
  const { core, session } = await launchLoggedIn(values.url!, values['data-dir']!, 'gp', { insideSignals: sayWhatMoves });
  await session.worker.nudge();

  if (values.mode === 'upload') {
    for (let k = 0; k < Number(values.writes); k += 1) {
      const bytes = randomBytes(BLOB_FAULT_BYTES);
      bytes.write('%PDF-1.7\n', 0, 'latin1');
      say(`INTENT ${sha256(bytes)} ${bytes.length}`);
      const added = await core.desk.dsp.addDocument({
        patientId: 'demo-patient',
        type: '18748-4',
        title: `${BLOB_FAULT_TITLE} r${run} d${k}`,
        confidentiality: 'N',
        contentType: 'application/pdf',
        data: bytes.toString('base64'),
      });
      if (!added.ok) throw new Error(`addDocument failed: ${JSON.stringify(added.error)}`);
      say(`ACK ${added.value.id} ${sha256(bytes)}`);
    }
    await syncUntilSettled(core, session);
  } else {
    const documents = session.store.resources
      .listByType<DocumentReference>('DocumentReference', { limit: 100_000 })
      .filter((d) => d.resource.description?.startsWith(BLOB_FAULT_TITLE))
      .sort((a, b) => a.id.localeCompare(b.id));
    for (const doc of documents) {
      const opened = await core.desk.dsp.document({ id: doc.id });
      if (!opened.ok || opened.value.data === null) throw new Error(`document ${doc.id} did not open: ${JSON.stringify(opened)}`);
      say(`OPENED ${doc.id} ${sha256(Buffer.from(opened.value.data, 'base64'))}`);
    }
  }

  await endLaunch(core, session, values.final === true);
}

runLaunch('blob-runner', main);
