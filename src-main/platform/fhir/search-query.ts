/**
 * Parses a FHIR search query string into typed criteria for one resource type. Only declared
 * parameters and the result parameters below are accepted: anything else is a 400, because a
 * silently ignored filter returns more patient data than the caller asked for.
 */
import { parseFhirDate } from './fhir-date';
import { badRequest } from './fhir-error';
import {
  COMMON_SEARCH_PARAMS,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  SORTABLE,
  type ResourceTypeDef,
  type SearchParamDef,
} from './resource-types';
import { normalizeString, parseRelativeReference } from './search-index';
import { MAX_PAGE_TOKEN_LENGTH, MAX_PARAMETER_REPEATS, MAX_PARAMETER_VALUES, MAX_SEARCH_CRITERIA } from './request-limits';
import { checkStringRule } from './string-rule';

export interface TokenValue {
  /** undefined: any system; '': explicitly no system. */
  system?: string;
  /** undefined: any code in `system`. */
  code?: string;
}

export type DatePrefix = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export interface DateValue {
  prefix: DatePrefix;
  low: number;
  high: number;
}

/** One parameter occurrence; its values are OR-ed, occurrences are AND-ed. */
export type Criterion =
  | { kind: 'token'; param: string; values: TokenValue[] }
  | { kind: 'string'; param: string; match: 'prefix' | 'exact' | 'contains'; values: string[] }
  | { kind: 'reference'; param: string; values: string[] }
  | { kind: 'date'; param: string; values: DateValue[] }
  | { kind: 'id'; values: string[] }
  | { kind: 'lastUpdated'; values: DateValue[] }
  /**
   * Added by the platform, never parsed from a query: only resources without an audience, or whose
   * audience (internal index parameter `param`) includes `principal` (messages, issue 6).
   * `everyRowHasOne` (Communication) lets the index drive the search from the caller's messages.
   */
  | { kind: 'audience'; param: string; principal: string; everyRowHasOne: boolean };

export type SortKey = (typeof SORTABLE)[number] | '_seq';

/** Where the next page starts: the snapshot (commit sequence) and the last row's sort key. */
export interface PageToken {
  snapshot: number;
  after: { key: string | number; seq: number };
}

export interface SearchRequest {
  resourceType: string;
  criteria: Criterion[];
  sort: { key: SortKey; descending: boolean };
  count: number;
  page?: PageToken;
}

/** Internal parameter carrying the keyset page token in `next` links. */
export const PAGE_TOKEN_PARAM = '_page';
const RESULT_PARAMS = new Set(['_count', '_sort', PAGE_TOKEN_PARAM]);

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify([token.snapshot, token.after.key, token.after.seq])).toString('base64url');
}

export function decodePageToken(text: string): PageToken {
  if (text.length > MAX_PAGE_TOKEN_LENGTH)
    throw badRequest(
      `parameter ${PAGE_TOKEN_PARAM}: ${text.length} characters, longer than any page token (limit ${MAX_PAGE_TOKEN_LENGTH}; use the next link as given)`,
      undefined,
      'too-costly',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    Number.isSafeInteger(parsed[0]) &&
    (typeof parsed[1] === 'string' || typeof parsed[1] === 'number') &&
    Number.isSafeInteger(parsed[2])
  ) {
    return { snapshot: parsed[0] as number, after: { key: parsed[1] as string | number, seq: parsed[2] as number } };
  }
  throw badRequest(`parameter ${PAGE_TOKEN_PARAM}: malformed page token (use the next link as given)`, undefined, 'value');
}

function splitValues(param: string, raw: string): string[] {
  if (raw.length === 0) throw badRequest(`search parameter ${param}: empty value`, undefined, 'value');
  // A comma separates OR-ed values; "\," is a literal comma.
  const values = raw.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ','));
  if (values.length > MAX_PARAMETER_VALUES)
    throw badRequest(
      `search parameter ${param}: ${values.length} values in one list (limit ${MAX_PARAMETER_VALUES} values per parameter)`,
      undefined,
      'too-costly',
    );
  if (values.some((v) => v.length === 0))
    throw badRequest(`search parameter ${param}: empty value in list "${raw}"`, undefined, 'value');
  return values;
}

