import type { Migration } from '../migration';

/**
 * The fingerprint of the key that signed each message, so the mailbox can show it beside the sender's
 * name (issue 9: a name alone can be imitated; the fingerprint can be compared out of band). Messages
 * opened before this step have none recorded and show none.
 */
export const addMessageSigner: Migration = {
  version: 110,
  name: '0110-add-message-signer',
  up(db) {
    db.exec('ALTER TABLE messages ADD COLUMN signer_fingerprint TEXT');
  },
};
