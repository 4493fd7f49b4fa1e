import {
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  Image,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CareChart } from '../../../src-shared/api/care';
import { WOUND_STAGES, type WoundStage } from '../../../src-shared/domain/care-records';
import { unwrap, useDesk } from '../../api/DeskContext';
import { formatDate } from '../../i18n/dates';
import { CareErrorAlert } from './CareErrorAlert';
import { typedNumber } from './care-queries';

type Wound = CareChart['wounds'][number];
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function WoundPhoto({ reference, site, at }: { reference: string; site: string; at: string }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const photo = useQuery({ queryKey: ['care.chart', 'photo', reference], queryFn: () => unwrap(desk.care.photo({ reference })) });
  if (photo.data === null)
    return (
      <Text size="sm" c="dimmed">
        {t('care.photoNotHere')}
      </Text>
    );
  if (!photo.data) return null;
  return (
    <Image
      src={`data:${photo.data.contentType};base64,${photo.data.data}`}
      alt={t('care.photoAlt', { site, date: formatDate(at, i18n.language) })}
      h={120}
      w="auto"
      fit="contain"
      radius="sm"
    />
  );
}

/** A new assessment of a wound (or a new wound): size in cm, stage, and a photo whose camera metadata the core removes. */
function AssessmentForm({ patientId, wound, onDone }: { patientId: string; wound: Wound | null; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const [bodySite, setBodySite] = useState('');
  const [description, setDescription] = useState('');
  const [size, setSize] = useState<{ length?: number | string; width?: number | string; depth?: number | string }>({});
  const [stage, setStage] = useState<WoundStage | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const save = useMutation({
    mutationFn: async () => {
      const photo =
        file && (file.type === 'image/jpeg' || file.type === 'image/png') && file.size <= MAX_PHOTO_BYTES
          ? { contentType: file.type as 'image/jpeg' | 'image/png', data: await base64Of(file) }
          : undefined;
      return unwrap(
        desk.care.addWoundAssessment({
          patientId,
          ...(wound ? { woundId: wound.id } : { bodySite, ...(description ? { description } : {}) }),
          ...Object.fromEntries(
            Object.entries(size).flatMap(([d, v]) => (typedNumber(v) === undefined ? [] : [[d, typedNumber(v)]])),
          ),
          ...(stage ? { stage } : {}),
          ...(photo ? { photo } : {}),
        }),
      );
    },
    onSuccess: onDone,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} data-testid="wound-form" aria-label={wound ? t('care.assess') : t('care.newWound')}>
      <Stack gap="xs">
        {!wound && (
          <Group grow>
            <TextInput
              label={t('care.bodySite')}
              value={bodySite}
              onChange={(e) => setBodySite(e.currentTarget.value)}
              required
            />
            <TextInput
              label={t('care.woundDescription')}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
          </Group>
        )}
        <SimpleGrid cols={4} spacing="xs">
          {(['length', 'width', 'depth'] as const).map((d) => (
            <NumberInput
              key={d}
              label={t(`care.${d}`)}
              hideControls
              decimalSeparator={i18n.language === 'en' ? '.' : ','}
              allowedDecimalSeparators={['.', ',']}
              value={size[d] ?? ''}
              onChange={(v) => setSize((old) => ({ ...old, [d]: v }))}
            />
          ))}
          <Select
            label={t('care.stage')}
            data={WOUND_STAGES.map((s) => ({ value: s, label: t(`care.stages.${s}`) }))}
            value={stage}
            onChange={(v) => setStage(v as WoundStage | null)}
            clearable
          />
        </SimpleGrid>
        <FileInput label={t('care.photo')} accept="image/jpeg,image/png" value={file} onChange={setFile} clearable />
        <Text size="xs" c="dimmed">
          {t('care.photoStripped')}
        </Text>
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('care.saveAssessment')}
          </Button>
        </Group>
        {save.isError && <CareErrorAlert error={save.error} />}
      </Stack>
    </form>
  );
}

/** Wounds with their assessments over time and their photo series, oldest first. */
export function WoundsPanel({ patientId, wounds }: { patientId: string; wounds: Wound[] }) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Stack gap="xs" data-testid="wounds">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('care.wounds')}
        </Title>
        <Button size="xs" variant="light" onClick={() => setEditing(editing === 'new' ? null : 'new')}>
          {t('care.newWound')}
        </Button>
      </Group>
      {editing === 'new' && <AssessmentForm patientId={patientId} wound={null} onDone={() => setEditing(null)} />}
      {wounds.length === 0 && <Text c="dimmed">{t('care.noWounds')}</Text>}
      {wounds.map((wound) => (
        <Card key={wound.id} withBorder padding="sm">
          <Group justify="space-between">
            <Text fw={600}>
              {wound.site}
              {wound.description && wound.description !== wound.site ? ` — ${wound.description}` : ''}
            </Text>
            <Button size="xs" variant="subtle" onClick={() => setEditing(editing === wound.id ? null : wound.id)}>
              {t('care.assess')}
            </Button>
          </Group>
          {editing === wound.id && <AssessmentForm patientId={patientId} wound={wound} onDone={() => setEditing(null)} />}
          <Stack gap={4} component="ol" style={{ listStyle: 'none', padding: 0 }}>
            {wound.assessments.map((a) => (
              <li key={a.id}>
                <Group gap="xs" align="flex-start">
                  <Text size="sm" fw={600}>
                    {formatDate(a.at, i18n.language)}
                  </Text>
                  <Text size="sm">
                    {[a.length, a.width, a.depth].some((v) => v !== null) &&
                      `${[a.length, a.width, a.depth].map((v) => (v === null ? '–' : String(v))).join(' × ')} cm`}
                    {a.stage && ` · ${t(`care.stages.${a.stage}`)}`}
                  </Text>
                  {a.pending && (
                    <Badge color="gray" variant="light">
                      {t('care.pendingBadge')}
                    </Badge>
                  )}
                  {a.photos.map((reference) => (
                    <WoundPhoto key={reference} reference={reference} site={wound.site} at={a.at} />
                  ))}
                </Group>
              </li>
            ))}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
