import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

export function createLibraryService(sessions: SessionManager): DomainHandlers<'library'> {
  const library = () => sessions.require().library;
  return {
    search: (input) => library().search(input),
    open: ({ id, lang }) => library().open(id, lang),
    pin: ({ id, pinned }) => library().pin(id, pinned),
  };
}
