import { Affix, Notification } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useDesk } from '../../api/DeskContext';

/** A short in-app notice when new posts or files arrive in the user's spaces (the Espaces badge keeps the count). */
export function NewPostsNotice() {
  const { t } = useTranslation();
  const desk = useDesk();
  const navigate = useNavigate();
  const [count, setCount] = useState(0);
  useEffect(
    () =>
      desk.on('spaces.changed', ({ newPosts }) => {
        if (newPosts > 0) setCount((c) => c + newPosts);
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
    <Affix position={{ bottom: 90, right: 20 }}>
      <Notification
        title={t('spaces.title')}
        onClose={() => setCount(0)}
        closeButtonProps={{ 'aria-label': t('app.close') }}
        onClick={() => {
          setCount(0);
          navigate('/spaces');
        }}
        role="status"
        style={{ cursor: 'pointer' }}
        data-testid="new-posts-notice"
      >
        {t('spaces.newPosts', { count })}
      </Notification>
    </Affix>
  );
}
