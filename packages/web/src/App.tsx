/** Shell: header with navigation, live tick and connection state; the routed page below. */
import { ConnectionIndicator } from './components/ConnectionIndicator.js';
import { AccountIndicator } from './components/Account.js';
import { useRoute, type Route } from './lib/router.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { DeployPage } from './pages/DeployPage.js';
import { DocsPage } from './pages/DocsPage.js';
import { LeaderboardPage } from './pages/LeaderboardPage.js';
import { AdminPage } from './pages/AdminPage.js';
import { MinePage } from './pages/MinePage.js';
import { ResearchPage } from './pages/ResearchPage.js';
import { StrategyPage } from './pages/StrategyPage.js';
import { AccountProvider, useAccount, type Account } from './state/account.js';

const NAV: Array<{ href: string; label: string; pages: Route['page'][]; when?: (a: Account) => boolean }> = [
  { href: '#/', label: 'Dashboard', pages: ['dashboard'] },
  { href: '#/leaderboard', label: 'Leaderboard', pages: ['leaderboard', 'strategy'] },
  { href: '#/deploy', label: 'Deploy', pages: ['deploy'] },
  { href: '#/research', label: 'Research', pages: ['research'] },
  // a keyless server has no accounts: Mine appears once keys exist or this tab holds one
  { href: '#/mine', label: 'Mine', pages: ['mine'], when: (a) => a.needsKey || a.credential !== null || (a.me !== null && !a.me.keyless) },
  // admins, and everyone on a server that checks nothing (where the first key is made)
  { href: '#/admin', label: 'Admin', pages: ['admin'], when: (a) => a.me?.can_admin === true },
  { href: '#/docs', label: 'Docs', pages: ['docs'] },
];

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'dashboard':
      return <DashboardPage />;
    case 'leaderboard':
      return <LeaderboardPage />;
    case 'strategy':
      return <StrategyPage key={route.agentId} agentId={route.agentId} />;
    case 'deploy':
      return <DeployPage />;
    case 'research':
      return <ResearchPage simulationId={route.simulationId} />;
    case 'docs':
      return <DocsPage />;
    case 'mine':
      return <MinePage />;
    case 'admin':
      return <AdminPage />;
    default:
      return (
        <div className="page">
          <p className="empty">
            No page at “{route.path}”. <a href="#/">Back to the dashboard</a>
          </p>
        </div>
      );
  }
}

export function App() {
  return (
    <AccountProvider>
      <Shell />
    </AccountProvider>
  );
}

function Shell() {
  const route = useRoute();
  const account = useAccount();
  return (
    <>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">CrowdAlpha</span>
        <nav aria-label="Pages">
          {NAV.filter((n) => !n.when || n.when(account) || n.pages.includes(route.page)).map((n) => (
            <a key={n.href} href={n.href} aria-current={n.pages.includes(route.page) ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <AccountIndicator />
        <ConnectionIndicator />
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}
