/**
 * The one way the platform reports a failure: a FhirError carries the HTTP status and the
 * OperationOutcome issues, so every layer (validation, search parsing, access, storage) can refuse
 * a request with a message that names the element and the rule, and the HTTP layer only renders it.
 */

export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'expired'
  | 'forbidden'
  | 'not-supported'
  | 'duplicate'
  | 'not-found'
  | 'deleted'
  | 'conflict'
  | 'too-costly'
  | 'throttled'
  | 'timeout'
  | 'processing'
  | 'exception'
  | 'informational';

export interface Issue {
  severity?: 'fatal' | 'error' | 'warning' | 'information';
  code: IssueCode;
  /** Human-readable: always names the element (or parameter/header) and the rule broken. */
  diagnostics: string;
  /** FHIRPath of the offending element, when the problem is inside a resource. */
  expression?: string;
}

export class FhirError extends Error {
  readonly issues: Issue[];
  /**
   * Set when the refusal is an access decision that must be audited with these facts (the DSP rules):
   * the HTTP layer records them once the refused unit of work has ended (audit/audit-event.ts AuditFacts).
   */
  auditFacts?: unknown;

  constructor(
    readonly status: number,
    issue: Issue | Issue[],
    /** Extra response headers (Retry-After, WWW-Authenticate…). */
    readonly headers: Record<string, string> = {},
  ) {
    const issues = Array.isArray(issue) ? issue : [issue];
    super(issues[0]?.diagnostics ?? `HTTP ${status}`);
    this.name = 'FhirError';
    this.issues = issues;
  }

  /**
   * The same error located inside Bundle entry `index`, so the client learns which entry broke which
   * rule: `Patient.name` becomes `Bundle.entry[3].resource.name`.
   */
  inEntry(index: number, resourceType: string | undefined): FhirError {
    const entry = `Bundle.entry[${index}]`;
    const relocate = (expression: string): string =>
      resourceType !== undefined &&
      (expression === resourceType || expression.startsWith(`${resourceType}.`) || expression.startsWith(`${resourceType}[`))
        ? `${entry}.resource${expression.slice(resourceType.length)}`
        : `${entry}.${expression}`;
    const issues = this.issues.map((issue) => ({
      ...issue,
      diagnostics: `${entry}: ${issue.diagnostics}`,
      ...(issue.expression !== undefined ? { expression: relocate(issue.expression) } : {}),
    }));
    const located = new FhirError(this.status, issues, this.headers);
    if (this.auditFacts !== undefined) located.auditFacts = this.auditFacts;
    return located;
  }
}

export function operationOutcome(issues: Issue[]): fhir4.OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((issue) => ({
      severity: issue.severity ?? 'error',
      code: issue.code,
      diagnostics: issue.diagnostics,
      ...(issue.expression !== undefined ? { expression: [issue.expression] } : {}),
    })),
  };
}

// Shorthands for the statuses used all over the platform, so call sites read as the rule they apply.
export const badRequest = (diagnostics: string, expression?: string, code: IssueCode = 'invalid') =>
  new FhirError(400, { code, diagnostics, ...(expression !== undefined ? { expression } : {}) });
export const unprocessable = (diagnostics: string, expression?: string, code: IssueCode = 'invalid') =>
  new FhirError(422, { code, diagnostics, ...(expression !== undefined ? { expression } : {}) });
export const notFound = (diagnostics: string) => new FhirError(404, { code: 'not-found', diagnostics });
export const forbidden = (diagnostics: string) => new FhirError(403, { code: 'forbidden', diagnostics });
export const unauthorized = (diagnostics: string, code: IssueCode = 'login') =>
  new FhirError(401, { code, diagnostics }, { 'WWW-Authenticate': 'Bearer realm="esante"' });
export const preconditionFailed = (diagnostics: string) => new FhirError(412, { code: 'conflict', diagnostics });
