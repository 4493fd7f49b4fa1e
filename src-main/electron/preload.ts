import { contextBridge, ipcRenderer } from 'electron';
import { createDeskMethods, type DeskApi } from '../../src-shared/api/desk-bridge';
import { isEventTopic, type ApiResult } from '../../src-shared/api';

// The renderer gets narrow functions per domain and event subscription by known topic: never
// ipcRenderer itself, so a compromised page cannot send arbitrary channels.
const desk: DeskApi = {
  ...createDeskMethods((name, input) => ipcRenderer.invoke('desk:call', name, input) as Promise<ApiResult<unknown>>),
  on(topic, listener) {
    if (!isEventTopic(topic)) throw new Error(`unknown event topic ${String(topic)}`);
    const handler = (_event: unknown, receivedTopic: unknown, payload: unknown) => {
      if (receivedTopic === topic) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on('desk:event', handler);
    return () => ipcRenderer.removeListener('desk:event', handler);
  },
};

contextBridge.exposeInMainWorld('desk', desk);
