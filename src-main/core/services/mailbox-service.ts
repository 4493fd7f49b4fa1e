import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

export function createMailboxService(sessions: SessionManager): DomainHandlers<'mailbox'> {
  const mailbox = () => sessions.require().mailbox;
  return {
    keyInfo: () => mailbox().keyInfo(),
    rotateKey: async () => ({ fingerprint: await mailbox().rotateKey() }),
    list: ({ folder, query }) => mailbox().list(folder, query),
    counts: () => mailbox().counts(),
    open: ({ id }) => mailbox().open(id),
    send: (input) =>
      mailbox()
        .send(input)
        .then((id) => ({ id })),
    saveDraft: (input) => ({ id: mailbox().saveDraft(input) }),
    archive: ({ id }) => {
      mailbox().archive(id);
      return { id };
    },
    attachment: ({ id, index }) => mailbox().attachment(id, index),
    searchRecipients: ({ text }) => mailbox().searchRecipients(text),
  };
}
