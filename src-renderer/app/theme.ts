import { createTheme, darken, keys, type CSSVariablesResolver } from '@mantine/core';

/**
 * Mantine's defaults, adjusted so that every text meets WCAG AA contrast (4.5:1), which axe-core checks on
 * every screen in the e2e tests. Filled components use shade 8 (white on blue.6 is only 3.5:1) and pick
 * black or white text by the background's luminance: 0.185 sits between red.8 (white text, 4.5:1) and
 * cyan.8 (black text, 4.8:1), so every palette colour gets the readable one.
 */
export const theme = createTheme({
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  luminanceThreshold: 0.185,
});

/**
 * Light scheme only: Mantine's "light" variants write shade 9 on shade 1-2 and its coloured text uses
 * shade 8, both under 4.5:1 for teal, green, lime, yellow and orange; darkened shade 9 passes for all.
 * "Dimmed" and error texts go one grey (red) darker for the same reason.
 */
export const cssVariablesResolver: CSSVariablesResolver = (current) => {
  const light: Record<string, string> = {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  };
  for (const name of keys(current.colors)) {
    const shade9 = current.colors[name]![9];
    light[`--mantine-color-${name}-light-color`] = darken(shade9, 0.4);
    light[`--mantine-color-${name}-text`] = darken(shade9, 0.2);
    light[`--mantine-color-${name}-outline`] = darken(shade9, 0.2);
  }
  return { variables: {}, light, dark: {} };
};
