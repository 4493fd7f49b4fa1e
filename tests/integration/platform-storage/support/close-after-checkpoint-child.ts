/**
 * A process whose last work is closing a SQLite storage that has started its checkpoint worker (what a
 * bench's seeding child does). Prints "closed" once close() has returned; the test checks it did.
 */
import { join } from 'node:path';
import { SqliteStorage } from '../../../../src-main/platform/storage/sqlite-storage';

const file = join(process.argv[2]!, 'platform.sqlite');
let checkpointed: () => void = () => {};
const done = new Promise<void>((resolve) => (checkpointed = resolve));
const storage = new SqliteStorage(file, { checkpointEvery: 256 * 1024, onCheckpoint: () => checkpointed() });
const value = 'x'.repeat(64 * 1024);
await storage.write(async (tx) => {
  for (let n = 0; n < 8; n++) await tx.setMeta(`big-${n}`, value);
});
await done; // the worker exists and is idle: from here nothing else keeps the process alive
await storage.close();
process.stdout.write('closed\n');
