/** Shell: header with navigation, live tick and connection state; the routed page below. */
import { ConnectionIndicator } from './components/ConnectionIndicator.js';
import { OperatorIndicator } from './components/OperatorToken.js';
import { useRoute, type Route } from './lib/router.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { DeployPage } from './pages/DeployPage.js';
import { DocsPage } from './pages/DocsPage.js';
import { LeaderboardPage } from './pages/LeaderboardPage.js';
import { ResearchPage } from './pages/ResearchPage.js';
import { StrategyPage } from './pages/StrategyPage.js';

const NAV: Array<{ href: string; label: string; pages: Route['page'][] }> = [
  { href: '#/', label: 'Dashboard', pages: ['dashboard'] },
  { href: '#/leaderboard', label: 'Leaderboard', pages: ['leaderboard', 'strategy'] },
  { href: '#/deploy', label: 'Deploy', pages: ['deploy'] },
  { href: '#/research', label: 'Research', pages: ['research'] },
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
  const route = useRoute();
  return (
    <>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">CrowdAlpha</span>
        <nav aria-label="Pages">
          {NAV.map((n) => (
            <a key={n.href} href={n.href} aria-current={n.pages.includes(route.page) ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <OperatorIndicator />
        <ConnectionIndicator />
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}
