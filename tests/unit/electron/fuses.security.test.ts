import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Threat: a signed, installed eSanté Desk is used as a Node interpreter ("living off the land"):
// ELECTRON_RUN_AS_NODE or NODE_OPTIONS=--require make the trusted binary run an attacker's script, with
// the app's keychain access; --inspect attaches a debugger to the process holding the data keys; an
// app.asar swapped next to the binary loads unchecked code. Electron fuses, flipped at packaging time
// (electron-builder's `electronFuses`, key names from app-builder-lib 26's FuseOptionsV1), switch
// these off in the binary itself.

/** The `electronFuses:` block of electron-builder.yml as key → value (a flat block of `key: true|false`). */
function electronFuses(): Record<string, boolean> {
  const text = readFileSync(fileURLToPath(new URL('../../../electron-builder.yml', import.meta.url)), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^electronFuses:\s*(#.*)?$/.test(line));
  if (start < 0) return {};
  const fuses: Record<string, boolean> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // next top-level key
    const match = /^\s+([A-Za-z]+):\s*(true|false)\s*(#.*)?$/.exec(line);
    if (match) fuses[match[1]!] = match[2] === 'true';
  }
  return fuses;
}

describe('Electron fuses in the packaging config', () => {
  it('the packaged binary cannot run as Node, read NODE_OPTIONS or take --inspect', () => {
    expect(electronFuses()).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });

  it('it loads the app only from an integrity-checked app.asar, and file:// gets no extra privileges', () => {
    expect(electronFuses()).toMatchObject({
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('cookies are encrypted with the OS keychain', () => {
    expect(electronFuses()).toMatchObject({ enableCookieEncryption: true });
  });

  it('names only fuses electron-builder knows (a misspelt key would be silently ignored)', () => {
    const known = [
      'runAsNode',
      'enableCookieEncryption',
      'enableNodeOptionsEnvironmentVariable',
      'enableNodeCliInspectArguments',
      'enableEmbeddedAsarIntegrityValidation',
      'onlyLoadAppFromAsar',
      'loadBrowserProcessSpecificV8Snapshot',
      'grantFileProtocolExtraPrivileges',
      'resetAdHocDarwinSignature',
    ];
    const named = Object.keys(electronFuses());
    expect(named.length).toBeGreaterThan(0);
    for (const key of named) expect(known).toContain(key);
  });
});
