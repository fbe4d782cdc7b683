import { readFileSync } from 'node:fs';
/**
 * Python suites need Debian's python3 + python3-numpy and bubblewrap. Under CI=true they are
 * required (a missing piece fails the suite); elsewhere the suite is skipped with one loud line.
 */
import { pythonAvailability } from '../src/python/availability.js';

const availability = pythonAvailability();

/** True when the Python suites should run; prints why not once otherwise (and throws under CI). */
export function pythonSuiteEnabled(suite: string): boolean {
  if (availability.available) return true;
  if (process.env.CI === 'true') throw new Error(`${suite}: Python strategies are required under CI=true but unavailable: ${availability.reason}`);
  console.warn(`\n!!! SKIPPING ${suite}: Python strategies unavailable on this host (${availability.reason})\n`);
  return false;
}

/** The example strategy from issue #13, exactly as it was written for the original. */
export const USER_MOMENTUM_PY = readFileSync(new URL('../../../examples/strategies/user_momentum.py', import.meta.url), 'utf8');

/** A well-behaved Python strategy: two quotes, a call counter as its first factor. */
export const BENIGN_PY = `class Benign(BaseAgent):
    def __init__(self, agent_id, **kw):
        super().__init__(agent_id=agent_id)
        self.n = 0
    def on_tick(self, state):
        self.n += 1
        return [Order(agent_id=self.agent_id, side=Side.BID, order_type=OrderType.LIMIT, price=state.mid_price - 0.01, qty=1),
                Order(agent_id=self.agent_id, side=Side.ASK, order_type=OrderType.LIMIT, price=state.mid_price + 0.01, qty=1)]
    def factor_vector(self):
        return [self.n, 0, 0]
`;
