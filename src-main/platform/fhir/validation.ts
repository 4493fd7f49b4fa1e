/**
 * Validation of an incoming resource, pure, in three steps: its shape (the resource the URL names),
 * its structure (FHIR's string rule and the R4 StructureDefinitions, r4-structure.ts) once the caller
 * may write it at all, then the platform's own rules (profile requirements, value sets, matricules,
 * references). The checks that need the database (do reference targets exist?) are returned as a
 * list for the caller to resolve.
 * Every issue names the element (FHIRPath) and the rule, so the client can point at the field.
 */
import { checkMatricule } from '../../../src-shared/domain/matricule';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { allReferences, isPresent, lastSegment, locate, parentsOf } from './element-path';
import { FhirError, type Issue } from './fhir-error';
import { r4StructureFindings } from './r4-structure';
import { isSupportedType, type ResourceTypeDef } from './resource-types';
import { extractIndex, parseRelativeReference, type IndexEntries } from './search-index';
import { stringRuleIssues } from './string-rule';

export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export interface ReferenceToCheck {
  type: string;
  id: string;
  expression: string;
}

export interface ValidatedResource {
  index: IndexEntries;
  references: ReferenceToCheck[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body must be a resource of the type the URL names; anything else cannot be validated further (400). */
export function checkResourceShape(body: unknown, expectedType: string, expression = ''): asserts body is fhir4.FhirResource {
  const where = expression || expectedType;
  if (!isRecord(body)) {
    throw new FhirError(400, {
      code: 'structure',
      diagnostics: `${where}: the body must be a JSON object holding a ${expectedType} resource`,
      expression: where,
    });
  }
  if (typeof body.resourceType !== 'string') {
    throw new FhirError(400, {
      code: 'required',
      diagnostics: `${where}.resourceType: required element missing`,
      expression: `${where}.resourceType`,
    });
  }
  if (body.resourceType !== expectedType) {
    throw new FhirError(400, {
      code: 'invalid',
      diagnostics: `${where}.resourceType: expected ${expectedType} but got "${String(body.resourceType)}"`,
      expression: `${where}.resourceType`,
    });
  }
  if (body.id !== undefined && (typeof body.id !== 'string' || !ID_PATTERN.test(body.id))) {
    throw new FhirError(400, {
      code: 'value',
      diagnostics: `${expectedType}.id: must be 1–64 characters of A-Z a-z 0-9 - .`,
      expression: `${expectedType}.id`,
    });
  }
}

/**
 * A client's resource must keep FHIR's string rule (400) and be an R4 resource of its type: 400 for a
 * wrong JSON type, an unknown element or a malformed value; 422 for a missing required element or a
 * broken invariant. Runs once the caller's right to write is settled (a refusal says nothing of the
 * body) and needs `r4DefinitionsReady()` to have resolved (http/server.ts waits for it).
 */
export function checkR4Structure(resource: fhir4.Resource): void {
  const text = exactText(resource);
  if (foundValid.get(resource) === text) return;
  const controlCharacters = stringRuleIssues(resource, resource.resourceType);
  if (controlCharacters.length > 0) throw new FhirError(400, controlCharacters);
  const structure = r4StructureFindings(resource, resource.resourceType);
  if (structure) throw new FhirError(structure.status, structure.issues);
  foundValid.set(resource, text);
}

/**
 * Bodies already found valid, with their exact text at the time: a domain checks a body before judging its own
 * rules and the repository checks it again before storing it (~0.3 ms of the R4 validator each time). The answer
 * depends on the content alone, so a second check of the same object with the same text is that answer; an
 * object changed in between is checked in full. Weak: gone with the request.
 */
const foundValid = new WeakMap<object, string>();

/** The JSON text, with an `undefined` member kept apart from an absent one (the validator refuses the former). */
function exactText(resource: fhir4.Resource): string {
  return JSON.stringify(resource, (_key, value: unknown) => (value === undefined ? UNDEFINED_MARK : value));
}
const UNDEFINED_MARK = '\u0000undefined';

function requiredIssues(def: ResourceTypeDef, resource: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const path of def.required) {
    const leaf = lastSegment(path);
    for (const parent of parentsOf(resource, def.type, path)) {
      if (!isRecord(parent.value) || !isPresent(parent.value[leaf])) {
        const expression = `${parent.expression}.${leaf}`;
        issues.push({ code: 'required', diagnostics: `${expression}: required element missing (min cardinality 1)`, expression });
      }
    }
  }
  return issues;
}

function bindingIssues(def: ResourceTypeDef, resource: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const binding of def.bindings) {
    for (const { value, expression } of locate(resource, def.type, binding.path)) {
      if (binding.system === undefined) {
        if (typeof value !== 'string' || !binding.codes.includes(value)) {
          issues.push({
            code: 'value',
            diagnostics: `${expression}: "${String(value)}" is not in value set ${binding.valueSet} (allowed: ${binding.codes.join(', ')})`,
            expression,
          });
        }
        continue;
      }
      // Coding or CodeableConcept: check the codings of the bound system only.
      const codings = isRecord(value) && Array.isArray(value.coding) ? value.coding : [value];
      codings.forEach((coding, i) => {
        if (!isRecord(coding) || coding.system !== binding.system) return;
        if (typeof coding.code !== 'string' || !binding.codes.includes(coding.code)) {
          const at = codings === value ? expression : `${expression}.coding[${i}]`;
          issues.push({
            code: 'value',
            diagnostics: `${at}.code: "${String(coding.code)}" is not in value set ${binding.valueSet} (allowed: ${binding.codes.join(', ')})`,
            expression: `${at}.code`,
          });
        }
      });
    }
  }
  return issues;
}

