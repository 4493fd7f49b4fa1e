import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

export function createSessionService(sessions: SessionManager): DomainHandlers<'session'> {
  return {
    profiles: () => sessions.listProfiles(),
    status: () => sessions.status(),
    login: (input) => sessions.login(input),
    unlock: (input) => sessions.unlock(input.profileId, input.passphrase, input.remember ?? false),
    unlockRemembered: ({ profileId }) => sessions.unlockRemembered(profileId),
    forget: ({ profileId }) => sessions.forget(profileId),
    lock: () => sessions.lock(),
    changePassphrase: ({ current, next }) => sessions.changePassphrase(current, next),
  };
}
