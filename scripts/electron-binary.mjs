// Finds Electron's binary, fetching it once (with a short timeout) when allowed. On machines without
// internet the fetch fails fast and `npm start` falls back to the browser shell.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function binaryPath() {
  try {
    const path = require('electron'); // the package exports the binary's path, or throws when absent
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export function findElectronBinary({ fetchTimeoutMs = 20_000 } = {}) {
  const present = binaryPath();
  if (present) return present;
  let installer;
  try {
    installer = require.resolve('electron/install.js');
  } catch {
    return null;
  }
  const result = spawnSync(process.execPath, [installer], { timeout: fetchTimeoutMs, stdio: 'ignore' });
  return result.status === 0 ? binaryPath() : null;
}
