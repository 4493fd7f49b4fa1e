import { Affix, Notification } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useDesk } from '../../api/DeskContext';

/** A short in-app notice when new mail arrives (the mailbox badge keeps the count). */
export function NewMailNotice() {
  const { t } = useTranslation();
  const desk = useDesk();
  const navigate = useNavigate();
  const [count, setCount] = useState(0);
  useEffect(
    () =>
      desk.on('mailbox.changed', ({ newMessages }) => {
        if (newMessages > 0) setCount((c) => c + newMessages);
      }),
    [desk],
  );
  useEffect(() => {
    if (count === 0) return;
    const timer = setTimeout(() => setCount(0), 10_000);
    return () => clearTimeout(timer);
  }, [count]);
  if (count === 0) return null;
  return (
    <Affix position={{ bottom: 20, right: 20 }}>
      <Notification
        title={t('mailbox.title')}
        onClose={() => setCount(0)}
        closeButtonProps={{ 'aria-label': t('app.close') }}
        onClick={() => {
          setCount(0);
          navigate('/mailbox');
        }}
        role="status"
        style={{ cursor: 'pointer' }}
      >
        {t('mailbox.newMail', { count })}
      </Notification>
    </Affix>
  );
}
