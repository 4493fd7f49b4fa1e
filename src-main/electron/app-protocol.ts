import type { CustomScheme } from 'electron';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/content-security-policy';

/**
 * The renderer is served from `app://desk/…`, not `file://`: a file: page shares one origin with every
 * file on the disk (so a script injected into it could read them through fetch, and any local HTML file
 * the user opens looks like "our page" to a check on file:), while app://desk is an origin of its own
 * that answers with nothing but the files of dist/renderer.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before the app is ready. `standard` gives it an origin (same-origin rules, the CSP's
 * 'self'), `secure` treats it like https; it does not bypass the CSP and gets no service workers.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, bypassCSP: false },
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/**
 * The file under `rootDir` an app:// URL names, or null when it names nothing we serve: another host,
 * a path that leaves the root (`..`, in any percent-encoding, with / or \), a NUL, or a bad escape.
 * Pure: it only computes the path.
 */
export function resolveAppPath(rootDir: string, rawUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const wanted = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const file = resolve(root, wanted);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * The `protocol.handle('app', …)` handler: GET of a file of dist/renderer, with the CSP on every
 * answer. A symlink that points out of the root is refused like a `..`.
 */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: HEADERS });
    const file = resolveAppPath(rootDir, request.url);
    if (file === null) return notFound();
    try {
      const [realRoot, realFile] = await Promise.all([realpath(rootDir), realpath(file)]);
      if (!realFile.startsWith(realRoot + sep) || !(await stat(realFile)).isFile()) return notFound();
      const body = request.method === 'HEAD' ? null : await readFile(realFile);
      return new Response(body, {
        status: 200,
        headers: { ...HEADERS, 'Content-Type': MIME[extname(realFile).toLowerCase()] ?? 'application/octet-stream' },
      });
    } catch {
      return notFound();
    }
  };
}
