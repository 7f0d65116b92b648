import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { serviceWorker } from './src/pwa/swPlugin.ts';

// In dev, the API runs separately (`npm run onair -- serve`, port 8080); in production the server
// serves dist/ itself, so the app always talks to its own origin.
const API = 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), serviceWorker()],
  server: {
    proxy: {
      // ws: the realtime gateway and browser go-live are WebSockets under /api.
      '/api': { target: API, ws: true },
      // LIVE media: HTTP-FLV, HLS playlists/segments and thumbnails.
      '/live': API,
      '/healthz': API,
      '/metrics': API,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
