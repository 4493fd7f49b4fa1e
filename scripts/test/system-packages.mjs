// The Debian packages the tests use, checked before anything runs. Missing ones are installed when
// `npm test` may (root, with apt-get); otherwise the run stops at once with the one command to run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** An executable of this name on PATH. */
function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Debian keeps the PostgreSQL server binaries off PATH, under /usr/lib/postgresql/<major>/bin. */
function postgresServerInstalled() {
  if (onPath('postgres') && onPath('pg_ctl')) return true;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  return versions.some((major) => existsSync(join('/usr/lib/postgresql', major, 'bin', 'postgres')));
}

const PACKAGES = [
  { name: 'chromium', usedFor: 'the e2e tests drive the app in it', installed: () => onPath('chromium') },
  { name: 'gnupg', usedFor: 'the independent OpenPGP peer', installed: () => onPath('gpg') && onPath('gpgconf') },
  { name: 'gcc', usedFor: 'building the stock SQLCipher reader', installed: () => onPath('gcc') },
  {
    name: 'libssl-dev',
    usedFor: "the SQLCipher reader's crypto (-lcrypto)",
    installed: () => existsSync('/usr/include/openssl/evp.h'),
  },
  { name: 'postgresql', usedFor: 'the PostgreSQL server binaries', installed: postgresServerInstalled },
];

function apt(args) {
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/**
 * Makes sure every package is there. Returns null when it is, or the reason the run must stop (with
 * the one command that fixes it).
 */
export function ensureSystemPackages() {
  const missing = PACKAGES.filter((p) => !p.installed());
  if (missing.length === 0) return null;
  const names = missing.map((p) => p.name);
  const install = ['install', '-y', '--no-install-recommends', ...names];
  const listed = missing.map((p) => `${p.name} (${p.usedFor})`).join(', ');
  const mayInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (mayInstall) {
    console.log(`npm test: installing missing Debian packages: ${listed}`);
    if (apt(['update']) && apt(install)) {
      const stillMissing = PACKAGES.filter((p) => !p.installed()).map((p) => p.name);
      if (stillMissing.length === 0) return null;
      return `npm test: still missing after apt-get install: ${stillMissing.join(', ')}`;
    }
    return `npm test: apt-get could not install ${names.join(' ')}; run: apt-get update && apt-get ${install.join(' ')}`;
  }
  return `npm test: missing Debian packages: ${listed}.\nRun: sudo apt-get ${install.join(' ')}`;
}
