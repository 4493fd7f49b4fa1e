import { Alert, Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MessageSummary } from '../../../src-shared/api';

/** A verified signature is a quiet badge; anything else is a visible warning, never hidden. */
export function SignatureNotice({ signature, compact = false }: { signature: MessageSummary['signature']; compact?: boolean }) {
  const { t } = useTranslation();
  if (signature === 'valid' || signature === 'own') {
    return compact ? null : (
      <Badge color={signature === 'valid' ? 'teal' : 'gray'} variant="light">
        {t(`mailbox.signature.${signature}`)}
      </Badge>
    );
  }
  if (compact)
    return (
      <Badge color="red" variant="filled" title={t(`mailbox.signature.${signature}`)}>
        !
      </Badge>
    );
  return (
    <Alert color="red" role="alert" data-testid="signature-warning">
      {t(`mailbox.signature.${signature}`)}
    </Alert>
  );
}
