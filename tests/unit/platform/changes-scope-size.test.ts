import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../../src-main/platform/storage/sqlite-storage';
import { tempDir } from '../../fixtures/temp-dirs';

// A GP is référent for thousands of patients: the `$changes` scope names them all. One SQL condition
// per patient once broke SQLite's 1,000-deep expression limit (found by the DSP bench).
describe('$changes scope size', () => {
  it('a scope naming 5,000 patients and their DSPs is one query, not an error', async () => {
    const storage = new SqliteStorage(join(tempDir('desk-scope-'), 'platform.db'));
    try {
      const patients = Array.from({ length: 5_000 }, (_, i) => `Patient/p${i}`);
      const page = await storage.read((tx) =>
        tx.changes(
          {
            allOfTypes: [],
            resources: patients,
            createdBy: [],
            excludedTypes: [],
            dsp: { patients, documentParam: '_document' },
          },
          0,
          100,
        ),
      );
      expect(page).toEqual({ rows: [], hasMore: false });
    } finally {
      await storage.close();
    }
  });
});
