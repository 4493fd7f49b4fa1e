import type { ApiResult } from './contract';
import type { EventPayload, EventTopic } from './events';
import { apiContract, type DeskMethods } from './index';

/** `window.desk`: one namespace per domain with one function per method, plus event subscription. */
export type DeskApi = DeskMethods & {
  on<T extends EventTopic>(topic: T, listener: (payload: EventPayload<T>) => void): () => void;
};

export type Invoke = (qualifiedName: string, input: unknown) => Promise<ApiResult<unknown>>;

/**
 * Builds the per-domain method object from one transport function. The preload builds it over IPC,
 * the renderer over HTTP; each exposes only the methods the contract declares.
 */
export function createDeskMethods(invoke: Invoke): DeskMethods {
  const api: Record<string, Record<string, (input: unknown) => Promise<ApiResult<unknown>>>> = {};
  for (const [domain, methods] of Object.entries(apiContract)) {
    const namespace: Record<string, (input: unknown) => Promise<ApiResult<unknown>>> = {};
    for (const method of Object.keys(methods)) {
      namespace[method] = (input: unknown) => invoke(`${domain}.${method}`, input ?? {});
    }
    api[domain] = namespace;
  }
  return api as DeskMethods;
}
