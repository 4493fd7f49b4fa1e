import { createDeskMethods, type DeskApi } from '../../src-shared/api/desk-bridge';
import { isEventTopic, type ApiResult, type EventTopic } from '../../src-shared/api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser shell. */
    desk?: DeskApi;
  }
}

const TOKEN_KEY = 'esante-desk.session-token';

/**
 * The browser shell hands its session token in the URL fragment (never sent to a server). We keep it
 * for this tab only and clear it from the address bar so it does not end up in screenshots or history.
 */
export function takeSessionTokenFromLocation(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  return storage.getItem(TOKEN_KEY);
}

/** The same API as the preload, carried over the browser shell's HTTP bridge. */
export function createHttpDesk(token: string, fetchImpl: typeof fetch = fetch): DeskApi {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const invoke = async (name: string, input: unknown): Promise<ApiResult<unknown>> => {
    try {
      const response = await fetchImpl(`/api/${name}`, { method: 'POST', headers, body: JSON.stringify(input) });
      return (await response.json()) as ApiResult<unknown>;
    } catch {
      return { ok: false, error: { code: 'offline', message: 'the desk core cannot be reached' } };
    }
  };
  const listeners = new Map<EventTopic, Set<(payload: unknown) => void>>();
  let streaming = false;

  // One event stream per tab, read with fetch so it can carry the token header (EventSource cannot).
  async function stream(): Promise<void> {
    streaming = true;
    for (;;) {
      try {
        const response = await fetchImpl('/api/events', { headers });
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const topic = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (isEventTopic(topic) && data !== undefined) listeners.get(topic)?.forEach((fn) => fn(JSON.parse(data)));
          }
        }
      } catch {
        // The core went away (shell restarted): try again shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  return {
    ...createDeskMethods(invoke),
    on(topic, listener) {
      if (!streaming) void stream();
      const set = listeners.get(topic) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(topic, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

/** The renderer's one API client: the preload's when in Electron, the HTTP bridge otherwise. */
export function connectDesk(): DeskApi {
  if (window.desk) return window.desk;
  const token = takeSessionTokenFromLocation(window.location, window.sessionStorage, window.history);
  if (!token) throw new Error('no session token: open the URL printed by npm start');
  return createHttpDesk(token);
}
