/** Hash routing (`#/strategy/mom_1`): the server serves one index.html, so no SPA fallback is needed. */
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'dashboard' }
  | { page: 'leaderboard' }
  | { page: 'strategy'; agentId: string }
  | { page: 'deploy' }
  | { page: 'research'; simulationId: string | null }
  | { page: 'docs' }
  | { page: 'mine' }
  | { page: 'admin' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const [head = '', ...rest] = path.split('/');
  const arg = rest.length > 0 ? decodeURIComponent(rest.join('/')) : null;
  switch (head) {
    case '':
    case 'dashboard':
      return { page: 'dashboard' };
    case 'leaderboard':
      return { page: 'leaderboard' };
    case 'strategy':
      return arg ? { page: 'strategy', agentId: arg } : { page: 'leaderboard' };
    case 'deploy':
      return { page: 'deploy' };
    case 'research':
      return { page: 'research', simulationId: arg };
    case 'docs':
      return { page: 'docs' };
    case 'mine':
      return { page: 'mine' };
    case 'admin':
      return { page: 'admin' };
    default:
      return { page: 'not-found', path };
  }
}

export function strategyHref(agentId: string): string {
  return `#/strategy/${encodeURIComponent(agentId)}`;
}

export function navigate(href: string): void {
  location.hash = href.replace(/^#/, '');
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
