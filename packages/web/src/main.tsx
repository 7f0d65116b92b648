import './lib/zod-jitless.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app/App.tsx';
import { RealtimeProvider } from './app/realtime.tsx';
import { SessionProvider } from './app/session.tsx';
import { captureInstallPrompt } from './pwa/install.ts';
import { registerServiceWorker } from './pwa/register.ts';
import './styles/theme.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/pages.css';
import './styles/live.css';
import './styles/room.css';
import './styles/wallet.css';
import './styles/gifts.css';
import './styles/search.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

captureInstallPrompt();
registerServiceWorker();

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <RealtimeProvider>
          <App />
        </RealtimeProvider>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
