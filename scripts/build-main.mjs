// Bundles the Electron side for Electron's Node: main and the platform process as CommonJS, the
// preload as a single CommonJS file (a sandboxed preload cannot require our modules).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: true,
  // Native and Electron modules are loaded at run time, never bundled.
  external: ['electron', 'better-sqlite3-multiple-ciphers'],
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { 'electron-main': 'src-main/electron/main.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
});
await build({
  ...common,
  entryPoints: { preload: 'src-main/electron/preload.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
});
await build({
  ...common,
  entryPoints: { 'platform-process': 'src-main/platform/cli.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
});
