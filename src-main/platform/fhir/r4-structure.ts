/**
 * Structural validation of a resource against the FHIR R4 StructureDefinitions, with @medplum/core's
 * validator (element names, JSON types, primitive formats, cardinalities, invariants), its findings
 * turned into our issues: each names the element (FHIRPath) and the R4 rule it breaks. The platform's
 * own rules (matricule, value sets, references, DSP, messaging) run on top, in validation.ts and the domains.
 *
 * A wrong type, an unknown element or a malformed value means the body is not an R4 resource: 400.
 * A well-formed resource that misses a required element or breaks an invariant: 422.
 */
import { OperationOutcomeError, validateResource as validateR4 } from '@medplum/core';
import type { Issue, IssueCode } from './fhir-error';
import { r4DefinitionsLoaded } from './r4-definitions';
import { isSupportedType } from './resource-types';

/** FHIR R4 caps a string at 1 MB; attachments (base64Binary) are bounded by the request body limit instead. */
const LARGEST_STRING = 1024 * 1024;
const PLACEHOLDER = 'AAAA';

/** At most this many issues are listed: a resource broken everywhere need not produce a megabyte of outcome. */
const MAX_REPORTED = 20;

interface Finding {
  status: 400 | 422;
  issue: Issue;
}

/** Linear (a backtracking base64 pattern overflows the regexp stack on megabytes). */
function isBase64(text: string): boolean {
  const unpadded = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  return text.length % 4 === 0 && !/[^A-Za-z0-9+/]/.test(unpadded);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Attachment and Binary data (`data` beside `contentType`) may exceed medplum's 1 MB string cap: each
 * large one is checked as base64 here and replaced by a short placeholder in the copy medplum validates.
 */
function withoutLargeAttachments(node: unknown, expression: string, findings: Finding[]): unknown {
  if (Array.isArray(node)) {
    let copy: unknown[] | undefined;
    node.forEach((item, i) => {
      const checked = withoutLargeAttachments(item, `${expression}[${i}]`, findings);
      if (checked !== item) (copy ??= [...node])[i] = checked;
    });
    return copy ?? node;
  }
  if (!isRecord(node)) return node;
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(node)) {
    let checked = value;
    if (key === 'data' && 'contentType' in node && typeof value === 'string' && value.length > LARGEST_STRING) {
      if (!isBase64(value))
        findings.push({
          status: 400,
          issue: {
            code: 'value',
            diagnostics: `${expression}.data: not base64 (FHIR type base64Binary)`,
            expression: `${expression}.data`,
          },
        });
      checked = PLACEHOLDER;
    } else if (typeof value === 'object' && value !== null) {
      checked = withoutLargeAttachments(value, `${expression}.${key}`, findings);
    }
    if (checked !== value) (copy ??= { ...node })[key] = checked;
  }
  return copy ?? node;
}

const MESSAGE_RULES: Array<{ pattern: RegExp; finding: (where: string, m: RegExpExecArray) => [400 | 422, IssueCode, string] }> =
  [
    {
      pattern: /^Invalid JSON type: expected (\w+), but got (\w+)$/,
      finding: (at, m) => [400, 'structure', `${at}: must be a JSON ${m[1]}, not a ${m[2]} (FHIR R4 type of the element)`],
    },
    {
      pattern: /^Invalid additional property "(.*)"$/,
      finding: (at, m) => [
        400,
        'structure',
        `${at}: "${m[1]}" is not an element FHIR R4 defines here (unknown elements are refused)`,
      ],
    },
    {
      pattern: /^Invalid (\w+) format$/,
      finding: (at, m) => [400, 'value', `${at}: not a valid FHIR ${m[1]} (format of the R4 type ${m[1]})`],
    },
    {
      pattern: /^Missing required property$/,
      finding: (at) => [422, 'required', `${at}: required element missing (FHIR R4 minimum cardinality 1)`],
    },
    {
      pattern: /^Expected array of values for property$/,
      finding: (at) => [400, 'structure', `${at}: must be a JSON array (the element repeats in FHIR R4)`],
    },
    {
      pattern: /^Expected single value for property$/,
      finding: (at) => [400, 'structure', `${at}: must be a single value, not an array (FHIR R4 cardinality 0..1)`],
    },
    {
      pattern: /^Invalid number of values: expected (.*), but found (\d+)$/,
      finding: (at, m) => [422, 'structure', `${at}: ${m[2]} values where FHIR R4 allows ${m[1]} (cardinality)`],
    },
    {
      pattern: /^Invalid empty (?:non-primitive )?value$|^Invalid (?:null|undefined) value$/,
      finding: (at) => [400, 'structure', `${at}: empty or null (FHIR elements are either absent or have a value)`],
    },
    {
      pattern: /^String must contain non-whitespace content$/,
      finding: (at) => [400, 'value', `${at}: blank (a FHIR string must contain non-whitespace content)`],
    },
    {
      pattern: /^String cannot be larger than 1 MB$/,
      finding: (at) => [400, 'too-costly', `${at}: longer than 1 MB (FHIR R4 string size limit)`],
    },
    {
      pattern: /^Invalid numeric value$/,
      finding: (at) => [400, 'value', `${at}: not a valid number (FHIR R4 numeric type)`],
    },
    {
      pattern: /^Expected number to be (an integer|positive|non-negative)$/,
      finding: (at, m) => [400, 'value', `${at}: must be ${m[1]} (FHIR R4 numeric type)`],
    },
    {
      pattern: /^Constraint (\S+) not met: (.*)$/,
      finding: (at, m) => [422, 'invariant', `${at}: constraint ${m[1]} not met (${m[2]})`],
    },
    {
      // medplum reports these two as warnings; FHIR makes them errors, and so do we.
      pattern: /^Conflicting choice of type properties: (.*)$/,
      finding: (at, m) => [400, 'structure', `${at}: only one of ${m[1]} may be given (a FHIR choice element has one type)`],
    },
    {
      pattern: /^Invalid reference: got "(.*)", expected "(.*)"$/,
      finding: (at, m) => [
        422,
        'invalid',
        `${at}: a reference to ${m[1]} is not allowed here (FHIR R4 targets: ${m[2]!.replace(/http:\/\/hl7\.org\/fhir\/StructureDefinition\//g, '')})`,
      ],
    },
  ];