/** Luxembourg matricules on Patient.identifier (system urn:oid:1.2.442.0.1) must pass checkMatricule. */
function matriculeIssues(resource: fhir4.Resource, today: Date): Issue[] {
  if (resource.resourceType !== 'Patient') return [];
  const issues: Issue[] = [];
  for (const { value, expression } of locate(resource, 'Patient', 'identifier')) {
    if (!isRecord(value) || value.system !== LU_MATRICULE_SYSTEM) continue;
    const at = `${expression}.value`;
    if (typeof value.value !== 'string') {
      issues.push({
        code: 'required',
        diagnostics: `${at}: required element missing (a matricule identifier needs its value)`,
        expression: at,
      });
      continue;
    }
    const check = checkMatricule(value.value, today);
    if (!check.valid) {
      issues.push({
        code: 'value',
        diagnostics: `${at}: matricule "${value.value}" is invalid (rule ${check.rule}: ${check.message})`,
        expression: at,
      });
    }
  }
  return issues;
}

function referenceIssues(resource: fhir4.Resource, found: ReferenceToCheck[]): Issue[] {
  const issues: Issue[] = [];
  const containedIds = new Set(((resource as fhir4.DomainResource).contained ?? []).map((c) => c.id));
  for (const { value, expression } of allReferences(resource, resource.resourceType)) {
    const ref = value as string;
    if (ref.startsWith('#')) {
      if (!containedIds.has(ref.slice(1)))
        issues.push({ code: 'invalid', diagnostics: `${expression}: "${ref}" names no contained resource`, expression });
      continue;
    }
    const parsed = parseRelativeReference(ref);
    if (!parsed) {
      issues.push({
        code: 'invalid',
        diagnostics: `${expression}: "${ref}" is not a reference of the form Type/id on this server`,
        expression,
      });
    } else if (!isSupportedType(parsed.type)) {
      issues.push({
        code: 'invalid',
        diagnostics: `${expression}: reference target type ${parsed.type} is not supported`,
        expression,
      });
    } else {
      found.push({ ...parsed, expression });
    }
  }
  return issues;
}

/**
 * Validates `resource` (already shape- and structure-checked) against the platform's rules for `def`. Throws a 422 FhirError listing every
 * issue; on success returns its search index and the references whose targets must exist.
 */
export function validateResource(def: ResourceTypeDef, resource: fhir4.Resource, today: Date = new Date()): ValidatedResource {
  const references: ReferenceToCheck[] = [];
  const issues = [
    ...requiredIssues(def, resource),
    ...bindingIssues(def, resource),
    ...matriculeIssues(resource, today),
    ...referenceIssues(resource, references),
  ];
  if (issues.length > 0) throw new FhirError(422, issues);
  // Indexing parses every searchable date, so a malformed one is refused here too.
  return { index: extractIndex(def, resource), references };
}

export function danglingReferenceError(ref: ReferenceToCheck): FhirError {
  return new FhirError(422, {
    code: 'invalid',
    diagnostics: `${ref.expression}: reference target ${ref.type}/${ref.id} does not exist`,
    expression: ref.expression,
  });
}
