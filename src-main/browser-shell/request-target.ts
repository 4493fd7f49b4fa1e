/**
 * Reads the request target of the browser shell's requests. It is the first thing a hostile page or
 * program controls, so it never throws: a target that is not a plain, well-encoded path is refused with
 * a reason (issue 9: `/%E0%A4%A` used to throw inside the handler and end the process).
 */

export type RequestTarget = { ok: true; path: string } | { ok: false; reason: string };

/** Control characters (C0, DEL): never part of a file name or an API method name. */
const hasControlCharacter = (text: string) => [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

export function readRequestTarget(rawTarget: string | undefined): RequestTarget {
  const target = rawTarget ?? '';
  // Origin-form only (`/path?query`): a browser never sends absolute-form or `*` to a server it is not a proxy for.
  if (!target.startsWith('/') || target.startsWith('//')) {
    return { ok: false, reason: 'request target: only a path starting with a single "/" is accepted' };
  }
  const rawPath = target.split(/[?#]/, 1)[0]!;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'request target: malformed percent-encoding (not valid UTF-8)' };
  }
  if (hasControlCharacter(path)) return { ok: false, reason: 'request target: control characters are not allowed in a path' };
  return { ok: true, path };
}
