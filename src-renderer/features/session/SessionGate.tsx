import { Card, Center, Loader, Tabs, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { LoginForm } from './LoginForm';
import { UnlockForm } from './UnlockForm';

export const SESSION_QUERY = ['session.status'];

/** Shows its children only while a profile is unlocked; otherwise the login and unlock forms. */
export function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const desk = useDesk();
  useInvalidateOn(['session.changed'], [SESSION_QUERY, ['session.profiles']]);
  const status = useQuery({ queryKey: SESSION_QUERY, queryFn: () => unwrap(desk.session.status({})) });
  const profiles = useQuery({ queryKey: ['session.profiles'], queryFn: () => unwrap(desk.session.profiles({})) });

  if (status.isPending) return <Loader aria-label={t('app.loading')} />;
  if (status.isError) return <ApiErrorAlert error={status.error} />;
  if (status.data.state === 'unlocked') return <>{children}</>;

  const known = profiles.data ?? [];
  return (
    <Center>
      <Card withBorder maw={520} w="100%" padding="lg">
        <Tabs defaultValue={known.length > 0 ? 'unlock' : 'login'} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="login">
              <Title order={2} size="h5">
                {t('session.loginTitle')}
              </Title>
            </Tabs.Tab>
            {known.length > 0 && (
              <Tabs.Tab value="unlock">
                <Title order={2} size="h5">
                  {t('session.unlockTitle')}
                </Title>
              </Tabs.Tab>
            )}
          </Tabs.List>
          <Tabs.Panel value="login">
            <LoginForm />
          </Tabs.Panel>
          {known.length > 0 && (
            <Tabs.Panel value="unlock">
              <UnlockForm profiles={known} canRemember={status.data.canRemember} />
            </Tabs.Panel>
          )}
        </Tabs>
      </Card>
    </Center>
  );
}
