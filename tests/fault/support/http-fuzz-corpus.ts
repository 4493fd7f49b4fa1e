/**
 * A structure-aware generator of malformed HTTP requests for the fuzz run (issue 9, acceptance 4).
 * Each request starts from a real endpoint of the server under test and is broken in at least one of:
 * the method, the target (percent-encodings, control and non-ASCII bytes, traversal, absolute-form,
 * oversize, repeated parameters), the headers (Host, token, content type, junk) and the body (bad JSON,
 * deep nesting, prototype keys, binary, oversize, broken framing). The framing is always complete, so the
 * server can always answer: a request that gets no answer is a finding, not an artefact of the generator.
 */
import { Prng } from '../../../src-main/platform/seed/prng';

export interface FuzzTarget {
  port: number;
  /** A valid bearer token for this server, used on most requests so the fuzz reaches past authentication. */
  token: string;
  /** Real endpoints of this server to start from (paths, some with a query), with the method they take. */
  endpoints: ReadonlyArray<{ method: string; path: string }>;
  /** The content type this server's bodies are sent with. */
  contentType: string;
  /** A body far over this server's limit (bytes). */
  bodyLimit: number;
}

export interface FuzzRequest {
  /** A short description for reports: method, target and what was broken. */
  label: string;
  bytes: Buffer;
  /**
   * The body is over the server's limit: the server may answer and close while we are still sending, and
   * TCP then resets the connection, losing that answer on our side — a reset is the expected outcome here.
   */
  overLimit: boolean;
  /**
   * The body is larger than a socket's buffers: a server that refuses the request from its head alone (a
   * malformed target, a wrong Host) answers and closes while we are still sending, and TCP may reset the
   * connection before the answer is read — the same artefact as above, not a server that failed to answer.
   */
  largeBody: boolean;
}

const METHODS = [
  'GET',
  'GET',
  'GET',
  'POST',
  'POST',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'PATCH',
  'OPTIONS',
  'TRACE',
  'get',
  'G E T',
  'BREW',
];
const ENCODINGS = [
  '%20',
  '%2F',
  '%2f',
  '%2e%2e',
  '%25',
  '%',
  '%z',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '%0d%0a',
  '%7F',
  '%F0%9F%98%80',
  '%E2%80%AE',
];
const PATH_CHARS = 'abcXYZ019-._~!$&\'()*+,;=:@/?#[]"<>{}|\\^` éü€\u202e';
const PARAMS = [
  '_id',
  '_count',
  'cursor',
  'patient',
  'subject',
  '_include',
  '_revinclude',
  '_format',
  'name',
  '_sort',
  '_elements',
  'identifier',
  '_summary',
  'x',
];
const CONTENT_TYPES = [
  'application/fhir+json',
  'application/json',
  'application/json; charset=utf-16',
  'application/fhir+json; fhirVersion=9',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  ';;;',
  'application/json\u00e9',
];
const JUNK_HEADERS = [
  'Origin',
  'If-Match',
  'If-None-Exist',
  'Prefer',
  'X-Operation-Id',
  'Accept',
  'Accept-Encoding',
  'Cookie',
  'Range',
  'Upgrade',
  'X-Forwarded-For',
  'Referer',
  'Accept-Language',
];
const JUNK_VALUES = [
  '',
  ' ',
  'W/"1"',
  '*',
  'null',
  '%E0%A4%A',
  '\u00e9\u00e8',
  '\u202eevil',
  'x'.repeat(3000),
  '_id=demo-patient',
  'http://evil.example',
  '"',
  'a\u0001b',
  'websocket',
  'gzip, br, zstd',
  'bytes=0-,-1,5-2',
];

function randomString(prng: Prng, alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[prng.int(0, alphabet.length - 1)]!;
  return text;
}

/** A random JSON value, sometimes FHIR-shaped, at most `depth` deep. */
function randomJson(prng: Prng, depth: number): unknown {
  const kind = prng.int(0, depth <= 0 ? 3 : 6);
  switch (kind) {
    case 0:
      return prng.int(-1e6, 1e6) * (prng.chance(0.3) ? 1e300 : 1);
    case 1:
      return prng.pick([true, false, null]);
    case 2:
      return randomString(prng, PATH_CHARS + '\u0000\u0007\ud800', prng.int(0, 40));
    case 3:
      return prng.pick(['Patient', 'DocumentReference', 'Communication', '', '1990-13-45', 'urn:uuid:x', '__proto__']);
    case 4:
      return Array.from({ length: prng.int(0, 4) }, () => randomJson(prng, depth - 1));
    default: {
      const object: Record<string, unknown> = {};
      if (prng.chance(0.6))
        object.resourceType = prng.pick([
          'Patient',
          'DocumentReference',
          'Binary',
          'Bundle',
          'Consent',
          'Communication',
          'Nope',
          42,
        ]);
      for (let i = prng.int(0, 5); i > 0; i--) {
        const key = prng.pick([
          'id',
          'meta',
          'name',
          'subject',
          'content',
          'entry',
          'status',
          'identifier',
          'text',
          'shoeSize',
          'language',
          'passphrase',
        ]);
        object[key] = randomJson(prng, depth - 1);
      }
      return object;
    }
  }
}

