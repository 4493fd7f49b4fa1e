import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

export function createSpacesService(sessions: SessionManager): DomainHandlers<'spaces'> {
  const spaces = () => sessions.require().spaces;
  const moved = (spaceId: string, operation: 'invite' | 'remove' | 'accept' | 'decline' | 'leave', member?: string) => {
    spaces().membership(spaceId, operation, member);
    return {};
  };
  return {
    list: () => spaces().list(),
    create: (input) => ({ id: spaces().create(input) }),
    invite: ({ spaceId, member }) => moved(spaceId, 'invite', member),
    remove: ({ spaceId, member }) => moved(spaceId, 'remove', member),
    accept: ({ spaceId }) => moved(spaceId, 'accept'),
    decline: ({ spaceId }) => moved(spaceId, 'decline'),
    leave: ({ spaceId }) => moved(spaceId, 'leave'),
    threads: ({ spaceId }) => spaces().threads(spaceId),
    thread: ({ threadId }) => spaces().thread(threadId),
    startThread: async (input) => ({ id: await spaces().startThread(input) }),
    reply: async (input) => ({ id: await spaces().reply(input) }),
    files: ({ spaceId }) => spaces().files(spaceId),
    shareFile: async (input) => ({ id: await spaces().shareFile(input) }),
    openFile: ({ fileId }) => spaces().openFile(fileId),
  };
}
