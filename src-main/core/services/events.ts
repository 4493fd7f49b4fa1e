import type { EventPayload, EventTopic } from '../../../src-shared/api';

export type EventListener = <T extends EventTopic>(topic: T, payload: EventPayload<T>) => void;

/** Fan-out of core events to whichever transports are attached (IPC windows, SSE streams). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<T extends EventTopic>(topic: T, payload: EventPayload<T>): void {
    for (const listener of this.listeners) {
      try {
        listener(topic, payload);
      } catch {
        // A broken transport (a closed window, a dropped stream) must not stop the others.
      }
    }
  }
}
