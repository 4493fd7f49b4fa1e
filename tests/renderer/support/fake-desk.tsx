import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router-dom';
import type { ApiResult, EventPayload, EventTopic } from '../../../src-shared/api';
import type { ApiError } from '../../../src-shared/domain/errors';
import { createDeskMethods, type DeskApi } from '../../../src-shared/api/desk-bridge';
import { DeskProvider } from '../../../src-renderer/api/DeskContext';
import { createI18n, type Language } from '../../../src-renderer/i18n';

/** Thrown by a scripted answer: the method fails with this API error (as the core would answer it). */
export class FakeApiError {
  constructor(readonly error: ApiError) {}
}

/**
 * A desk whose answers the test scripts per method, recording every call: for screens whose data would
 * otherwise need a platform (conflicts, mail). The app frame tests use the real core instead.
 */
export function renderWithFakeDesk(
  ui: ReactNode,
  answers: Record<string, (input: unknown) => unknown>,
  language: Language = 'fr',
) {
  const calls: { method: string; input: unknown }[] = [];
  const listeners: { topic: string; listener: (payload: unknown) => void }[] = [];
  const desk: DeskApi = {
    ...createDeskMethods(async (method, input): Promise<ApiResult<unknown>> => {
      calls.push({ method, input });
      const answer = answers[method];
      if (!answer) return { ok: false, error: { code: 'unknown_method', message: method } };
      try {
        return { ok: true, value: answer(input) };
      } catch (error) {
        if (error instanceof FakeApiError) return { ok: false, error: error.error };
        throw error;
      }
    }),
    on: (topic, listener) => {
      const entry = { topic: topic as string, listener: listener as (payload: unknown) => void };
      listeners.push(entry);
      return () => listeners.splice(listeners.indexOf(entry), 1);
    },
  };
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const result = render(
    <I18nextProvider i18n={createI18n(language)}>
      <MantineProvider>
        <DatesProvider settings={{ locale: language, firstDayOfWeek: 1 }}>
          <QueryClientProvider client={queryClient}>
            <DeskProvider desk={desk}>
              <MemoryRouter>{ui}</MemoryRouter>
            </DeskProvider>
          </QueryClientProvider>
        </DatesProvider>
      </MantineProvider>
    </I18nextProvider>,
  );
  /** Delivers a core event to the screen, as the transport would. */
  const emit = <T extends EventTopic>(topic: T, payload: EventPayload<T>) =>
    listeners.filter((l) => l.topic === topic).forEach((l) => l.listener(payload));
  return { ...result, calls, emit };
}
