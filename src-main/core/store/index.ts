export { Store, openStore, createStore, type StoreOptions, type IntegrityReport } from './store';
export type { Migration } from './migration';
export { MIGRATIONS } from './migrations/index';
export type { CachedResource, UpsertOutcome } from './resource-repository';
export type { FhirResourceLike, PatientRow, PractitionerRow } from './resource-extracts';
export { dspDocumentRowOf, patientDisplayName } from './resource-extracts';
export type { DspTimelineRow } from './dsp-document-index';
export type { NewOutboxOp, OutboxOp, OutboxMethod, OutboxStatus } from './outbox-repository';
export type { NewQuarantineEntry, QuarantineEntry } from './quarantine-repository';
export { writeFileDurably } from './durable-file';
export type {
  StoredMessage,
  MailFolder,
  MailParty,
  AttachmentMeta,
  DeliveryEntry,
  SignatureCheck,
  StoredKeyPair,
} from './mailbox-repository';
export type { BlobState, BlobPinReason } from './blob-repository';
export { sha256Of } from './blob-repository';
export type { SpaceContentRow } from './space-repository';
export type { BlobUpload } from './blob-upload-repository';
