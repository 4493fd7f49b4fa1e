import { ActionIcon, Group, Kbd, Modal, Table } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { unwrap, useDesk } from '../api/DeskContext';
import type { MailboxRequest } from '../features/mailbox/MailboxPage';

/** Locks the open profile; every cached query is dropped with it. */
export function useLockSession() {
  const desk = useDesk();
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: () => unwrap(desk.session.lock({})), onSuccess: () => queryClient.invalidateQueries() });
}

type ActionName = 'findPatient' | 'newMessage' | 'syncNow' | 'lock';

/**
 * The frequent actions, on Alt+Shift+letter: free in Chromium and Electron on every platform, typed with
 * one hand, and working inside text fields too (no character is typed with Alt+Shift). Matched on the
 * physical key so that they are the same on AZERTY, QWERTZ and QWERTY keyboards.
 */
const ACTION_KEYS: Record<ActionName, string> = {
  findPatient: 'P',
  newMessage: 'N',
  syncNow: 'S',
  lock: 'L',
};

/**
 * Keyboard shortcuts for the frequent actions, and the help panel that lists them ("?" outside a text
 * field, or the "?" button in the header). Mounted only while a profile is open.
 */
export function KeyboardShortcuts() {
  const { t } = useTranslation();
  const desk = useDesk();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const lock = useLockSession();
  const [helpOpen, help] = useDisclosure(false);
  const sync = useMutation({ mutationFn: () => unwrap(desk.sync.now({})), onSuccess: () => queryClient.invalidateQueries() });

  const actions: Record<ActionName, () => void> = {
    findPatient: () => navigate('/patients', { state: { findPatient: true } }),
    newMessage: () => navigate('/mailbox', { state: { compose: { to: [] } } satisfies MailboxRequest }),
    syncNow: () => sync.mutate(),
    lock: () => lock.mutate(),
  };
  useHotkeys(
    (Object.keys(ACTION_KEYS) as ActionName[]).map((name) => [
      `alt+shift+${ACTION_KEYS[name]}`,
      actions[name],
      { usePhysicalKeys: true },
    ]),
    [],
  );
  // "?" is a character: only outside text fields, where it cannot be meant as text.
  useHotkeys([['shift+?', help.open]]);

  const keys = (letter: string) => (
    <Group gap={4} wrap="nowrap">
      <Kbd>{t('shortcuts.alt')}</Kbd>+<Kbd>{t('shortcuts.shift')}</Kbd>+<Kbd>{letter}</Kbd>
    </Group>
  );
  return (
    <>
      <ActionIcon variant="default" size="md" aria-label={t('shortcuts.open')} onClick={help.open}>
        ?
      </ActionIcon>
      <Modal
        opened={helpOpen}
        onClose={help.close}
        title={t('shortcuts.title')}
        closeButtonProps={{ 'aria-label': t('app.close') }}
      >
        <Table data-testid="shortcut-help">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('shortcuts.action')}</Table.Th>
              <Table.Th>{t('shortcuts.keys')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(Object.keys(ACTION_KEYS) as ActionName[]).map((name) => (
              <Table.Tr key={name}>
                <Table.Td>{t(`shortcuts.${name}`)}</Table.Td>
                <Table.Td>{keys(ACTION_KEYS[name])}</Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td>{t('shortcuts.help')}</Table.Td>
              <Table.Td>
                <Kbd>?</Kbd>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Modal>
    </>
  );
}
