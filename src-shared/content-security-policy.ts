/**
 * The renderer's Content-Security-Policy, the same in Electron and in the browser shell.
 * No inline or remote scripts; styles may be inline because Mantine injects its CSS variables at run
 * time; the renderer talks to nothing but its own origin (the core carries all network traffic).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
