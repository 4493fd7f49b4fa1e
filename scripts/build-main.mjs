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
  // CommonJS has no import.meta: modules that locate files next to themselves get the bundle's URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
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