function parseToken(param: string, value: string): TokenValue {
  const bar = value.indexOf('|');
  if (bar < 0) return { code: value };
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (code.includes('|'))
    throw badRequest(`search parameter ${param}: token "${value}" has more than one "|"`, undefined, 'value');
  if (system === '' && code === '')
    throw badRequest(`search parameter ${param}: token "|" names neither system nor code`, undefined, 'value');
  return code === '' ? { system } : { system, code };
}

const DATE_PREFIXES: readonly DatePrefix[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

function parseDate(param: string, value: string): DateValue {
  const prefixed = /^[a-z]{2}/.test(value) ? value.slice(0, 2) : undefined;
  if (prefixed !== undefined && !DATE_PREFIXES.includes(prefixed as DatePrefix)) {
    throw badRequest(
      `search parameter ${param}: date prefix "${prefixed}" is not supported (use ${DATE_PREFIXES.join(', ')})`,
      undefined,
      'value',
    );
  }
  const text = prefixed === undefined ? value : value.slice(2);
  const range = parseFhirDate(text);
  if (!range) throw badRequest(`search parameter ${param}: "${text}" is not a valid FHIR date`, undefined, 'value');
  return { prefix: (prefixed as DatePrefix | undefined) ?? 'eq', ...range };
}

function parseReference(def: SearchParamDef, value: string): string {
  const parsed = parseRelativeReference(value);
  if (parsed) {
    if (def.targets && def.targets.length > 0 && !def.targets.includes(parsed.type)) {
      throw badRequest(
        `search parameter ${def.name}: ${parsed.type} is not a target of this parameter (${def.targets.join(', ')})`,
        undefined,
        'value',
      );
    }
    return `${parsed.type}/${parsed.id}`;
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value) && def.targets?.length === 1) return `${def.targets[0]}/${value}`;
  throw badRequest(`search parameter ${def.name}: "${value}" is not a reference of the form Type/id`, undefined, 'value');
}

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

function parseCriterion(def: SearchParamDef, modifier: string | undefined, raw: string): Criterion {
  const name = def.name;
  const allowed = def.type === 'string' ? ['exact', 'contains'] : [];
  if (modifier !== undefined && !allowed.includes(modifier)) {
    throw badRequest(
      `search parameter ${name}: modifier ":${modifier}" is not supported${allowed.length ? ` (use ${allowed.map((m) => ':' + m).join(', ')})` : ''}`,
      undefined,
      'not-supported',
    );
  }
  const values = splitValues(name, raw);
  if (name === '_id') {
    const bad = values.find((v) => !ID_PATTERN.test(v));
    if (bad !== undefined) throw badRequest(`search parameter _id: "${bad}" is not a valid id`, undefined, 'value');
    return { kind: 'id', values };
  }
  if (name === '_lastUpdated') return { kind: 'lastUpdated', values: values.map((v) => parseDate(name, v)) };
  switch (def.type) {
    case 'token':
      return { kind: 'token', param: name, values: values.map((v) => parseToken(name, v)) };
    case 'string': {
      const match = modifier === 'exact' ? 'exact' : modifier === 'contains' ? 'contains' : 'prefix';
      const normalized = values.map(normalizeString);
      if (normalized.some((v) => v.length === 0)) throw badRequest(`search parameter ${name}: blank value`, undefined, 'value');
      return { kind: 'string', param: name, match, values: normalized };
    }
    case 'reference':
      return { kind: 'reference', param: name, values: values.map((v) => parseReference(def, v)) };
    case 'date':
      return { kind: 'date', param: name, values: values.map((v) => parseDate(name, v)) };
  }
}

