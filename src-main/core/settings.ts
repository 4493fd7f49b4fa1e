import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { DeskError } from '../../src-shared/domain/errors';

/**
 * User preferences. Never a secret: no passphrase, key, token or patient data belongs here
 * (the Electron implementation stores this as plain JSON through electron-store).
 */
export const settingsSchema = z
  .object({
    language: z.enum(['fr', 'de', 'en']).default('fr'),
    autoLockMinutes: z.number().int().min(1).max(240).default(15),
    /** A standalone platform to use instead of the embedded one. */
    remotePlatformUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .default(null),
    lastProfileId: z.string().max(64).nullable().default(null),
    /** The byte budget of each profile's attachment cache (least recently used blobs are evicted beyond it). */
    attachmentCacheMegabytes: z.number().int().min(64).max(1_048_576).default(2048),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** Where settings live: electron-store in Electron, a JSON file under Node. */
export interface SettingsStore {
  read(): Settings;
  update(patch: Partial<Settings>): Settings;
}

/** Validates a settings object read from disk; a rejection names the field and the rule. */
export function parseSettings(raw: unknown): Settings {
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'settings';
    throw new DeskError('invalid_input', `settings ${field}: ${issue.message}`, field);
  }
  return parsed.data;
}

/** File-backed settings for the browser shell and Node tests; writes are atomic (temp file + rename). */
export class FileSettingsStore implements SettingsStore {
  constructor(private readonly path: string) {}

  read(): Settings {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_SETTINGS;
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new DeskError('invalid_input', `settings file ${this.path} is not valid JSON`, 'settings');
    }
    return parseSettings(raw);
  }

  update(patch: Partial<Settings>): Settings {
    const next = parseSettings({ ...this.read(), ...patch });
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(next, null, 2), { mode: 0o600 });
    renameSync(temp, this.path);
    return next;
  }
}
