import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into packages/web/dist, which the server serves at `/`. Routing is hash-based so the server
// needs no SPA fallback. VITE_API_URL / VITE_WS_URL override the serving origin (see src/api/endpoints.ts).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: { port: 5173 },
});
