import { MultiSelect } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap, useDesk } from '../../api/DeskContext';

/** Professionals of the directory, searched by name (online, or in the cache offline). */
export function PeoplePicker({
  label,
  value,
  onChange,
  exclude = [],
  testId,
}: {
  label: string;
  value: string[];
  onChange: (references: string[]) => void;
  exclude?: string[];
  testId?: string;
}) {
  const desk = useDesk();
  const [search, setSearch] = useState('');
  const [known, setKnown] = useState<Record<string, string>>({});
  const hits = useQuery({
    queryKey: ['spaces.people', search],
    queryFn: () => unwrap(desk.mailbox.searchRecipients({ text: search })),
    enabled: search.trim().length >= 2,
  });
  const options = [
    ...(hits.data ?? [])
      .filter((h) => h.kind === 'person' && !exclude.includes(h.reference))
      .map((h) => ({ value: h.reference, label: h.name })),
    ...value.filter((v) => !(hits.data ?? []).some((h) => h.reference === v)).map((v) => ({ value: v, label: known[v] ?? v })),
  ];
  return (
    <MultiSelect
      label={label}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      data={options}
      value={value}
      filter={({ options: all }) => all}
      onChange={(values) => {
        setKnown((k) => ({ ...k, ...Object.fromEntries(options.map((o) => [o.value, o.label])) }));
        onChange(values);
      }}
      data-testid={testId}
    />
  );
}
