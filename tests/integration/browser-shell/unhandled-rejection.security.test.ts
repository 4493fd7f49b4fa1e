/**
 * Threat (issue 9): a request that makes the browser shell leave a promise rejection unhandled ends the
 * process — the user's session and the embedded platform with it. The shell runs here as its own process,
 * as users run it; it must answer every hostile request, never log an unhandledRejection, and keep running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_SHELL_REQUESTS, NORMAL_SHELL_REQUEST } from '../../fixtures/hostile-shell-requests';
import { httpText, rawRequest, sendAndHangUp } from '../../fixtures/raw-http';
import { startShellProcess, type ShellProcess } from '../../fixtures/shell-process';

let shell: ShellProcess;

beforeAll(async () => {
  shell = await startShellProcess();
});
afterAll(async () => {
  await shell?.stop();
});

describe('the browser shell process under hostile requests', () => {
  it('answers each with a 4xx, logs no unhandledRejection and keeps running', async () => {
    const unanswered: string[] = [];
    for (const request of HOSTILE_SHELL_REQUESTS) {
      const answer = await rawRequest(shell.port, request.text(shell));
      if (answer.status === null || answer.status < 400 || answer.status >= 500)
        unanswered.push(`${request.name}: ${answer.head}`);
    }
    const host = `127.0.0.1:${shell.port}`;
    const auth = { Host: host, Authorization: `Bearer ${shell.token}`, 'Content-Type': 'application/json' };
    // Clients that leave mid-request: a body cut short, an event stream dropped at once, a call whose
    // answer (the platform is unreachable) arrives after the caller has gone.
    await sendAndHangUp(shell.port, httpText('POST', '/api/app.info', { ...auth, 'Content-Length': '1000' }, '{"partial":'));
    await sendAndHangUp(shell.port, httpText('GET', '/api/events', { Host: host, Authorization: `Bearer ${shell.token}` }));
    const login = JSON.stringify({ identifier: 'demo.gp', password: 'x'.repeat(12), otp: '123456', passphrase: 'p'.repeat(12) });
    await sendAndHangUp(shell.port, httpText('POST', '/api/session.login', auth, login));

    const normal = await rawRequest(shell.port, NORMAL_SHELL_REQUEST(shell));
    expect(unanswered, 'requests without a 4xx answer').toEqual([]);
    expect(normal.status, normal.head).toBe(200);
    expect(shell.stderr()).not.toMatch(/unhandledRejection|UnhandledPromiseRejection|Uncaught/);
    expect(shell.alive(), shell.stderr()).toBe(true);
  });
});
