/**
 * The set-up every e2e test file shares, in one place: a test platform (or none: each app then embeds its
 * own, as `npm start` does for a new user), the apps (`npm start -- --browser`, a data directory each) on it,
 * one headless Chromium, the screenshot folder; and, after the file's tests, all of it stopped again,
 * apps started later and a platform started again included.
 *
 * Call `useE2eSession` at the top of a test file: it registers the file's beforeAll and afterAll, and its
 * fields are set once that beforeAll has run. The file's own beforeAll (pages, logins) runs after it.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { startApp, type RunningApp } from './app-process';
import { launchChromium, SCREENSHOT_DIR } from './chromium';

export interface E2eSessionOptions<App extends string> {
  /** A test platform with this seed (demo accounts are always there) for the apps; without it, each app embeds its own. */
  platform?: 'demo' | 'none';
  /** What the test needs on the platform before any app starts (runs once it listens). */
  preparePlatform?: (platform: TestPlatform) => Promise<void>;
  /** The apps to start, by the name the test calls them (started side by side); one named `app` by default. */
  apps?: readonly App[];
  /** More arguments for each of these apps (e.g. `--simulator`). */
  appArgs?: string[];
}

export interface E2eSession<App extends string> {
  /** The session's test platform (with the `platform` option). */
  readonly platform: TestPlatform;
  /** Starts the test platform, which the test stopped, again on its data directory and port, where the apps find it. */
  startPlatformAgain(): Promise<TestPlatform>;
  /** The apps asked for, by name. */
  readonly apps: Readonly<Record<App, RunningApp>>;
  readonly browser: Browser;
  /** One more app: on the session's platform, or with these arguments; stopped with the others. */
  startApp(args?: string[]): Promise<RunningApp>;
  /** A page in a browser context of its own (its own storage: another workstation's browser). */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

export function useE2eSession<const App extends string = 'app'>(options: E2eSessionOptions<App> = {}): E2eSession<App> {
  let platform: TestPlatform | undefined;
  let browser: Browser | undefined;
  const apps = {} as Record<App, RunningApp>;
  const started: RunningApp[] = [];

  const appArgs = (extra: string[] = []) => [...(platform ? ['--platform-url', platform.url] : []), ...extra];
  const session: E2eSession<App> = {
    get platform() {
      if (!platform) throw new Error('this e2e session has no test platform (useE2eSession({ platform }))');
      return platform;
    },
    async startPlatformAgain() {
      const { dataDir, port } = session.platform;
      platform = await startTestPlatform({ dataDir, port });
      return platform;
    },
    apps,
    get browser() {
      if (!browser) throw new Error('the e2e session is not started yet (use it inside a test or a later beforeAll)');
      return browser;
    },
    async startApp(args) {
      const app = await startApp({ args: args ?? appArgs(options.appArgs) });
      started.push(app);
      return app;
    },
    newPage: (contextOptions) => session.browser.newPage(contextOptions),
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    if (options.platform) {
      platform = await startTestPlatform({ seed: options.platform });
      await options.preparePlatform?.(platform);
    }
    const names = options.apps ?? (['app'] as App[]);
    const running = await Promise.all(names.map(() => session.startApp()));
    names.forEach((name, i) => (apps[name] = running[i]!));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(started.map((app) => app.stop()));
    await platform?.stop().catch(() => {}); // a test may have stopped it already
  });

  return session;
}
