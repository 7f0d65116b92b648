import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In dev, the API runs separately (`npm run onair -- serve`, port 8080); in production the server
// serves dist/ itself, so the app always talks to its own origin.
const API = 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': API,
      '/healthz': API,
      '/metrics': API,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
