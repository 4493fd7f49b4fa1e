import type { z } from 'zod';
import { appMethods } from './app';
import { settingsMethods } from './settings';
import { sessionMethods } from './session';
import { syncMethods } from './sync';
import { directoryMethods } from './directory';
import { mailboxMethods } from './mailbox';
import { dspMethods } from './dsp';
import { simulatorMethods } from './simulator';
import { rcpMethods } from './rcp';
import { libraryMethods } from './library';
import { spacesMethods } from './spaces';
import { careMethods } from './care';
import { METHOD_SEPARATOR, type ApiResult, type MethodSpec } from './contract';

export * from './contract';
export * from './events';
export * from './app';
export * from './settings';
export * from './session';
export * from './sync';
export * from './directory';
export * from './mailbox';
export * from './dsp';
export * from './simulator';
export * from './rcp';
export * from './library';
export * from './spaces';
export * from './care';

/** The whole API contract: one entry per domain, one schema pair per method (ARCHITECTURE §4). */
export const apiContract = {
  app: appMethods,
  settings: settingsMethods,
  session: sessionMethods,
  sync: syncMethods,
  directory: directoryMethods,
  mailbox: mailboxMethods,
  dsp: dspMethods,
  simulator: simulatorMethods,
  rcp: rcpMethods,
  library: libraryMethods,
  care: careMethods,
  spaces: spacesMethods,
} as const;

export type ApiContract = typeof apiContract;
export type DomainName = keyof ApiContract;
export type MethodOf<D extends DomainName> = keyof ApiContract[D] & string;
type SpecOf<D extends DomainName, M extends MethodOf<D>> = ApiContract[D][M] extends MethodSpec ? ApiContract[D][M] : never;
export type MethodInput<D extends DomainName, M extends MethodOf<D>> = z.input<SpecOf<D, M>['input']>;
export type ParsedInput<D extends DomainName, M extends MethodOf<D>> = z.output<SpecOf<D, M>['input']>;
export type MethodOutput<D extends DomainName, M extends MethodOf<D>> = z.output<SpecOf<D, M>['output']>;

/** The shape of `window.desk` minus `on`: one async function per method, grouped by domain. */
export type DeskMethods = {
  [D in DomainName]: { [M in MethodOf<D>]: (input: MethodInput<D, M>) => Promise<ApiResult<MethodOutput<D, M>>> };
};

/** Every qualified method name (`app.info`, …), e.g. for the preload and the HTTP bridge. */
export function listMethodNames(): string[] {
  return Object.entries(apiContract).flatMap(([domain, methods]) =>
    Object.keys(methods).map((m) => `${domain}${METHOD_SEPARATOR}${m}`),
  );
}

/** Looks a qualified name up in the contract; undefined for anything the contract does not declare. */
export function findMethod(qualifiedName: string): { domain: string; method: string; spec: MethodSpec } | undefined {
  const at = qualifiedName.indexOf(METHOD_SEPARATOR);
  if (at <= 0) return undefined;
  const domain = qualifiedName.slice(0, at);
  const method = qualifiedName.slice(at + 1);
  if (!Object.hasOwn(apiContract, domain)) return undefined;
  const methods = apiContract[domain as DomainName] as Record<string, MethodSpec>;
  if (!Object.hasOwn(methods, method)) return undefined;
  return { domain, method, spec: methods[method]! };
}
