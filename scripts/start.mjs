// `npm start`: Electron when its binary (and an Electron-ABI SQLite binding) can be had, otherwise the
// browser shell, which prints `eSanté Desk is running at http://127.0.0.1:PORT/#token=…`.
// `npm start -- --browser [--port N] [--data-dir DIR]` forces the browser shell.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';
import { buildElectronBinding } from './native-binding.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const shellArgs = args.filter((a) => a !== '--browser');

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The renderer is static files; build it once (and again whenever its sources are newer).
function ensureRendererBuilt() {
  const index = join(root, 'dist', 'renderer', 'index.html');
  const stale = spawnSync('find', ['src-renderer', 'src-shared', '-newer', index, '-type', 'f', '-print', '-quit'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (!existsSync(index) || stale.stdout.trim() !== '') {
    console.error('Building the user interface…');
    run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  }
}

function startBrowserShell() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src-main', 'browser-shell', 'main.ts'), ...shellArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

function startElectron(binary) {
  run(process.execPath, [join(root, 'scripts', 'build-main.mjs')]);
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const binding = buildElectronBinding(root, electronVersion);
  if (!binding) return false;
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit', env: { ...process.env, DESK_SQLITE_BINDING: binding } });
  child.on('exit', (code) => process.exit(code ?? 0));
  return true;
}

ensureRendererBuilt();
const electron = forceBrowser ? null : findElectronBinary();
if (!electron) {
  if (!forceBrowser) console.error('Electron is not available on this machine: starting the browser shell instead.');
  startBrowserShell();
} else if (!startElectron(electron)) {
  console.error('Could not build the SQLite binding for Electron: starting the browser shell instead.');
  startBrowserShell();
}
