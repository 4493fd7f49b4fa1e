import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is built to static files: served by the browser shell, loaded from file:// by Electron
// (hence the relative base).
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
