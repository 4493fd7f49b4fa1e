/**
 * FHIR's string rule (R4 §2.24.0.1, "string"): no character below U+0020 except tab, CR and LF.
 * It holds for every string kind (string, code, id, uri, markdown, base64Binary…), and a NUL or an
 * escape sequence in a stored name ends up in other people's screens, logs and PDFs, so the platform
 * refuses it wherever a string enters: resource values, search values, conditional-create queries.
 */
import { badRequest } from './fhir-error';
import type { Issue } from './fhir-error';
import { FHIR_CONTROL_CHARACTER as CONTROL_CHARACTER } from '../../../src-shared/domain/fhir-string';

/** Issues beyond this many are summarised: the client learns the rule from the first ones. */
const MAX_REPORTED = 10;

/** The offending character as the client would write it in JSON, e.g. `U+0000`. */
function codePoint(text: string): string | undefined {
  const found = CONTROL_CHARACTER.exec(text);
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

export function stringRuleDiagnostics(where: string, character: string): string {
  return `${where}: contains the control character ${character} (FHIR string rule: no characters below U+0020 except tab, CR and LF)`;
}

/** Every string value below `root` that breaks the rule, each named by its FHIRPath. */
export function stringRuleIssues(root: unknown, rootExpression: string): Issue[] {
  const issues: Issue[] = [];
  let more = 0;
  const visit = (node: unknown, expression: string): void => {
    if (typeof node === 'string') {
      const character = codePoint(node);
      if (character === undefined) return;
      if (issues.length < MAX_REPORTED)
        issues.push({ code: 'value', diagnostics: stringRuleDiagnostics(expression, character), expression });
      else more++;
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${expression}[${index}]`));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) visit(value, `${expression}.${key}`);
    }
  };
  visit(root, rootExpression);
  if (more > 0)
    issues.push({
      code: 'value',
      diagnostics: `${rootExpression}: ${more} more strings break the FHIR string rule`,
      expression: rootExpression,
    });
  return issues;
}

/** For a single value outside a resource (a search value, a header): a 400 naming `where`. */
export function checkStringRule(text: string, where: string): void {
  const character = codePoint(text);
  if (character !== undefined) throw badRequest(stringRuleDiagnostics(where, character), undefined, 'value');
}
