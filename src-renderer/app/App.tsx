import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import type { ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { i18n } from 'i18next';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { createHashRouter, RouterProvider } from 'react-router-dom';
import type { DeskApi } from '../../src-shared/api/desk-bridge';
import { DeskProvider } from '../api/DeskContext';
import { DirectoryPage } from '../features/directory/DirectoryPage';
import { DspPage } from '../features/dsp/DspPage';
import { PatientsPage } from '../features/dsp/PatientsPage';
import { LibraryPage } from '../features/library/LibraryPage';
import { SpacesPage } from '../features/spaces/SpacesPage';
import { MailboxPage } from '../features/mailbox/MailboxPage';
import { HomePage } from '../features/home/HomePage';
import { ConflictsPage } from '../features/sync/ConflictsPage';
import { CarePatientsPage } from '../features/care/CarePatientsPage';
import { HandoverPage } from '../features/care/HandoverPage';
import { MedicationRoundPage } from '../features/care/MedicationRoundPage';
import { PatientChartPage } from '../features/care/PatientChartPage';
import { TourPage } from '../features/care/TourPage';
import { SimulatorPage } from '../features/simulator/SimulatorPage';
import { RcpMeetingPage } from '../features/rcp/RcpMeetingPage';
import { RcpMeetingsPage } from '../features/rcp/RcpMeetingsPage';
import { AppFrame } from './AppFrame';
import { cssVariablesResolver, theme } from './theme';

/** Mantine's date components follow the interface language (month names, first day of the week). */
function LocalisedDates({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return <DatesProvider settings={{ locale: i18n.language, firstDayOfWeek: 1 }}>{children}</DatesProvider>;
}

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
        { path: 'spaces', element: <SpacesPage /> },
        { path: 'library', element: <LibraryPage /> },
        { path: 'conflicts', element: <ConflictsPage /> },
        { path: 'care', element: <CarePatientsPage /> },
        { path: 'care/patients/:patientId', element: <PatientChartPage /> },
        { path: 'care/round', element: <MedicationRoundPage /> },
        { path: 'care/tour', element: <TourPage /> },
        { path: 'care/handover', element: <HandoverPage /> },
        { path: 'rcp', element: <RcpMeetingsPage /> },
        { path: 'rcp/meetings/:meetingId', element: <RcpMeetingPage /> },
        { path: 'simulator', element: <SimulatorPage /> },
      ],
    },
  ]);
}

export function App({ desk, i18n, queryClient = new QueryClient() }: { desk: DeskApi; i18n: i18n; queryClient?: QueryClient }) {
  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <LocalisedDates>
          <QueryClientProvider client={queryClient}>
            <DeskProvider desk={desk}>
              <RouterProvider router={createAppRouter()} />
            </DeskProvider>
          </QueryClientProvider>
        </LocalisedDates>
      </MantineProvider>
    </I18nextProvider>
  );
}
