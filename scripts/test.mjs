// `npm test`, the whole check on a fresh machine, in order:
//   1. the Debian packages the tests use (chromium, gnupg, gcc + libssl-dev, postgresql): installed when
//      missing and we may (root with apt-get), else the run stops at once naming the command to run;
//   2. static checks: eslint, tsc -b, prettier --check — any failure fails the run, naming the files;
//   3. the stock SQLCipher reader for the interop test (built once, cached);
//   4. the renderer build (the e2e tests drive the built app);
//   5. every vitest project (node: unit + integration + fault; postgres; renderer; e2e; e2e-postgres);
//   6. a check that no process the tests started and no test temp directory is left.
// It always ends with the plain `N passed, N failed` line CI reads.
// Extra arguments go to vitest, e.g. `npm test -- --project node`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSqlcipherReader } from './sqlcipher-reader.mjs';
import { cleanUpRun, findLeftovers, startRunMarks } from './test/leftovers.mjs';
import { runStaticChecks } from './test/static-checks.mjs';
import { ensureSystemPackages } from './test/system-packages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

/** Ends a run that could not get to the tests. */
function stop(reason) {
  console.log(reason);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const packagesProblem = ensureSystemPackages();
if (packagesProblem) stop(packagesProblem);

const staticProblems = runStaticChecks(root, bin);
if (staticProblems) stop(`npm test: static checks failed:\n${staticProblems}`);

let reader;
try {
  reader = ensureSqlcipherReader();
} catch (error) {
  stop(error instanceof Error ? error.message : String(error));
}

const build = spawnSync(process.execPath, [bin('vite', 'bin/vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) stop('npm test: the renderer build failed');

mkdirSync(join(root, 'test-results'), { recursive: true });
const report = join(root, 'test-results', 'vitest.json');
const run = startRunMarks();
const vitest = spawnSync(
  process.execPath,
  [
    bin('vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ...run.env, SQLCIPHER_READER: reader } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  skipped = results.numPendingTests + results.numTodoTests;
  // A test file that crashed before running any test counts as a failure.
  failed += results.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
} catch {
  failed = Math.max(failed, 1);
}
if (vitest.status !== 0 && failed === 0) failed = 1;

// Each leftover process or directory counts as a failure; the run's marks are cleaned up either way.
const leftovers = await findLeftovers(run);
for (const { pid, command } of leftovers.processes) console.log(`npm test: left running by a test: pid ${pid}: ${command}`);
for (const dir of leftovers.dirs) console.log(`npm test: left behind by a test: ${dir}`);
failed += leftovers.processes.length + leftovers.dirs.length;
cleanUpRun(run, leftovers);

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && vitest.status === 0 ? 0 : 1);
