import type { Migration } from '../migration';
import { createResources } from './0010-create-resources';
import { createOutbox } from './0020-create-outbox';
import { createQuarantine } from './0030-create-quarantine';
import { createSyncState } from './0040-create-sync-state';
import { createBlobs } from './0050-create-blobs';
import { createSearchIndex } from './0060-create-search-index';
import { createDirectoryProjections } from './0070-create-directory-projections';
import { createMailbox } from './0080-create-mailbox';
import { createDspDocuments } from './0090-create-dsp-documents';
import { createRecentPatients } from './0100-create-recent-patients';
import { addMessageSigner } from './0110-add-message-signer';
import { createDspPatientList } from './0120-create-dsp-patient-list';
import { addDspTimelineColumns } from './0130-add-dsp-timeline-columns';
import { createAttachmentQueue } from './0140-create-attachment-queue';
import { createCareIndex } from './0150-create-care-index';
import { createRcpIndex } from './0160-create-rcp-index';
import { createLibraryCache } from './0170-create-library-cache';
import { createSpaceContent } from './0175-create-space-content';
import { orderDspAccess } from './0190-order-dsp-access';
import { settleCareIndex } from './0220-settle-care-index';

/** Every migration, in order. Listed statically so bundlers keep them; add new files at the end. */
export const MIGRATIONS: readonly Migration[] = [
  createResources,
  createOutbox,
  createQuarantine,
  createSyncState,
  createBlobs,
  createSearchIndex,
  createDirectoryProjections,
  createMailbox,
  createDspDocuments,
  createRecentPatients,
  addMessageSigner,
  createDspPatientList,
  addDspTimelineColumns,
  createAttachmentQueue,
  createCareIndex,
  createRcpIndex,
  createLibraryCache,
  createSpaceContent,
  orderDspAccess,
  settleCareIndex,
];
