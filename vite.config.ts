import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built to static files: served by the browser shell, and by Electron's app://desk
// protocol (src-main/electron/app-protocol.ts); a relative base works under both.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
