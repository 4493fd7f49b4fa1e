export {
  PlatformClient,
  type PlatformClientOptions,
  type PlatformSession,
  type PlatformUser,
  type ChangesPage,
  type WriteResult,
  type BatchWrite,
  type BatchEntryOutcome,
} from './platform-client';
export { PlatformError, failureFromResponse, toDeskError, deskErrorCodeOf, type PlatformFailure } from './platform-error';
