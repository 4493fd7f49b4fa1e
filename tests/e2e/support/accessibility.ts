import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { AxeResults, Result } from 'axe-core';

// axe-core's browser build, evaluated in the page through the DevTools protocol (the app's CSP forbids
// inline scripts, and evaluation is not subject to it).
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Every screen checked in this test process, with the number of serious or critical violations found. */
export const accessibilityLog: { screen: string; violations: number }[] = [];

const BLOCKING = new Set(['serious', 'critical']);

function describeViolation(violation: Result): string {
  const nodes = violation.nodes
    .slice(0, 5)
    .map((node) => `    ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join('; ').trim() ?? ''}`);
  const more = violation.nodes.length > 5 ? [`    … and ${violation.nodes.length - 5} more`] : [];
  return [
    `  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.nodes.length} elements)`,
    ...nodes,
    ...more,
  ].join('\n');
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on what the page shows now and throws, listing them, if any
 * violation is serious or critical. Call it on every screen an e2e test visits, once the screen has settled.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // A screen still fading in (a modal, a notification) has half-transparent colours: check it once settled.
  await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => {}))));
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () =>
    (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  );
  const blocking = results.violations.filter((v) => v.impact && BLOCKING.has(v.impact));
  const count = blocking.reduce((sum, v) => sum + v.nodes.length, 0);
  accessibilityLog.push({ screen, violations: count });
  if (process.env.AXE_LOG) console.log(`axe: ${screen}: ${count} serious/critical`);
  if (blocking.length > 0) {
    throw new Error(
      `"${screen}" has ${count} serious or critical accessibility violations:\n${blocking.map(describeViolation).join('\n')}`,
    );
  }
}
