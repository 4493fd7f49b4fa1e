// Lint, typecheck and formatting, run before any test: each failure names its files.
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';

/** Each check: its command and how to find the files it complains about in its output. */
const CHECKS = [
  {
    name: 'eslint',
    bin: ['eslint', 'bin/eslint.js'],
    args: ['.'],
    // stylish prints each offending file's absolute path on a line of its own
    files: (output) => output.split('\n').filter((line) => line.startsWith('/')),
  },
  {
    name: 'tsc',
    bin: ['typescript', 'bin/tsc'],
    args: ['-b'],
    files: (output) => [...output.matchAll(/^(\S+?)\(\d+,\d+\): error/gm)].map((m) => m[1]),
  },
  {
    name: 'prettier',
    bin: ['prettier', 'bin/prettier.cjs'],
    args: ['--check', '.'],
    files: (output) =>
      [...output.matchAll(/^\[(?:warn|error)\] (\S.*?)(?::.*)?$/gm)]
        .map((m) => m[1])
        .filter((file) => !/^Code style issues/.test(file)),
  },
];

/** Runs every check; returns null when all pass, else one line per failed check naming its files. */
export function runStaticChecks(root, bin) {
  const failures = [];
  for (const check of CHECKS) {
    console.log(`npm test: ${check.name} ${check.args.join(' ')}`);
    const result = spawnSync(process.execPath, [bin(...check.bin), ...check.args], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status === 0) continue;
    process.stdout.write(output);
    const files = [...new Set(check.files(output).map((file) => relative(root, file) || file))];
    failures.push(`${check.name} failed${files.length ? ` in ${files.join(', ')}` : ` (exit ${result.status})`}`);
  }
  return failures.length === 0 ? null : failures.join('\n');
}
