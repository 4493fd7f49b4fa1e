import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MessageSummary } from '../../../src-shared/api';

/** 40 hex digits in groups of four, as GnuPG prints them, so two people can read them out to each other. */
export function groupFingerprint(fingerprint: string): string {
  return fingerprint.match(/.{1,4}/g)?.join(' ') ?? fingerprint;
}

/**
 * Who sent a message, beside the name the directory gives: a name anyone can imitate, so the directory's
 * identifier and the fingerprint of the key that signed are shown with it (issue 9).
 */
export function SenderIdentity({ message }: { message: Pick<MessageSummary, 'sender' | 'signerFingerprint'> }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm" data-testid="sender-identity">
        <b>{t('mailbox.from')} :</b> {message.sender.name}{' '}
        <Text span size="sm" c="dimmed" data-testid="sender-identifier">
          ({t('mailbox.senderIdentifier', { identifier: message.sender.identifier })})
        </Text>
      </Text>
      <Text size="xs" c="dimmed" data-testid="signer-fingerprint">
        {message.signerFingerprint
          ? t('mailbox.signerFingerprint', { fingerprint: groupFingerprint(message.signerFingerprint) })
          : t('mailbox.noSignerFingerprint')}
      </Text>
    </>
  );
}
