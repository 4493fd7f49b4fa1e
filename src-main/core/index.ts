import { join } from 'node:path';
import { createDeskMethods } from '../../src-shared/api/desk-bridge';
import type { DeskMethods } from '../../src-shared/api';
import { ProfileDirectory, type IdleClock } from './profiles';
import { createAppService } from './services/app-service';
import { createDirectoryService } from './services/directory-service';
import { createCareService } from './services/care-service';
import { createRcpService } from './services/rcp-service';
import { createDspService } from './services/dsp-service';
import { createMailboxService } from './services/mailbox-service';
import { createLibraryService } from './services/library-service';
import { createSpacesService } from './services/spaces-service';
import { EventBus } from './services/events';
import { ApiRegistry } from './services/registry';
import { createSessionService } from './services/session-service';
import { createSettingsService } from './services/settings-service';
import { createSimulatorService } from './services/simulator-service';
import { ColleagueSimulator } from './simulator/colleague-simulator';
import { PatientSimulator } from './simulator/patient-simulator';
import { createSyncService } from './services/sync-service';
import { SessionManager } from './session/session-manager';
import type { KeyProtector } from './keys';
import type { SettingsStore } from './settings';

export interface CoreOptions {
  version: string;
  shell: 'electron' | 'browser';
  /** Base URL of the platform's FHIR endpoint (embedded or remote). */
  platformUrl: string;
  /** The platform was started by this app (the patient and colleague simulators run only then). */
  embeddedPlatform?: boolean;
  /** Where profiles and their encrypted caches live. */
  dataDir: string;
  settings: SettingsStore;
  /** SQLite binding built for Electron's ABI (ignored under Node). */
  nativeBinding?: string;
  /** Tests: faster key derivation and sync timers. */
  scrypt?: { N: number; r: number; p: number };
  syncPeriodMs?: number;
  /** Watchdog on every platform request (default 20 s). */
  requestTimeoutMs?: number;
  /** The OS keychain for "remember on this device" (Electron's safeStorage). */
  keyProtector?: KeyProtector;
  /** Time for auto-lock and the unlock-attempt delays (tests pass a manual clock). */
  clock?: IdleClock;
}

export interface Core {
  registry: ApiRegistry;
  /** The same typed methods the renderer gets, called in-process (tests, scripts). */
  desk: DeskMethods;
  events: EventBus;
  sessions: SessionManager;
  close(): Promise<void>;
}

/** The client core: everything the UI can ask for, independent of Electron (ARCHITECTURE §2). */
export function createCore(options: CoreOptions): Core {
  const events = new EventBus();
  const profiles = new ProfileDirectory({
    dataDir: join(options.dataDir, 'profiles-data'),
    autoLockMs: options.settings.read().autoLockMinutes * 60_000,
    // Called only after unlock, by which time `sessions` below exists.
    onLocked: (profileId) => sessions.handleAutoLock(profileId),
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    ...(options.scrypt === undefined ? {} : { scrypt: options.scrypt }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const sessions = new SessionManager(
    profiles,
    options.platformUrl,
    events,
    {
      ...(options.syncPeriodMs === undefined ? {} : { syncPeriodMs: options.syncPeriodMs }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      blobBudgetBytes: () => options.settings.read().attachmentCacheMegabytes * 1024 * 1024,
      // Like the patient simulator, the demo colleagues act only on the platform this app started.
      ...(options.embeddedPlatform ? { colleagues: new ColleagueSimulator(options.platformUrl, true) } : {}),
    },
    options.keyProtector,
  );
  const registry = new ApiRegistry({
    app: createAppService({
      version: options.version,
      shell: options.shell,
      platformUrl: () => options.platformUrl,
      profileState: () => sessions.status().state,
      embeddedPlatform: options.embeddedPlatform ?? false,
    }),
    settings: createSettingsService(options.settings),
    session: createSessionService(sessions),
    sync: createSyncService(sessions),
    directory: createDirectoryService(sessions),
    mailbox: createMailboxService(sessions),
    dsp: createDspService(sessions),
    library: createLibraryService(sessions),
    spaces: createSpacesService(sessions),
    simulator: createSimulatorService(new PatientSimulator(options.platformUrl, options.embeddedPlatform ?? false)),
    care: createCareService(sessions, events),
    rcp: createRcpService(sessions, events, options.settings),
  });
  return {
    registry,
    desk: createDeskMethods((name, input) => registry.call(name, input)),
    events,
    sessions,
    close: () => sessions.close(),
  };
}
