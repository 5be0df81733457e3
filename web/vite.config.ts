// Vite build of the SPA. Root is web/; the output web/dist is what api/app.ts
// serves at / when it exists. web/public/index.html is the API's fallback
// status page (served when web/dist is missing), so it must not be copied
// into the build: publicDir is off.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { rulebookPlugin } from './rulebook-plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [react(), rulebookPlugin(fileURLToPath(new URL('../rulebooks/2022.yaml', import.meta.url)))],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // `npm run dev:web`: the API (npm start) on :3000 answers /api and /docs.
    proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' },
  },
});
