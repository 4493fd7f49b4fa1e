export { SyncEngine, CHANGES_CURSOR_KEY, type PullReport, type PushReport, type SyncProgress } from './sync-engine';
export { SyncWorker, type SyncWorkerState, type Connectivity, type SyncWorkerOptions } from './sync-worker';
export { LocalWrites } from './local-writes';
