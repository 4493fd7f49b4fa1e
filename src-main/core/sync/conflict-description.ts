import type { ConflictChange, ConflictView } from '../../../src-shared/api';
import type { QuarantineEntry } from '../store';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Names for references (Patient/…, Practitioner/…, Organization/…), from the cache. */
export type NameOf = (reference: string) => string | null;

/** Server-owned or not clinical: never shown as a change. */
const IGNORED_KEYS = new Set(['resourceType', 'id', 'meta', 'text', 'contained']);
/** Who wrote a version, by resource type's usual field, first found wins. */
const AUTHOR_FIELDS = ['author', 'recorder', 'requester', 'performer', 'asserter', 'owner', 'sender'];
/** What a record is called, by the same rule. */
const LABEL_FIELDS = ['description', 'title', 'code', 'type'];

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reference, a coding or a concept in words; undefined for anything else. */
function wordsOf(value: JsonObject, nameOf: NameOf): string | undefined {
  if (typeof value.reference === 'string') {
    return (typeof value.display === 'string' ? value.display : null) ?? nameOf(value.reference) ?? value.reference;
  }
  if (typeof value.code === 'string' && ('system' in value || 'display' in value)) {
    return typeof value.display === 'string' ? value.display : value.code;
  }
  if (typeof value.text === 'string' && !('div' in value)) return value.text;
  if (Array.isArray(value.coding)) {
    const codings = value.coding.filter(isObject).map((c) => wordsOf(c, nameOf));
    return codings.filter(Boolean).join(', ') || undefined;
  }
  return undefined;
}

/**
 * The record as field → value in words: paths without array indexes ("content.attachment.title"),
 * references as names, codes as their display, attached files as their size only (never their bytes).
 */
type FieldValue = NonNullable<ConflictChange['mine']>;

function fieldsOf(resource: Json, nameOf: NameOf): Map<string, FieldValue> {
  const fields = new Map<string, FieldValue>();
  const add = (path: string, text: string, kind: 'text' | 'binary') => {
    const previous = fields.get(path);
    fields.set(path, previous ? { text: `${previous.text}, ${text}`, kind } : { text, kind });
  };
  const walk = (value: Json, path: string) => {
    if (value === null) return;
    if (Array.isArray(value)) return value.forEach((item) => walk(item, path));
    if (isObject(value)) {
      const words = wordsOf(value, nameOf);
      if (words !== undefined) return add(path, words, 'text');
      for (const [key, child] of Object.entries(value)) {
        if (path === '' && IGNORED_KEYS.has(key)) continue;
        const childPath = path ? `${path}.${key}` : key;
        if (key === 'data' && typeof child === 'string') add(childPath, String(Math.floor((child.length * 3) / 4)), 'binary');
        else walk(child, childPath);
      }
      return;
    }
    add(path, String(value), 'text');
  };
  walk(resource, '');
  return fields;
}

function firstOf(resource: Json, keys: string[], nameOf: NameOf): string | null {
  if (!isObject(resource)) return null;
  for (const key of keys) {
    const value = resource[key];
    const item = Array.isArray(value) ? value[0] : value;
    if (typeof item === 'string') return item;
    if (isObject(item)) {
      const words = wordsOf(item, nameOf);
      if (words) return words;
    }
  }
  return null;
}

function patientOf(resource: Json, nameOf: NameOf): ConflictView['patient'] {
  if (!isObject(resource)) return null;
  if (resource.resourceType === 'Patient' && typeof resource.id === 'string') {
    const reference = `Patient/${resource.id}`;
    return { id: resource.id, name: nameOf(reference) ?? resource.id };
  }
  for (const key of ['subject', 'patient', 'for', 'beneficiary']) {
    const value = resource[key];
    if (isObject(value) && typeof value.reference === 'string' && value.reference.startsWith('Patient/')) {
      const id = value.reference.slice('Patient/'.length);
      return { id, name: (typeof value.display === 'string' ? value.display : null) ?? nameOf(value.reference) ?? id };
    }
  }
  return null;
}

/**
 * A quarantined write as the clinical thing it is: which patient, which record, who wrote each version,
 * and field by field what differs — so the professional can choose without reading FHIR JSON.
 */
export function describeConflict(entry: QuarantineEntry, nameOf: NameOf): ConflictView {
  const local = (entry.local ?? null) as Json;
  const server = (entry.server ?? null) as Json;
  const mine = fieldsOf(local, nameOf);
  const theirs = server === null ? new Map<string, FieldValue>() : fieldsOf(server, nameOf);
  const changes: ConflictChange[] = [...new Set([...mine.keys(), ...theirs.keys()])]
    .filter((field) => mine.get(field)?.text !== theirs.get(field)?.text)
    .sort()
    .map((field) => ({ field, mine: mine.get(field) ?? null, theirs: theirs.get(field) ?? null }));
  const [resourceType = 'Resource'] = entry.entityKey.split('/');
  const serverMeta = isObject(server) && isObject(server.meta) ? server.meta : null;
  return {
    opId: entry.opId,
    entityKey: entry.entityKey,
    reason: entry.reason,
    createdAt: entry.createdAt,
    resourceType,
    record: firstOf(local, LABEL_FIELDS, nameOf) ?? firstOf(server, LABEL_FIELDS, nameOf),
    patient: patientOf(local, nameOf) ?? patientOf(server, nameOf),
    mineBy: firstOf(local, AUTHOR_FIELDS, nameOf),
    theirsBy: firstOf(server, AUTHOR_FIELDS, nameOf),
    theirsAt: typeof serverMeta?.lastUpdated === 'string' ? serverMeta.lastUpdated : null,
    platformHasVersion: server !== null,
    changes,
    local: entry.local,
    server: entry.server,
  };
}
