// ESLint flat config: TypeScript rules everywhere, React hooks in the renderer, and the import rules of
// ARCHITECTURE §3 (who may import whom) enforced per folder.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'zlib',
  'worker_threads',
];

/** A no-restricted-imports rule from a list of {group, message} entries. */
function forbid(...entries) {
  return { 'no-restricted-imports': ['error', { patterns: entries.map(({ group, message }) => ({ group, message })) }] };
}

const NOT_MAIN = { group: ['**/src-main/**', '**/src-main'], message: 'Only src-main imports src-main (ARCHITECTURE §3).' };
const NOT_RENDERER = { group: ['**/src-renderer/**'], message: 'Nothing imports the renderer (ARCHITECTURE §3).' };
const NOT_ELECTRON = {
  group: ['electron', 'electron/*', '**/electron/**', '../electron'],
  message: 'Only src-main/electron imports electron (ARCHITECTURE §3).',
};
const NOT_NODE = { group: NODE_BUILTINS, message: 'This layer runs without Node: no node: modules (ARCHITECTURE §3).' };
const NOT_REACT = { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src-shared is UI-free.' };
const NOT_PLATFORM = {
  group: ['**/platform/**', '**/platform'],
  message: 'The client core reaches the platform only over HTTP (ARCHITECTURE §3).',
};
const NOT_CORE = {
  group: ['**/core/**', '**/core', '!@medplum/core'],
  message: 'The platform never imports the client core (ARCHITECTURE §3).',
};
const NOT_SQLITE = {
  group: ['better-sqlite3-multiple-ciphers'],
  message: 'Only core/store opens the client database (ARCHITECTURE §3).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tsbuild/**', 'test-results/**', '.native/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src-shared/**/*.ts'], rules: forbid(NOT_MAIN, NOT_RENDERER, NOT_ELECTRON, NOT_NODE, NOT_REACT) },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, ...forbid(NOT_MAIN, NOT_ELECTRON, NOT_NODE) },
  },
  {
    files: ['src-main/core/**/*.ts'],
    ignores: ['src-main/core/store/**'],
    rules: forbid(NOT_PLATFORM, NOT_ELECTRON, NOT_RENDERER, NOT_SQLITE),
  },
  { files: ['src-main/core/store/**/*.ts'], rules: forbid(NOT_PLATFORM, NOT_ELECTRON, NOT_RENDERER) },
  { files: ['src-main/platform/**/*.ts'], rules: forbid(NOT_CORE, NOT_ELECTRON, NOT_RENDERER) },
  { files: ['src-main/browser-shell/**/*.ts'], rules: forbid(NOT_ELECTRON, NOT_RENDERER) },
  { files: ['src-main/electron/**/*.ts'], rules: forbid(NOT_RENDERER) },
  {
    files: ['tests/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    // Tests read whatever JSON the platform answered; `any` there is the honest type (see Json in platform-harness).
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
