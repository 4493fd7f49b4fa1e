/**
 * Turns a resource into search-index entries for its declared parameters. The storage layer writes
 * these rows next to each version, so a search is an index lookup rather than a scan of JSON.
 */
import { locate } from './element-path';
import { parseFhirDate, periodRange, type DateRange } from './fhir-date';
import { badRequest } from './fhir-error';
import type { ResourceTypeDef, SearchParamDef } from './resource-types';

export interface TokenEntry {
  param: string;
  /** '' when the value has no system. */
  system: string;
  code: string;
}
export interface StringEntry {
  param: string;
  /** normalizeString()-ed. */
  value: string;
}
export interface ReferenceEntry {
  param: string;
  /** "Type/id". */
  target: string;
}
export interface DateEntry extends DateRange {
  param: string;
}

export interface IndexEntries {
  tokens: TokenEntry[];
  strings: StringEntry[];
  references: ReferenceEntry[];
  dates: DateEntry[];
}

/** Case-, accent- and space-insensitive form used for string search ("Müller" finds "muller"). */
export function normalizeString(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/** "Patient/123" → { type, id }; anything else (contained, absolute, urn) → null. */
export function parseRelativeReference(reference: string): { type: string; id: string } | null {
  const m = RELATIVE_REFERENCE.exec(reference);
  return m ? { type: m[1]!, id: m[2]! } : null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function tokensOf(value: unknown): Array<{ system: string; code: string }> {
  if (typeof value === 'string') return [{ system: '', code: value }];
  if (typeof value === 'boolean') return [{ system: '', code: String(value) }];
  const node = record(value);
  if (!node) return [];
  if (Array.isArray(node.coding)) return node.coding.flatMap(tokensOf); // CodeableConcept
  const system = typeof node.system === 'string' ? node.system : '';
  if (typeof node.code === 'string') return [{ system, code: node.code }]; // Coding
  if (typeof node.value === 'string') return [{ system, code: node.value }]; // Identifier
  return [];
}

const NAME_PARTS = ['family', 'given', 'text', 'prefix', 'suffix'];
const ADDRESS_PARTS = ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'];

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  const node = record(value);
  if (!node) return [];
  const parts = 'family' in node || 'given' in node ? NAME_PARTS : 'city' in node || 'line' in node ? ADDRESS_PARTS : ['text'];
  return parts.flatMap((part) => {
    const v = node[part];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
  });
}

function dateOf(value: unknown, expression: string): DateRange | null {
  if (typeof value === 'string') {
    const range = parseFhirDate(value);
    if (!range) throw badRequest(`${expression}: "${value}" is not a valid FHIR date/dateTime`, expression, 'value');
    return range;
  }
  const node = record(value);
  if (node && ('start' in node || 'end' in node)) {
    const range = periodRange(node as { start?: string; end?: string });
    if (!range) throw badRequest(`${expression}: the Period does not hold valid FHIR dateTimes`, expression, 'value');
    return range;
  }
  return null; // Another choice type (e.g. effectiveTiming) is not date-searchable.
}

/** Where a parameter's paths start: the resource, or each of its extensions with the parameter's url. */
function rootsOf(
  def: SearchParamDef,
  resource: Record<string, unknown>,
  type: string,
): Array<{ value: unknown; expression: string }> {
  if (def.extensionUrl === undefined) return [{ value: resource, expression: type }];
  return locate(resource, type, 'extension').filter((ext) => record(ext.value)?.url === def.extensionUrl);
}

function indexParam(def: SearchParamDef, resource: Record<string, unknown>, type: string, into: IndexEntries): void {
  for (const root of rootsOf(def, resource, type))
    for (const path of def.paths) {
      for (const { value, expression } of locate(root.value, root.expression, path)) {
        switch (def.type) {
          case 'token':
            for (const t of tokensOf(value)) into.tokens.push({ param: def.name, ...t });
            break;
          case 'string':
            for (const s of stringsOf(value)) {
              const normalized = normalizeString(s);
              if (normalized) into.strings.push({ param: def.name, value: normalized });
            }
            break;
          case 'reference': {
            const ref = record(value)?.reference;
            const parsed = typeof ref === 'string' ? parseRelativeReference(ref) : null;
            if (parsed && (def.targets === undefined || def.targets.length === 0 || def.targets.includes(parsed.type))) {
              into.references.push({ param: def.name, target: `${parsed.type}/${parsed.id}` });
            }
            break;
          }
          case 'date': {
            const range = dateOf(value, expression);
            if (range) into.dates.push({ param: def.name, ...range });
            break;
          }
        }
      }
    }
}

/** Index entries of one resource; throws a 400 FhirError if an indexed date element is malformed. */
export function extractIndex(def: ResourceTypeDef, resource: fhir4.Resource): IndexEntries {
  const entries: IndexEntries = { tokens: [], strings: [], references: [], dates: [] };
  const node = resource as unknown as Record<string, unknown>;
  for (const param of def.search) indexParam(param, node, def.type, entries);
  return entries;
}
