import type { z } from 'zod';
import type { ApiError } from '../domain/errors';

/** One API method: the schema its input must satisfy and the schema of what it returns. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

export function defineMethod<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodSpec<I, O> {
  return { input, output };
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** A domain is a named group of methods (`app`, `dsp`, `mailbox`, …). */
export type DomainSpec = Record<string, MethodSpec>;

/** Separator between domain and method in a qualified name: `app.info`. */
export const METHOD_SEPARATOR = '.';
