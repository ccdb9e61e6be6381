// Builds the console into dist/, which care-api serves (services/care-api/src/console).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { port: 3010, proxy: { '/api': 'http://127.0.0.1:3005', '/people': 'http://127.0.0.1:3005' } },
});