/**
 * medplum names a choice element by its definition (`Observation.value[x]`) and may drop the index of a
 * repeated parent (`Patient.address.line`); the client wrote `valueQuantity` and `address[0]`. Walks the
 * resource to name what it sent, as far as the path is unambiguous.
 */
function concretePath(resource: unknown, expression: string): string {
  const [root, ...segments] = expression.split('.');
  let node: unknown = resource;
  let path = root!;
  for (const [i, segment] of segments.entries()) {
    const indexed = /^(.*?)((?:\[\d+\])*)$/.exec(segment)!;
    let key = indexed[1]!;
    if (Array.isArray(node) && node.length === 1) {
      path += '[0]';
      node = node[0];
    }
    if (!isRecord(node)) return [path, ...segments.slice(i)].join('.');
    if (key.endsWith('[x]')) {
      const prefix = key.slice(0, -3);
      key = Object.keys(node).find((k) => k.startsWith(prefix) && /^[A-Z]/.test(k.slice(prefix.length))) ?? key;
    }
    path += `.${key}${indexed[2]}`;
    node = node[key];
    for (const index of indexed[2]!.matchAll(/\[(\d+)\]/g)) node = Array.isArray(node) ? node[Number(index[1])] : undefined;
  }
  return path;
}

function toFinding(issue: fhir4.OperationOutcomeIssue, where: string, resource: unknown): Finding | undefined {
  const text = issue.details?.text ?? issue.diagnostics ?? '';
  // A reference to a type this platform does not serve, or not of the form Type/id, is the business
  // rules' to name (validation.ts referenceIssues), with the reason that applies here.
  const target = /^Invalid reference: got "(.*)"/.exec(text)?.[1];
  if (target !== undefined && !isSupportedType(target)) return undefined;
  const expression = issue.expression?.[0] ?? where;
  // medplum names choice elements of a primitive extension by the bare key; anchor them in the resource.
  const at = concretePath(resource, expression.includes('.') || expression === where ? expression : `${where}.${expression}`);
  // A string where R4 has an object: medplum walks its characters as properties "0", "1"…
  const characterOfString = /^(.*)\.\d+$/.exec(at);
  if (characterOfString && /^Invalid additional property "\d+"$/.test(text)) {
    const parent = characterOfString[1]!;
    return {
      status: 400,
      issue: {
        code: 'structure',
        diagnostics: `${parent}: must be a JSON object, not a string (FHIR R4 type of the element)`,
        expression: parent,
      },
    };
  }
  for (const rule of MESSAGE_RULES) {
    const match = rule.pattern.exec(text);
    if (!match) continue;
    const [status, code, diagnostics] = rule.finding(at, match);
    return { status, issue: { code, diagnostics, expression: at } };
  }
  if (issue.severity !== 'error' && issue.severity !== 'fatal') return undefined;
  return { status: 400, issue: { code: 'structure', diagnostics: `${at}: ${text} (FHIR R4 structure)`, expression: at } };
}

/**
 * Checks `resource` (an object whose resourceType is a served type) against its R4 StructureDefinition.
 * Returns the status to answer and the issues, or undefined when the structure is valid.
 */
export function r4StructureFindings(resource: fhir4.Resource, where: string): { status: 400 | 422; issues: Issue[] } | undefined {
  if (!r4DefinitionsLoaded(resource.resourceType))
    throw new Error(`FHIR R4 definitions of ${resource.resourceType} are not indexed yet (await r4DefinitionsReady())`);
  const findings: Finding[] = [];
  const checked = withoutLargeAttachments(resource, where, findings) as fhir4.Resource;
  let reported: fhir4.OperationOutcomeIssue[];
  try {
    reported = validateR4(checked as Parameters<typeof validateR4>[0]);
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    reported = error.outcome.issue ?? [];
  }
  for (const issue of reported) {
    const text = issue.details?.text ?? '';
    const unknownType = /^Unknown data type: (.*)$/.exec(text);
    // Only the served types are indexed, so a contained resource of another type lands here.
    const finding: Finding | undefined = unknownType
      ? {
          status: 400,
          issue: {
            code: 'not-supported',
            diagnostics: `${where}.contained: resource type ${unknownType[1]} is not supported on this platform`,
            expression: `${where}.contained`,
          },
        }
      : toFinding(issue, where, checked);
    if (finding && !findings.some((f) => f.issue.diagnostics === finding.issue.diagnostics)) findings.push(finding);
  }
  if (findings.length === 0) return undefined;
  const issues = findings.slice(0, MAX_REPORTED).map((f) => f.issue);
  if (findings.length > MAX_REPORTED)
    issues.push({
      code: 'structure',
      diagnostics: `${where}: ${findings.length - MAX_REPORTED} more issues not listed`,
      expression: where,
    });
  return { status: findings.some((f) => f.status === 400) ? 400 : 422, issues };
}
