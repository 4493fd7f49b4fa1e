/**
 * The size limits of a request, in one place. Each keeps a client's mistake (or a hostile request) a
 * 4xx naming the limit, instead of a stack overflow in a recursive walk or an SQL expression deeper
 * than SQLite allows (a 5xx): a FHIR resource is never nested 100 deep, and no real search repeats a
 * parameter a dozen times or lists more than a hundred values.
 */
import { badRequest } from './fhir-error';

/** Objects and arrays inside one another in a JSON body (a transaction with contained resources and nested extensions stays below 30). */
export const MAX_JSON_DEPTH = 100;
/** Occurrences of one search parameter (they are AND-ed). */
export const MAX_PARAMETER_REPEATS = 10;
/** Search criteria in one query, all parameters together. */
export const MAX_SEARCH_CRITERIA = 30;
/** Comma-separated values of one parameter occurrence (they are OR-ed). */
export const MAX_PARAMETER_VALUES = 100;
/** A `_page` token as the platform issues it is below 200 characters. */
export const MAX_PAGE_TOKEN_LENGTH = 512;
/** An access token as the platform issues it is below 1 KiB. */
export const MAX_AUTHORIZATION_LENGTH = 4096;

const OPENERS = /[[{]/g;

/**
 * True when `json` nests objects and arrays deeper than `limit`. Linear and without recursion, so it
 * runs before JSON.parse and before anything that walks the parsed value recursively. Brackets inside
 * strings do not count.
 */
export function nestsDeeperThan(json: string, limit: number = MAX_JSON_DEPTH): boolean {
  // Most bodies (base64 attachments above all) hold fewer brackets than the limit: nothing to scan.
  let openers = 0;
  OPENERS.lastIndex = 0;
  while (OPENERS.exec(json) !== null) if (++openers > limit) break;
  if (openers <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

export function checkJsonDepth(json: string): void {
  if (nestsDeeperThan(json))
    throw badRequest(
      `body: JSON nested deeper than ${MAX_JSON_DEPTH} levels (nesting limit of this platform)`,
      undefined,
      'too-costly',
    );
}
