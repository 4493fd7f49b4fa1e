import type { z } from 'zod';
import {
  findMethod,
  type ApiResult,
  type DomainName,
  type MethodOf,
  type MethodOutput,
  type ParsedInput,
} from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import { PlatformError, toDeskError } from '../platform-client';

/** The implementation of one method: gets the already-validated input. */
export type Handler<D extends DomainName, M extends MethodOf<D>> = (
  input: ParsedInput<D, M>,
) => Promise<MethodOutput<D, M>> | MethodOutput<D, M>;

/** Handlers for some domains; the type checker makes each domain implement every method it declares. */
export type DomainHandlers<D extends DomainName> = { [M in MethodOf<D>]: Handler<D, M> };
export type Handlers = { [D in DomainName]: DomainHandlers<D> };

/** Logs what went wrong on our side without patient data: the method name and the error's class only. */
export type InternalErrorReporter = (method: string, error: unknown) => void;

function fieldOf(issue: z.core.$ZodIssue): string | undefined {
  return issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
}

/**
 * The one place every API call goes through, whatever the transport (IPC or the browser shell's HTTP):
 * it refuses unknown methods, validates input against the contract before a handler sees it, and turns
 * every outcome into `{ ok, value } | { ok: false, error }` so nothing throws across the boundary.
 */
export class ApiRegistry {
  constructor(
    private readonly handlers: Handlers,
    private readonly reportInternalError: InternalErrorReporter = (method, error) =>
      console.error(`[api] ${method} failed:`, error instanceof Error ? error.name : typeof error),
  ) {}

  async call(qualifiedName: unknown, rawInput: unknown): Promise<ApiResult<unknown>> {
    const name = typeof qualifiedName === 'string' ? qualifiedName : '';
    const found = findMethod(name);
    if (!found) {
      return {
        ok: false,
        error: { code: 'unknown_method', message: `unknown API method "${name.slice(0, 80)}"`, field: 'method' },
      };
    }
    const parsed = found.spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = fieldOf(issue);
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          message: `${field ?? 'input'}: ${issue.message}`,
          ...(field === undefined ? {} : { field }),
          rule: issue.code,
        },
      };
    }
    const domainHandlers = this.handlers[found.domain as DomainName] as Record<string, (i: unknown) => unknown>;
    try {
      const value = await domainHandlers[found.method]!(parsed.data);
      // The output is checked too: a handler returning the wrong shape is our bug, not the renderer's problem.
      const checked = found.spec.output.safeParse(value);
      if (!checked.success) {
        this.reportInternalError(name, checked.error);
        return { ok: false, error: { code: 'internal', message: 'internal error' } };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof DeskError) return { ok: false, error: error.toApiError() };
      if (error instanceof PlatformError) return { ok: false, error: toDeskError(error).toApiError() };
      this.reportInternalError(name, error);
      return { ok: false, error: { code: 'internal', message: 'internal error' } };
    }
  }
}
