// Builds better-sqlite3-multiple-ciphers for Electron's ABI into .native/electron/, leaving the copy in
// node_modules (Node's ABI, used by npm test) untouched. The core opens the database with
// `nativeBinding` pointing here when it runs inside Electron (DESK_SQLITE_BINDING).
// electron-rebuild is not used: on these machines it silently builds for Node's ABI.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function electronBindingPath(root) {
  return join(root, '.native', 'electron', 'better_sqlite3.node');
}

export function buildElectronBinding(root, electronVersion) {
  const target = electronBindingPath(root);
  if (existsSync(target)) return target;
  const source = dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json'));
  const work = join(root, '.native', 'build');
  rmSync(work, { recursive: true, force: true });
  cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${source}/build`) });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  const result = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
      '--runtime=electron',
    ],
    { cwd: work, stdio: 'inherit', timeout: 10 * 60_000 },
  );
  if (result.status !== 0) return null;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  rmSync(work, { recursive: true, force: true });
  return target;
}
