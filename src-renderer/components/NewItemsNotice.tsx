import { Affix, Notification } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

interface NewItemsNoticeProps {
  /** Subscribes to the feature's event with a callback given how many new items arrived; returns the unsubscribe. */
  subscribe: (onNew: (count: number) => void) => () => void;
  title: string;
  message: (count: number) => string;
  /** Where a click on the notice leads. */
  route: string;
  /** Distance from the bottom edge, so two notices stack instead of covering each other. */
  bottom: number;
  testId?: string;
}

/**
 * A short in-app notice when new items arrive (new mail, new posts): counts them, closes itself after ten
 * seconds, and leads to the feature on click. The feature's badge keeps the lasting count.
 */
export function NewItemsNotice({ subscribe, title, message, route, bottom, testId }: NewItemsNoticeProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [count, setCount] = useState(0);
  useEffect(
    () =>
      subscribe((arrived) => {
        if (arrived > 0) setCount((c) => c + arrived);
      }),
    [subscribe],
  );
  useEffect(() => {
    if (count === 0) return;
    const timer = setTimeout(() => setCount(0), 10_000);
    return () => clearTimeout(timer);
  }, [count]);
  if (count === 0) return null;
  return (
    <Affix position={{ bottom, right: 20 }}>
      <Notification
        title={title}
        onClose={() => setCount(0)}
        closeButtonProps={{ 'aria-label': t('app.close') }}
        onClick={() => {
          setCount(0);
          navigate(route);
        }}
        role="status"
        style={{ cursor: 'pointer' }}
        data-testid={testId}
      >
        {message(count)}
      </Notification>
    </Affix>
  );
}
