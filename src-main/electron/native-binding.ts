/**
 * Where the SQLite addon built for Electron's ABI comes from. In development `npm start` builds it and
 * names it in DESK_SQLITE_BINDING. A packaged app never reads that variable: whoever can set a user's
 * environment (a login script, a shortcut) would otherwise load their own native code into the process
 * that holds the data keys. The packaged app loads the addon shipped (and rebuilt) with it.
 */
export function nativeBindingPath(isPackaged: boolean, env: NodeJS.ProcessEnv): string | undefined {
  if (isPackaged) return undefined;
  const path = env.DESK_SQLITE_BINDING;
  return path === undefined || path === '' ? undefined : path;
}
