import { createContext, useContext, type ReactNode } from 'react';
import type { DeskApi } from '../../src-shared/api/desk-bridge';
import type { ApiResult } from '../../src-shared/api';
import type { ApiError } from '../../src-shared/domain/errors';

const DeskContext = createContext<DeskApi | null>(null);

export function DeskProvider({ desk, children }: { desk: DeskApi; children: ReactNode }) {
  return <DeskContext.Provider value={desk}>{children}</DeskContext.Provider>;
}

export function useDesk(): DeskApi {
  const desk = useContext(DeskContext);
  if (!desk) throw new Error('useDesk outside DeskProvider');
  return desk;
}

/** Thrown into TanStack Query so screens get the typed error to translate. */
export class DeskCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** Unwraps an API result for TanStack Query: the value, or a DeskCallError. */
export async function unwrap<T>(result: Promise<ApiResult<T>>): Promise<T> {
  const settled = await result;
  if (!settled.ok) throw new DeskCallError(settled.error);
  return settled.value;
}
