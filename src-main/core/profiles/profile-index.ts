import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DeskError } from '../../../src-shared/domain/errors';
import { writeFileDurably } from '../store/durable-file';

/** What the profile picker shows. Never a secret: this file is not encrypted. */
export const profileSummarySchema = z
  .object({
    id: z.string().regex(/^[0-9a-f-]{36}$/),
    displayName: z.string().min(1).max(100),
    platformUserId: z.string().max(200).nullable(),
    platformUrl: z.string().max(2000).nullable(),
    createdAt: z.string(),
  })
  .strict();

export type ProfileSummary = z.infer<typeof profileSummarySchema>;

const indexSchema = z.object({ version: z.literal(1), profiles: z.array(profileSummarySchema) }).strict();

/** `profiles.json`: the list of profiles on this device, written atomically. */
export class ProfileIndex {
  constructor(readonly path: string) {}

  read(): ProfileSummary[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: ReturnType<typeof indexSchema.safeParse>;
    try {
      parsed = indexSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = { success: false } as ReturnType<typeof indexSchema.safeParse>;
    }
    // A damaged index is reported, never replaced by an empty one: that would hide every profile.
    if (!parsed.success) throw new DeskError('internal', `the profile index ${this.path} is damaged`);
    return parsed.data.profiles;
  }

  write(profiles: readonly ProfileSummary[]): void {
    writeFileDurably(this.path, `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`);
  }
}
