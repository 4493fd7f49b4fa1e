import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useDesk } from '../../api/DeskContext';
import { NewItemsNotice } from '../../components/NewItemsNotice';

/** A short in-app notice when new mail arrives (the mailbox badge keeps the count). */
export function NewMailNotice() {
  const { t } = useTranslation();
  const desk = useDesk();
  const subscribe = useCallback(
    (onNew: (count: number) => void) => desk.on('mailbox.changed', ({ newMessages }) => onNew(newMessages)),
    [desk],
  );
  return (
    <NewItemsNotice
      subscribe={subscribe}
      title={t('mailbox.title')}
      message={(count) => t('mailbox.newMail', { count })}
      route="/mailbox"
      bottom={20}
    />
  );
}
