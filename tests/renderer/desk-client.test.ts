import { describe, expect, it } from 'vitest';
import { createHttpDesk, takeSessionTokenFromLocation } from '../../src-renderer/api/desk-client';

describe('renderer desk client', () => {
  it('takes the session token from the fragment and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/#token=abc_DEF-123');
    const token = takeSessionTokenFromLocation(window.location, window.sessionStorage, window.history);
    expect(token).toBe('abc_DEF-123');
    expect(window.location.hash).toBe('#/');
    expect(takeSessionTokenFromLocation(window.location, window.sessionStorage, window.history)).toBe('abc_DEF-123');
  });

  it('posts each method to /api/<domain>.<method> with the bearer token', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ ok: true, value: { language: 'de', autoLockMinutes: 5 } }));
    }) as typeof fetch;
    const desk = createHttpDesk('tok', fakeFetch);
    expect(await desk.settings.update({ language: 'de' })).toEqual({ ok: true, value: { language: 'de', autoLockMinutes: 5 } });
    expect(calls[0]!.url).toBe('/api/settings.update');
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(calls[0]!.init.body).toBe('{"language":"de"}');
  });

  it('reports an unreachable core as offline instead of throwing', async () => {
    const desk = createHttpDesk('tok', (() => Promise.reject(new TypeError('network'))) as typeof fetch);
    expect(await desk.app.info({})).toMatchObject({ ok: false, error: { code: 'offline' } });
  });
});
