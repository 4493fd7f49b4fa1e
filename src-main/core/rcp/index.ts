/**
 * Tumour boards (IdeoRCP, issue 12) on this device: the views the screens read from the cache and the
 * actions that go through the outbox.
 */
import type { Role } from '../../../src-shared/domain/roles';
import type { Store } from '../store';
import type { LocalWrites } from '../sync';
import { RcpActions } from './rcp-actions';
import { RcpRecords } from './rcp-records';
import { RcpViews } from './rcp-views';

export { minutesPdf, type MinutesContent, type MinutesLanguage } from './minutes-pdf';
export { RcpActions } from './rcp-actions';
export { RcpViews } from './rcp-views';

export class RcpBoard {
  readonly views: RcpViews;
  readonly actions: RcpActions;

  constructor(
    store: Store,
    writes: LocalWrites,
    me: () => { id: string; role: Role; name: string },
    afterWrite: () => void,
    /** A Binary's bytes (the attachment queue: from this device, or fetched through the Binary). */
    bytesOf?: (binaryId: string) => Promise<Buffer | undefined>,
  ) {
    const records = new RcpRecords(store);
    this.views = new RcpViews(records, me);
    this.actions = new RcpActions(records, writes, me, afterWrite, undefined, bytesOf);
  }
}
