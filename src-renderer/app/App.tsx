import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { i18n } from 'i18next';
import { I18nextProvider } from 'react-i18next';
import { createHashRouter, RouterProvider } from 'react-router-dom';
import type { DeskApi } from '../../src-shared/api/desk-bridge';
import { DeskProvider } from '../api/DeskContext';
import { DirectoryPage } from '../features/directory/DirectoryPage';
import { DspPage } from '../features/dsp/DspPage';
import { PatientsPage } from '../features/dsp/PatientsPage';
import { MailboxPage } from '../features/mailbox/MailboxPage';
import { HomePage } from '../features/home/HomePage';
import { ConflictsPage } from '../features/sync/ConflictsPage';
import { SimulatorPage } from '../features/simulator/SimulatorPage';
import { AppFrame } from './AppFrame';
import { cssVariablesResolver, theme } from './theme';

/** Hash routing, so the same build works from file:// (Electron) and from the browser shell. */
export function createAppRouter() {
  return createHashRouter([
    {
      path: '/',
      element: <AppFrame />,
      children: [
        { index: true, element: <HomePage /> },
        { path: 'patients', element: <PatientsPage /> },
        { path: 'patients/:patientId', element: <DspPage /> },
        { path: 'directory', element: <DirectoryPage /> },
        { path: 'mailbox', element: <MailboxPage /> },
        { path: 'conflicts', element: <ConflictsPage /> },
        { path: 'simulator', element: <SimulatorPage /> },
      ],
    },
  ]);
}

export function App({ desk, i18n, queryClient = new QueryClient() }: { desk: DeskApi; i18n: i18n; queryClient?: QueryClient }) {
  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <QueryClientProvider client={queryClient}>
          <DeskProvider desk={desk}>
            <RouterProvider router={createAppRouter()} />
          </DeskProvider>
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  );
}