function body(prng: Prng, target: FuzzTarget): { text: string | Buffer; broken: string } {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  switch (prng.int(0, 11)) {
    case 0:
      return { text: '', broken: 'empty body' };
    case 1:
      return { text: JSON.stringify(randomJson(prng, 5)).slice(0, prng.int(1, 200)), broken: 'JSON cut short' };
    // Deep nesting twice as often as the rest: it is the body fault with a history here (issue 9).
    case 2:
    case 8: {
      const depth = prng.pick([1_000, 10_000, 100_000, 200_000]);
      const deep = prng.chance(0.5) ? nested(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      // Most inside an otherwise valid resource, so the nesting reaches the code that walks resources.
      return prng.chance(0.75)
        ? {
            text: `{"resourceType":"Patient","name":[{"family":"Kieffer"}],"birthDate":"1990-05-17","extension":${deep}}`,
            broken: `a resource nested ${depth} deep`,
          }
        : { text: deep, broken: `JSON nested ${depth} deep` };
    }
    case 3:
      return {
        text: '{"resourceType":"Patient","__proto__":{"admin":true},"constructor":{"prototype":{}}}',
        broken: 'prototype keys',
      };
    case 4:
      return { text: Buffer.from(Array.from({ length: prng.int(1, 300) }, () => prng.int(0, 255))), broken: 'binary bytes' };
    case 5:
      return prng.chance(0.05)
        ? { text: `"${'x'.repeat(target.bodyLimit + 1024)}"`, broken: 'body over the limit' }
        : { text: JSON.stringify({ resourceType: 'Patient', text: 'y'.repeat(prng.int(1_000, 100_000)) }), broken: 'large body' };
    case 6:
      return { text: '\ufeff{}', broken: 'byte-order mark' };
    case 7:
      return { text: '{"a":1,"a":2,"resourceType":"Patient","resourceType":"Binary"}', broken: 'duplicate keys' };
    default:
      return { text: JSON.stringify(randomJson(prng, 6)), broken: 'random JSON' };
  }
}

function mutatedTarget(prng: Prng, start: string): { target: string; broken: string[] } {
  const broken: string[] = [];
  if (prng.chance(0.1)) {
    const whole = prng.pick([
      '*',
      'http://evil.example/fhir/metadata',
      'http://[::1',
      '//[',
      '',
      '?',
      'fhir/metadata',
      '/\u00e9',
    ]);
    return { target: whole, broken: [`target ${JSON.stringify(whole)}`] };
  }
  let path = start;
  const mutations = prng.int(1, 3);
  for (let i = 0; i < mutations; i++) {
    switch (prng.int(0, 6)) {
      case 0: {
        const encoding = prng.pick(ENCODINGS);
        const at = prng.int(1, path.length);
        path = path.slice(0, at) + encoding + path.slice(at);
        broken.push(`encoding ${encoding}`);
        break;
      }
      case 1:
        path += '/' + randomString(prng, PATH_CHARS, prng.int(1, 30));
        broken.push('odd characters');
        break;
      case 2: {
        const count = prng.pick([1, 2, 10, 100, 300, 1_500]);
        const name = prng.pick(PARAMS);
        const values = Array.from(
          { length: count },
          () => `${name}=${encodeURIComponent(randomString(prng, PATH_CHARS, prng.int(0, 12)))}`,
        );
        path += (path.includes('?') ? '&' : '?') + values.join('&');
        broken.push(`${count} × ${name}`);
        break;
      }
      case 3:
        path += prng.pick(['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc', '/./.././', '/;x=1']);
        broken.push('traversal');
        break;
      case 4: {
        const length = prng.pick([1_000, 7_000, 20_000]);
        path += '/' + 'a'.repeat(length);
        broken.push(`segment of ${length}`);
        break;
      }
      case 5:
        path +=
          '?' +
          prng.pick([
            '_count=-1',
            '_count=1e9',
            '_count=abc',
            'cursor=%00',
            'cursor=' + 'Z'.repeat(5000),
            '_format=xml',
            '=',
            '&&&',
            '_id',
          ]);
        broken.push('bad parameter value');
        break;
      default:
        path = path.replace(/\//g, () => (prng.chance(0.3) ? '//' : '/'));
        broken.push('doubled slashes');
    }
  }
  return { target: path, broken };
}

/**
 * The next malformed request for `target`, drawn from `prng`: a real endpoint with one or more of its
 * aspects broken and the others left valid, so each fault reaches the code behind the ones it did not break
 * (a broken body behind a valid token and content type reaches the resource handlers).
 */
export function nextFuzzRequest(prng: Prng, target: FuzzTarget): FuzzRequest {
  const endpoint = prng.pick(target.endpoints);
  const takesBody = endpoint.method === 'POST' || endpoint.method === 'PUT';
  const breaks = {
    method: prng.chance(0.12),
    target: prng.chance(0.4),
    host: prng.chance(0.1),
    auth: prng.chance(0.15),
    contentType: prng.chance(0.15),
    headers: prng.chance(0.25),
    body: prng.chance(takesBody ? 0.6 : 0.1),
    framing: prng.chance(0.08),
  };
  // Every request is malformed somewhere: when nothing else was drawn, its body is.
  if (!Object.values(breaks).some(Boolean)) breaks.body = true;

  const method = breaks.method ? prng.pick(METHODS) : endpoint.method;
  const { target: requestTarget, broken } = breaks.target
    ? mutatedTarget(prng, endpoint.path)
    : { target: endpoint.path, broken: [] };
  if (breaks.method) broken.push(`method ${method}`);
  const host = `127.0.0.1:${target.port}`;
  const headers: Array<[string, string]> = [];
  const header = (name: string, value: string, what?: string) => {
    headers.push([name, value]);
    if (what) broken.push(what);
  };
  if (!breaks.host) header('Host', host);
  else {
    const hostKind = prng.int(0, 3);
    if (hostKind === 0) broken.push('no Host');
    else if (hostKind === 1) header('Host', `evil.example:${target.port}`, 'foreign Host');
    else if (hostKind === 2) {
      header('Host', host);
      header('Host', 'evil.example', 'two Hosts');
    } else header('Host', '127.0.0.1:%E0', 'malformed Host');
  }
  if (!breaks.auth) header('Authorization', `Bearer ${target.token}`);
  else if (prng.chance(0.5))
    header('Authorization', `Bearer ${randomString(prng, 'abcXYZ0-_.', prng.int(1, 400))}`, 'forged token');
  else if (prng.chance(0.7)) {
    header(
      'Authorization',
      prng.pick(['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer ' + 'A'.repeat(8_000), 'bearer %00']),
      'odd Authorization',
    );
  } else broken.push('no Authorization');
  if (!breaks.contentType) header('Content-Type', target.contentType);
  else if (prng.chance(0.8)) header('Content-Type', prng.pick(CONTENT_TYPES), 'content type');
  else broken.push('no Content-Type');
  if (breaks.headers) {
    for (let i = prng.int(1, 3); i > 0; i--) {
      const name = prng.pick(JUNK_HEADERS);
      header(name, prng.pick(JUNK_VALUES), `header ${name}`);
    }
  }
  const withBody = breaks.body || breaks.framing || takesBody;
  let payload: Buffer = Buffer.alloc(0);
  if (withBody) {
    const drawn = breaks.body ? body(prng, target) : { text: '{}', broken: '' };
    payload = Buffer.isBuffer(drawn.text) ? drawn.text : Buffer.from(drawn.text, 'utf8');
    if (drawn.broken) broken.push(drawn.broken);
    const framing = breaks.framing ? prng.int(0, 3) : 4;
    if (framing === 0) {
      headers.push(['Transfer-Encoding', 'chunked']);
      payload = Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload, Buffer.from('\r\n0\r\n\r\n')]);
      broken.push('chunked');
    } else if (framing === 1) {
      headers.push(['Content-Length', String(payload.length)], ['Transfer-Encoding', 'chunked']);
      broken.push('Content-Length and chunked');
    } else if (framing === 2) {
      headers.push(['Content-Length', String(payload.length)], ['Content-Length', String(payload.length + 1)]);
      broken.push('two Content-Lengths');
    } else if (framing === 3 && payload.length > 0) {
      // Shorter than the body: the rest is read as the next request on this connection.
      headers.push(['Content-Length', String(payload.length - 1)]);
      broken.push('Content-Length short by one');
    } else {
      headers.push(['Content-Length', String(payload.length)]);
    }
  }
  headers.push(['Connection', 'close']);
  const head = `${method} ${requestTarget} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`;
  const shownTarget = requestTarget.length > 120 ? `${requestTarget.slice(0, 120)}…(${requestTarget.length})` : requestTarget;
  return {
    label: `${method} ${shownTarget} [${broken.join(', ')}]`,
    bytes: Buffer.concat([Buffer.from(head, 'utf8'), payload]),
    overLimit: payload.length > target.bodyLimit,
    largeBody: payload.length > LARGE_BODY_BYTES,
  };
}

/** Past this, a request's body may still be in flight when a server that refused its head closes the connection. */
const LARGE_BODY_BYTES = 64 * 1024;

export function fuzzPrng(seed: number): Prng {
  return new Prng(seed);
}
