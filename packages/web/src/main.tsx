/** Entry: one MarketSession for the tab, started before the first render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { MarketSession } from './state/market-session.js';
import { SessionContext } from './state/use-market.js';
import './styles.css';

const session = new MarketSession();
session.start();
// exposed for the browser tests and for poking at the live store from devtools
(window as unknown as { crowdalpha: MarketSession }).crowdalpha = session;

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');
createRoot(root).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <App />
    </SessionContext.Provider>
  </StrictMode>,
);
