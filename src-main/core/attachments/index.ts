export {
  AttachmentQueue,
  binaryIdOf,
  DEFAULT_BLOB_BUDGET_BYTES,
  type AttachmentQueueOptions,
  type TransferProgress,
} from './attachment-queue';
