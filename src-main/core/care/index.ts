import type { AttachmentQueue } from '../attachments';
import { binaryIdOf } from '../attachments';
import type { Store } from '../store';
import { photoOnDevice } from './care-chart';
import type { LocalWrites, SyncEngine } from '../sync';
import { CareChartReader } from './care-chart';
import { CareDocumentation } from './care-documentation';
import { DoseConflicts } from './dose-conflicts';
import { MedicationRound } from './medication-round';
import { RoundPreparation, binaryFetcher, type AttachmentFetcher } from './round-preparation';

export { fetchPatientIdentities } from './care-names';
export type { AttachmentFetcher } from './round-preparation';

/** One profile's care records (IdeoMed): what the screens read, what nurses write, the round and its preparation. */
export class CareRecords {
  readonly documentation: CareDocumentation;
  readonly medication: MedicationRound;
  readonly chart: CareChartReader;
  readonly preparation: RoundPreparation;
  readonly doseConflicts: DoseConflicts;
  private readonly attachments: AttachmentQueue | undefined;

  constructor(
    private readonly store: Store,
    writes: LocalWrites,
    engine: () => SyncEngine,
    me: () => string,
    options: { now?: () => Date; fetchAttachment?: AttachmentFetcher; attachments?: AttachmentQueue } = {},
  ) {
    const now = options.now ?? (() => new Date());
    this.attachments = options.attachments;
    this.documentation = new CareDocumentation(store, writes, me, now, options.attachments);
    this.medication = new MedicationRound(store, writes, me, now);
    this.chart = new CareChartReader(store, this.medication, now);
    this.preparation = new RoundPreparation(store, options.fetchAttachment ?? binaryFetcher(store, options.attachments), now);
    this.doseConflicts = new DoseConflicts(store, engine, writes);
  }

  /** A wound photo's bytes (base64): from this device, or brought back by the attachment queue; null offline. */
  async photo(reference: string): Promise<{ contentType: string; data: string } | null> {
    const binaryId = binaryIdOf(reference);
    const bytes = photoOnDevice(this.store, reference) ?? (binaryId ? await this.attachments?.bytesOf(binaryId) : undefined);
    const binary = this.store.resources.get<{ resourceType: 'Binary'; contentType?: string }>(
      'Binary',
      reference.slice('Binary/'.length),
    );
    return bytes
      ? { contentType: binary?.resource.contentType ?? 'application/octet-stream', data: bytes.toString('base64') }
      : null;
  }
}
