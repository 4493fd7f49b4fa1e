import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { EventTopic } from '../../src-shared/api';
import { useDesk } from './DeskContext';

/** Refetches the given queries whenever the core says one of `topics` changed. */
export function useInvalidateOn(topics: EventTopic[], queryKeys: string[][]): void {
  const desk = useDesk();
  const queryClient = useQueryClient();
  const topicsKey = topics.join('|');
  const queriesKey = JSON.stringify(queryKeys);
  useEffect(() => {
    const keys = JSON.parse(queriesKey) as string[][];
    const unsubscribers = topicsKey
      .split('|')
      .map((topic) =>
        desk.on(topic as EventTopic, () => keys.forEach((queryKey) => void queryClient.invalidateQueries({ queryKey }))),
      );
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, [desk, queryClient, topicsKey, queriesKey]);
}
