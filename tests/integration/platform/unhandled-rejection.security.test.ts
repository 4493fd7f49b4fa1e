/**
 * Threat (issue 9): a promise rejection the platform leaves unhandled ends its process (Node's default
 * since v15), and with it every client's sync and the embedded platform of the desktop app. The platform
 * runs here as its own process with `--unhandled-rejections=strict`; hostile requests of every kind must
 * each get an answer (never a 5xx), and the process must still be serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { httpText, rawRequest, sendAndHangUp } from '../../fixtures/raw-http';
import { startPlatformProcess, type PlatformProcess } from '../../fixtures/platform-process';

let platform: PlatformProcess;
let token = '';

beforeAll(async () => {
  platform = await startPlatformProcess();
  const gp = demoAccount('gp');
  const login = await fetch(`http://127.0.0.1:${platform.port}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: gp.identifier, password: gp.password, otp: gp.otp }),
  });
  token = ((await login.json()) as { access_token: string }).access_token;
});
afterAll(async () => platform?.stop());

function hostileRequests(port: number): Array<[string, string]> {
  const host = `127.0.0.1:${port}`;
  const auth = { Host: host, Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json' };
  const post = (path: string, body: string) => httpText('POST', path, auth, body);
  const get = (path: string, headers: Record<string, string> = auth) => httpText('GET', path, headers);
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  return [
    ['truncated UTF-8 percent-encoding', get('/%E0%A4%A', { Host: host })],
    ['JSON nested 200,000 deep', post('/fhir/Patient', `{"resourceType":"Patient","extension":${deep(200_000)}}`)],
    [
      'JSON nested 200,000 deep in a transaction',
      post('/fhir', `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":${deep(200_000)}}]}`),
    ],
    ['1,100 repeated _id', get(`/fhir/Patient?${Array.from({ length: 1100 }, (_, i) => `_id=p${i}`).join('&')}`)],
    [
      'a NUL in a name',
      post('/fhir/Patient', '{"resourceType":"Patient","name":[{"family":"A\\u0000B"}],"birthDate":"1990-01-01"}'),
    ],
    ['an unknown element', post('/fhir/Organization', '{"resourceType":"Organization","name":"X","shoeSize":3}')],
    ['a rebound Host', get('/fhir/metadata', { Host: `evil.example:${port}` })],
    ['headers beyond 16 KiB', get('/fhir/metadata', { Host: host, 'X-Padding': 'a'.repeat(20_000) })],
    ['an access token of 12,000 characters', get('/fhir/Patient', { Host: host, Authorization: `Bearer ${'a'.repeat(12_000)}` })],
    ['a forged token', get('/fhir/Patient', { Host: host, Authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' })],
    ['a malformed page token', get('/fhir/Patient?_page=%%%')],
    ['a malformed $changes cursor', get('/fhir/$changes?cursor=%E0%A4%A')],
    [
      'a transaction whose entries are not objects',
      post('/fhir', '{"resourceType":"Bundle","type":"transaction","entry":[1,null,"x"]}'),
    ],
    ['a receipt with a broken body', post('/fhir/Communication/x/$receipt', '{"resourceType":"Parameters","parameter":7}')],
    ['a Content-Length that lies', httpText('POST', '/fhir/Patient', { ...auth, 'Content-Length': 'abc' }, '{}')],
    [
      'a chunked body that never ends properly',
      httpText('POST', '/fhir/Patient', { ...auth, 'Transfer-Encoding': 'chunked' }, 'zz\r\n'),
    ],
    ['a prototype-poisoning key', post('/fhir/Patient', '{"resourceType":"Patient","__proto__":{"x":1}}')],
    [
      'a login with a body of the wrong shape',
      httpText('POST', '/auth/login', { Host: host, 'Content-Type': 'application/json' }, '[1,2,3]'),
    ],
    [
      'a refresh with a huge token',
      httpText(
        'POST',
        '/auth/refresh',
        { Host: host, 'Content-Type': 'application/json' },
        JSON.stringify({ refresh_token: 'r'.repeat(100_000) }),
      ),
    ],
  ];
}

describe('the platform process under hostile requests', () => {
  it('answers each with a 4xx, never lets a rejection go unhandled, and keeps serving', async () => {
    const unanswered: string[] = [];
    for (const [name, text] of hostileRequests(platform.port)) {
      const answer = await rawRequest(platform.port, text);
      if (answer.status === null || answer.status < 400 || answer.status >= 500) unanswered.push(`${name}: ${answer.head}`);
    }
    // Clients that leave mid-request: a write cut short, a transaction dropped while it is read.
    const auth = {
      Host: `127.0.0.1:${platform.port}`,
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/fhir+json',
    };
    await sendAndHangUp(
      platform.port,
      httpText('POST', '/fhir/Patient', { ...auth, 'Content-Length': '5000' }, '{"resourceType":'),
    );
    await sendAndHangUp(
      platform.port,
      httpText('POST', '/fhir', auth, '{"resourceType":"Bundle","type":"transaction","entry":[]}'),
    );
    await sendAndHangUp(platform.port, httpText('GET', '/fhir/$changes', auth));

    const normal = await rawRequest(platform.port, httpText('GET', '/fhir/metadata', { Host: `127.0.0.1:${platform.port}` }));
    expect(unanswered, 'requests without a 4xx answer').toEqual([]);
    expect(normal.status, normal.head).toBe(200);
    expect(platform.stderr()).not.toMatch(/unhandledRejection|UnhandledPromiseRejection|Uncaught/);
    expect(platform.alive(), platform.stderr()).toBe(true);
  });
});
