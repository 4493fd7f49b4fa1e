import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import rules of ARCHITECTURE §3 are enforced by lint; these cases keep the rules from silently
// loosening. Each lints a one-line file as if it stood at the given path.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer import rules', () => {
  it.each([
    ['src-renderer/features/x.ts', "import { createCore } from '../../src-main/core';\nexport const x = createCore;"],
    ['src-renderer/features/x.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"],
    ['src-shared/domain/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['src-shared/domain/x.ts', "import { useState } from 'react';\nexport const x = useState;"],
    ['src-main/core/sync/x.ts', "import { startPlatform } from '../../platform';\nexport const x = startPlatform;"],
    ['src-main/core/sync/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src-main/core/sync/x.ts', "import Database from 'better-sqlite3-multiple-ciphers';\nexport const x = Database;"],
    ['src-main/platform/http/x.ts', "import { createCore } from '../../core';\nexport const x = createCore;"],
    ['src-main/browser-shell/x.ts', "import { app } from 'electron';\nexport const x = app;"],
  ])('%s may not run: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toHaveLength(1);
  });

  it.each([
    ['src-renderer/features/x.ts', "import { apiContract } from '../../src-shared/api';\nexport const x = apiContract;"],
    ['src-main/core/store/x.ts', "import Database from 'better-sqlite3-multiple-ciphers';\nexport const x = Database;"],
    ['src-main/electron/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    [
      'src-main/core/platform-client/x.ts',
      "import { checkMatricule } from '../../../src-shared/domain/matricule';\nexport const x = checkMatricule;",
    ],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toEqual([]);
  });
});
