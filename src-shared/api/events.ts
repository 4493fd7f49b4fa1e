import { z } from 'zod';

/**
 * Events main sends to the renderer. They say "something changed, refetch"; they carry no clinical data
 * so a missed event costs a refetch, never a wrong screen.
 */
export const eventTopics = {
  'app.changed': z.object({}),
  'sync.progress': z.object({
    phase: z.enum(['idle', 'pull', 'push']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
  'sync.changed': z.object({}),
  'session.changed': z.object({}),
  /** DSP documents or rights changed in the cache (a pull, a local write, a revocation). */
  'dsp.changed': z.object({}),
  /** Care records changed in the cache (a pull, a local write, a revocation, a round prepared). */
  'care.changed': z.object({}),
  /** Tumour-board meetings, agendas, dossiers or proposals changed in the cache. */
  'rcp.changed': z.object({}),
  /** New mail or a delivery status changed; `newMessages` drives the notification. */
  'mailbox.changed': z.object({ newMessages: z.number().int().nonnegative() }),
  /** Spaces, their membership or content changed; `newPosts` (posts and files from others) drives the notification. */
  'spaces.changed': z.object({ newPosts: z.number().int().nonnegative() }),
  /**
   * An attachment on its way: a blob being sent, or the bytes of `Binary/<binaryId>` coming (an evicted
   * or not yet fetched document shows "downloading…" with this progress). Sizes only, no content.
   */
  'attachments.progress': z.object({
    direction: z.enum(['upload', 'download']),
    binaryId: z.string().nullable(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
} as const;

export type EventTopic = keyof typeof eventTopics;
export type EventPayload<T extends EventTopic> = z.infer<(typeof eventTopics)[T]>;
export const EVENT_TOPICS = Object.keys(eventTopics) as EventTopic[];

export function isEventTopic(topic: unknown): topic is EventTopic {
  return typeof topic === 'string' && Object.hasOwn(eventTopics, topic);
}
