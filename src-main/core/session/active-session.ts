import { DeskError } from '../../../src-shared/domain/errors';
import type { UnlockedProfile } from '../profiles';
import { PlatformClient, type PlatformSession } from '../platform-client';
import { AttachmentQueue } from '../attachments';
import { CareRecords, fetchPatientIdentities } from '../care';
import { DspRecords } from '../dsp/dsp-records';
import { LibraryCatalogue } from '../library/library-catalogue';
import { Spaces } from '../spaces/spaces';
import { RcpBoard } from '../rcp';
import { Mailbox } from '../messaging/mailbox';
import { forgetParsedKeys } from '../messaging/pgp';
import { LocalWrites, SyncEngine, SyncWorker, type SyncWorkerState } from '../sync';
import type { EventBus } from '../services/events';
import type { ColleagueSimulator } from '../simulator/colleague-simulator';

/** Where the platform tokens live: inside the encrypted cache, never in settings or logs. */
const PLATFORM_SESSION_KEY = 'platform.session';

export interface ActiveSessionOptions {
  syncPeriodMs?: number;
  requestTimeoutMs?: number;
  /** Demo colleagues on the embedded platform: they write and answer just before each pull. */
  colleagues?: ColleagueSimulator;
  /** The byte budget of the attachment cache (read at each use: the setting may change). */
  blobBudgetBytes?: () => number;
}

/**
 * Everything that lives while one profile is unlocked: its cache, its platform client, its one sync
 * worker and the local-write path that nudges it.
 */
export class ActiveSession {
  readonly client: PlatformClient;
  readonly engine: SyncEngine;
  readonly worker: SyncWorker;
  readonly writes: LocalWrites;
  readonly attachments: AttachmentQueue;
  readonly mailbox: Mailbox;
  readonly dsp: DspRecords;
  readonly library: LibraryCatalogue;
  readonly spaces: Spaces;
  readonly care: CareRecords;
  readonly rcp: RcpBoard;
  private readonly colleagues: ColleagueSimulator | undefined;

  constructor(
    readonly unlocked: UnlockedProfile,
    platformUrl: string,
    events: EventBus,
    options: ActiveSessionOptions = {},
  ) {
    const store = unlocked.store;
    this.colleagues = options.colleagues;
    this.client = new PlatformClient({
      fhirBaseUrl: platformUrl,
      timeoutMs: options.requestTimeoutMs ?? 20_000,
      onSessionChanged: (session) => {
        // Rotated refresh tokens must survive a restart, or the next offline unlock could not sync.
        if (!store.isOpen) return;
        if (session) store.syncState.set(PLATFORM_SESSION_KEY, JSON.stringify(session));
        else store.syncState.delete(PLATFORM_SESSION_KEY);
      },
    });
    const stored = store.syncState.get(PLATFORM_SESSION_KEY);
    if (stored) this.client.restoreSession(JSON.parse(stored) as PlatformSession);
    this.attachments = new AttachmentQueue(store, this.client, {
      ...(options.blobBudgetBytes ? { budgetBytes: options.blobBudgetBytes } : {}),
      onProgress: (progress) => events.emit('attachments.progress', progress),
    });
    this.engine = new SyncEngine(store, this.client, (progress) => {
      this.worker.reportProgress(progress);
      events.emit('sync.progress', { phase: progress.phase, done: progress.done, total: progress.total });
    });
    this.mailbox = new Mailbox(store, this.client, () => void this.worker.nudge(), undefined, this.attachments);
    this.library = new LibraryCatalogue(store, this.client);
    this.spaces = new Spaces(
      store,
      this.client,
      this.mailbox.directory,
      () => void this.worker.nudge(),
      undefined,
      this.attachments,
    );
    // After each pull, new mail is opened into the cache and announced.
    const steps = {
      // Blobs first: an outbox operation that names one waits until its upload completed.
      push: async () => {
        await this.attachments.uploadPending();
        return this.engine.push();
      },
      pull: async () => {
        // Before the pull, so what the colleagues send (once our key is published) arrives in this sync.
        await this.colleagues?.round(this.client.user);
        const report = await this.engine.pull();
        const named = await this.dsp.completePatientNames(this.client);
        const arrived = await this.mailbox.processIncoming();
        // Spaces lost are purged, new posts and files decrypted into the cache.
        const spaces = await this.spaces.processIncoming();
        if (spaces.arrived > 0 || spaces.purged > 0 || report.applied > 0)
          events.emit('spaces.changed', { newPosts: spaces.arrived });
        if (arrived > 0 || report.applied > 0) events.emit('mailbox.changed', { newMessages: arrived });
        if (report.applied > 0 || named > 0) events.emit('dsp.changed', {});
        // Care records name their patient; the feed may not bring the Patient itself (no DSP right): ask the directory.
        const careUnnamed = store.care.patientIds().filter((id) => !store.resources.get('Patient', id));
        const careNamed = careUnnamed.length > 0 ? await fetchPatientIdentities(store, this.client, careUnnamed) : 0;
        if (report.applied > 0 || careNamed > 0) events.emit('care.changed', {});
        if (report.applied > 0) events.emit('rcp.changed', {});
        return report;
      },
    };
    this.worker = new SyncWorker(steps, {
      ...(options.syncPeriodMs === undefined ? {} : { periodMs: options.syncPeriodMs }),
      onChange: () => events.emit('sync.changed', {}),
    });
    this.writes = new LocalWrites(store, () => void this.worker.nudge());
    this.dsp = new DspRecords(store, this.writes, this.attachments, () => {
      const user = this.client.user;
      if (!user) throw new DeskError('unauthenticated', 'log in once online to write to a DSP');
      return user.id;
    });
    this.care = new CareRecords(
      store,
      this.writes,
      () => this.engine,
      () => {
        const user = this.client.user;
        if (!user) throw new DeskError('unauthenticated', 'log in once online to write care records');
        return user.id;
      },
      { attachments: this.attachments },
    );
    this.rcp = new RcpBoard(
      store,
      this.writes,
      () => {
        const user = this.client.user;
        if (!user) throw new DeskError('unauthenticated', 'log in once online to work at a tumour board');
        return user;
      },
      () => void this.worker.nudge(),
      (binaryId) => this.attachments.bytesOf(binaryId),
    );
    // Requests a crash left in flight are retried with their original operation ids.
    store.outbox.requeueInflight();
  }

  get profileId(): string {
    return this.unlocked.profile.id;
  }

  get store() {
    return this.unlocked.store;
  }

  /** Takes over the tokens of a fresh login (saved in the cache through onSessionChanged). */
  adoptLogin(session: PlatformSession): Promise<void> {
    this.client.restoreSession(session);
    this.store.syncState.set(PLATFORM_SESSION_KEY, JSON.stringify(session));
    // The first login on this device creates the messaging key and publishes it.
    return this.mailbox.ensureKeyPublished();
  }

  syncState(): SyncWorkerState {
    return this.worker.status;
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.colleagues?.stop();
    forgetParsedKeys();
  }
}
