import { describe, expect, it } from 'vitest';
import { FhirError } from '../../../src-main/platform/fhir/fhir-error';
import { resourceTypeDef } from '../../../src-main/platform/fhir/resource-types';
import { decodePageToken, encodePageToken, parseSearch } from '../../../src-main/platform/fhir/search-query';

const patient = resourceTypeDef('Patient')!;
const documents = resourceTypeDef('DocumentReference')!;
const parse = (query: string, def = patient) => parseSearch(def, new URLSearchParams(query));

function refusal(query: string, def = patient): FhirError {
  try {
    parse(query, def);
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('search parameter parsing', () => {
  it('an undeclared parameter is refused with 400, never ignored', () => {
    const error = refusal('colour=blue');
    expect(error.status).toBe(400);
    expect(error.message).toContain('"colour" is not supported for Patient');
  });

  it('a token splits into system and code; "|code" means no system; "system|" any code', () => {
    expect(parse('identifier=urn:oid:1.2.442.0.1|1966031366602').criteria[0]).toEqual({
      kind: 'token',
      param: 'identifier',
      values: [{ system: 'urn:oid:1.2.442.0.1', code: '1966031366602' }],
    });
    expect(parse('gender=|male').criteria[0]).toMatchObject({ values: [{ system: '', code: 'male' }] });
    expect(parse('identifier=urn:x|').criteria[0]).toMatchObject({ values: [{ system: 'urn:x' }] });
  });

  it('commas OR values, repeated parameters AND them', () => {
    const request = parse('family=weber,schmit&family=w');
    expect(request.criteria).toHaveLength(2);
    expect(request.criteria[0]).toMatchObject({ kind: 'string', match: 'prefix', values: ['weber', 'schmit'] });
  });

  it('string values are matched accent- and case-insensitively', () => {
    expect(parse('family:exact=MÜLLER').criteria[0]).toMatchObject({ match: 'exact', values: ['muller'] });
  });

  it('a date becomes the range it names, with its prefix', () => {
    const [criterion] = parse('birthdate=ge1966-03').criteria;
    expect(criterion).toEqual({
      kind: 'date',
      param: 'birthdate',
      values: [{ prefix: 'ge', low: Date.UTC(1966, 2, 1), high: Date.UTC(1966, 3, 1) - 1 }],
    });
    expect(refusal('birthdate=2001-02-29').message).toContain('not a valid FHIR date');
  });

  it('a bare id expands to the only target type of a reference parameter; a foreign type is refused', () => {
    expect(parse('patient=demo-patient', documents).criteria[0]).toMatchObject({
      kind: 'reference',
      values: ['Patient/demo-patient'],
    });
    expect(refusal('patient=Organization/x', documents).message).toContain('not a target');
  });

  it('_count is bounded and _sort accepts only declared keys', () => {
    expect(parse('_count=10&_sort=-_lastUpdated')).toMatchObject({ count: 10, sort: { key: '_lastUpdated', descending: true } });
    expect(refusal('_count=0').message).toContain('_count');
    expect(refusal('_sort=birthdate').message).toContain('_sort');
  });

  it('a page token round-trips, and a forged one is refused', () => {
    const token = { snapshot: 42, after: { key: 'pat-1', seq: 17 } };
    expect(decodePageToken(encodePageToken(token))).toEqual(token);
    expect(() => decodePageToken('bm9wZQ')).toThrow(FhirError);
  });
});
