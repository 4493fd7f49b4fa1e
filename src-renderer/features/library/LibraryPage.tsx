import { Alert, Badge, Button, Card, Chip, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryDocumentSummary } from '../../../src-shared/api';
import { LIBRARY_LANGUAGES, LIBRARY_THEMES, type LibraryLanguage, type LibraryTheme } from '../../../src-shared/domain/library';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate } from '../../i18n/dates';
import { PdfView } from '../dsp/PdfView';

function languageOf(code: string): LibraryLanguage {
  const short = code.slice(0, 2) as LibraryLanguage;
  return LIBRARY_LANGUAGES.includes(short) ? short : 'fr';
}

/** One document of the library, with what a reader must know: superseded, on this device, pinned. */
function DocumentCard({
  document,
  onOpen,
  onPin,
}: {
  document: LibraryDocumentSummary;
  onOpen: (id: string) => void;
  onPin: (id: string, pinned: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder padding="sm" data-testid="library-document" component="article" aria-labelledby={`lib-${document.id}`}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Title order={3} size="h5" id={`lib-${document.id}`}>
            {document.title}
          </Title>
          <Text size="sm">{document.summary}</Text>
          <Group gap="xs">
            {document.theme && <Badge variant="light">{t(`library.themes.${document.theme}`)}</Badge>}
            {document.date && (
              <Text size="xs" c="dimmed">
                {t('library.edition', { version: document.version ?? '—', date: formatDate(document.date, i18n.language) })}
              </Text>
            )}
            {document.superseded && <Badge color="orange">{t('library.superseded')}</Badge>}
            {document.onDevice && (
              <Badge color="teal" variant="outline">
                {t('library.onDevice')}
              </Badge>
            )}
          </Group>
          {document.replacedBy && (
            <Button variant="subtle" size="compact-xs" onClick={() => onOpen(document.replacedBy!)}>
              {t('library.openReplacement')}
            </Button>
          )}
        </Stack>
        <Stack gap={4}>
          <Button size="compact-sm" onClick={() => onOpen(document.id)}>
            {t('library.open')}
          </Button>
          <Button
            size="compact-sm"
            variant="default"
            onClick={() => onPin(document.id, !document.pinned)}
            aria-pressed={document.pinned}
          >
            {document.pinned ? t('library.unpin') : t('library.pin')}
          </Button>
        </Stack>
      </Group>
    </Card>
  );
}

/** The public document library: by theme, full-text search, the pdf.js viewer; opened documents read offline. */
export function LibraryPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const lang = languageOf(i18n.language);
  const [draft, setDraft] = useState('');
  const [text, setText] = useState('');
  const [theme, setTheme] = useState<LibraryTheme | null>(null);
  const [superseded, setSuperseded] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const search = useQuery({
    queryKey: ['library.search', text, theme, lang, superseded],
    queryFn: () =>
      unwrap(
        desk.library.search({ lang, includeSuperseded: superseded, ...(text ? { text } : {}), ...(theme ? { theme } : {}) }),
      ),
  });
  const opened = useQuery({
    queryKey: ['library.open', openId, lang],
    queryFn: () => unwrap(desk.library.open({ id: openId!, lang })),
    enabled: openId !== null,
  });
  const pin = useMutation({
    mutationFn: ({ id, pinned }: { id: string; pinned: boolean }) => unwrap(desk.library.pin({ id, pinned })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['library.search'] }),
  });
  const open = (id: string) => {
    setOpenId(id);
    // Opening keeps the document on this device: the list shows it once it is here.
    void queryClient.invalidateQueries({ queryKey: ['library.search'] });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setText(draft.trim());
  };

  return (
    <Stack>
      <Title order={2}>{t('library.title')}</Title>
      <Text size="sm">{t('library.intro')}</Text>
      <form onSubmit={submit} role="search" aria-label={t('library.search')}>
        <Group align="flex-end">
          <TextInput
            label={t('library.searchLabel')}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button type="submit">{t('library.search')}</Button>
        </Group>
      </form>
      <Group gap="xs" role="group" aria-label={t('library.themesLabel')}>
        <Chip checked={theme === null} onChange={() => setTheme(null)}>
          {t('library.allThemes')}
        </Chip>
        {LIBRARY_THEMES.map((code) => (
          <Chip key={code} checked={theme === code} onChange={() => setTheme(theme === code ? null : code)}>
            {t(`library.themes.${code}`)}
          </Chip>
        ))}
        <Chip checked={superseded} onChange={setSuperseded} color="orange">
          {t('library.showSuperseded')}
        </Chip>
      </Group>
      {search.isError && <ApiErrorAlert error={search.error} />}
      {pin.isError && <ApiErrorAlert error={pin.error} />}
      {search.data?.offline && (
        <Alert color="yellow" data-testid="library-offline">
          {t('library.offline')}
        </Alert>
      )}
      {openId && (
        <Card withBorder padding="md" data-testid="library-viewer" component="section" aria-label={t('library.viewer')}>
          <Group justify="space-between" mb="sm">
            <Title order={3} size="h4">
              {opened.data?.document.title ?? t('app.loading')}
            </Title>
            <Button variant="default" size="compact-sm" onClick={() => setOpenId(null)}>
              {t('app.close')}
            </Button>
          </Group>
          {opened.isError && <ApiErrorAlert error={opened.error} />}
          {opened.data?.document.superseded && (
            <Alert color="orange" mb="sm">
              {t('library.supersededNotice')}
            </Alert>
          )}
          {opened.data && <PdfView base64={opened.data.data} />}
        </Card>
      )}
      {search.data && search.data.documents.length === 0 && <Text>{t('library.noResults')}</Text>}
      <Stack gap="xs" data-testid="library-results">
        {search.data?.documents.map((d) => (
          <DocumentCard key={d.id} document={d} onOpen={open} onPin={(id, pinned) => pin.mutate({ id, pinned })} />
        ))}
      </Stack>
    </Stack>
  );
}
