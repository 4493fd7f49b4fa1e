import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useDesk } from '../../api/DeskContext';
import { NewItemsNotice } from '../../components/NewItemsNotice';

/** A short in-app notice when new posts or files arrive in the user's spaces (the Espaces badge keeps the count). */
export function NewPostsNotice() {
  const { t } = useTranslation();
  const desk = useDesk();
  const subscribe = useCallback(
    (onNew: (count: number) => void) => desk.on('spaces.changed', ({ newPosts }) => onNew(newPosts)),
    [desk],
  );
  return (
    <NewItemsNotice
      subscribe={subscribe}
      title={t('spaces.title')}
      message={(count) => t('spaces.newPosts', { count })}
      route="/spaces"
      bottom={90}
      testId="new-posts-notice"
    />
  );
}
