/**
 * Walks a resource along a dotted element path ("content.attachment", "effective[x]") and returns
 * every value found with its FHIRPath, so validation can name exactly which element broke a rule
 * and the search indexer can reach repeated elements without knowing the resource's shape.
 */

export interface Located {
  value: unknown;
  /** FHIRPath of this value, e.g. `Patient.identifier[1].value`. */
  expression: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys of `node` matching one path segment; `effective[x]` matches effectiveDateTime, effectivePeriod… */
function matchingKeys(node: Record<string, unknown>, segment: string): string[] {
  if (!segment.endsWith('[x]')) return segment in node ? [segment] : [];
  const prefix = segment.slice(0, -3);
  return Object.keys(node).filter((key) => key.startsWith(prefix) && /^[A-Z]/.test(key.slice(prefix.length)));
}

function expand(parent: Located, key: string, raw: unknown): Located[] {
  const base = `${parent.expression}.${key}`;
  if (Array.isArray(raw)) return raw.map((value, index) => ({ value, expression: `${base}[${index}]` }));
  return raw === undefined || raw === null ? [] : [{ value: raw, expression: base }];
}

/** All values at `path` below `root` (arrays are flattened, each element gets its index). */
export function locate(root: unknown, rootExpression: string, path: string): Located[] {
  let current: Located[] = [{ value: root, expression: rootExpression }];
  for (const segment of path.split('.')) {
    const next: Located[] = [];
    for (const located of current) {
      if (!isRecord(located.value)) continue;
      for (const key of matchingKeys(located.value, segment)) next.push(...expand(located, key, located.value[key]));
    }
    current = next;
  }
  return current;
}

/**
 * The parents that must carry `path`'s last segment: for "content.attachment" every `content[i]`;
 * for a top-level path, the root itself.
 */
export function parentsOf(root: unknown, rootExpression: string, path: string): Located[] {
  const lastDot = path.lastIndexOf('.');
  return lastDot < 0 ? [{ value: root, expression: rootExpression }] : locate(root, rootExpression, path.slice(0, lastDot));
}

export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** True when an element is present in the FHIR sense: not absent, not null, not an empty string/array/object. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

/** Every `Reference.reference` string anywhere in the resource, with its FHIRPath. */
export function allReferences(root: unknown, rootExpression: string): Located[] {
  const found: Located[] = [];
  const visit = (node: unknown, expression: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${expression}[${index}]`));
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      // `contained` resources have their own local references; they are checked in their own right.
      if (key === 'reference' && typeof value === 'string') found.push({ value, expression: `${expression}.reference` });
      else if (typeof value === 'object' && value !== null) visit(value, `${expression}.${key}`);
    }
  };
  visit(root, rootExpression);
  return found;
}
