import { Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

/** The landing screen: which app, shell and platform this is (the `app.info` method end to end). */
export function HomePage() {
  const { t } = useTranslation();
  const desk = useDesk();
  const info = useQuery({ queryKey: ['app.info'], queryFn: () => unwrap(desk.app.info({})) });

  return (
    <Stack maw={720}>
      <Title order={2}>{t('home.heading')}</Title>
      <Text>{t('home.intro')}</Text>
      {info.isPending && <Text aria-busy="true">{t('home.loading')}</Text>}
      {info.isError && <ApiErrorAlert error={info.error} />}
      {info.data && (
        <Table variant="vertical" withTableBorder data-testid="app-info">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={200}>{t('home.version')}</Table.Th>
              <Table.Td>{info.data.version}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('home.shell')}</Table.Th>
              <Table.Td>{info.data.shell === 'electron' ? t('home.shellElectron') : t('home.shellBrowser')}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('home.platform')}</Table.Th>
              <Table.Td>{info.data.platformUrl}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('home.profile')}</Table.Th>
              <Table.Td>{t(`home.profileState.${info.data.profileState}`)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