function parseCount(raw: string): number {
  if (!/^\d{1,7}$/.test(raw)) throw badRequest(`parameter _count: "${raw}" is not a non-negative integer`, undefined, 'value');
  const count = Number(raw);
  if (count < 1 || count > MAX_PAGE_SIZE)
    throw badRequest(`parameter _count: must be between 1 and ${MAX_PAGE_SIZE}`, undefined, 'value');
  return count;
}

function parseSort(raw: string): SearchRequest['sort'] {
  const descending = raw.startsWith('-');
  const key = descending ? raw.slice(1) : raw;
  if (!(SORTABLE as readonly string[]).includes(key)) {
    throw badRequest(
      `parameter _sort: "${raw}" is not supported (use ${SORTABLE.map((k) => `${k} or -${k}`).join(', ')})`,
      undefined,
      'not-supported',
    );
  }
  return { key: key as SortKey, descending };
}

/**
 * Each criterion is one SQL condition and each of its values one more OR: a query repeating a
 * parameter a thousand times would build an expression deeper than SQLite accepts (a 5xx), so it is
 * refused first, naming the parameter and the limit.
 */
function checkRepetition(query: URLSearchParams): void {
  const repeats = new Map<string, number>();
  let criteria = 0;
  for (const name of query.keys()) {
    if (RESULT_PARAMS.has(name)) continue;
    criteria++;
    const base = name.split(':')[0]!;
    repeats.set(base, (repeats.get(base) ?? 0) + 1);
  }
  for (const [name, times] of repeats) {
    if (times > MAX_PARAMETER_REPEATS)
      throw badRequest(
        `search parameter ${name.slice(0, 64)}: given ${times} times (limit ${MAX_PARAMETER_REPEATS} per search; list values with commas instead)`,
        undefined,
        'too-costly',
      );
  }
  if (criteria > MAX_SEARCH_CRITERIA)
    throw badRequest(`search: ${criteria} criteria (limit ${MAX_SEARCH_CRITERIA} per search)`, undefined, 'too-costly');
}

/** Parses `query` (as in the URL) for `def`; throws a 400 FhirError naming the offending parameter. */
export function parseSearch(def: ResourceTypeDef, query: URLSearchParams): SearchRequest {
  const request: SearchRequest = {
    resourceType: def.type,
    criteria: [],
    sort: { key: '_seq', descending: false },
    count: DEFAULT_PAGE_SIZE,
  };
  checkRepetition(query);
  const seenResultParams = new Set<string>();
  for (const [rawName, value] of query) {
    checkStringRule(value, `search parameter ${rawName.slice(0, 64)}`);
    if (RESULT_PARAMS.has(rawName)) {
      if (seenResultParams.has(rawName)) throw badRequest(`parameter ${rawName}: given more than once`, undefined, 'value');
      seenResultParams.add(rawName);
      if (rawName === '_count') request.count = parseCount(value);
      else if (rawName === '_sort') request.sort = parseSort(value);
      else request.page = decodePageToken(value);
      continue;
    }
    const colon = rawName.indexOf(':');
    const name = colon < 0 ? rawName : rawName.slice(0, colon);
    const modifier = colon < 0 ? undefined : rawName.slice(colon + 1);
    const paramDef = def.search.find((p) => p.name === name) ?? COMMON_SEARCH_PARAMS.find((p) => p.name === name);
    if (!paramDef) {
      const known = [...COMMON_SEARCH_PARAMS, ...def.search]
        .map((p) => p.name)
        .concat([...RESULT_PARAMS].filter((p) => p !== PAGE_TOKEN_PARAM));
      throw badRequest(
        `search parameter "${rawName}" is not supported for ${def.type} (supported: ${known.join(', ')})`,
        undefined,
        'not-supported',
      );
    }
    request.criteria.push(parseCriterion(paramDef, modifier, value));
  }
  return request;
}
