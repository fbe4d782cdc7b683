/** Test agent whose orders come from a script of the market state: the simulation suites' probe. */
import { BaseAgent } from '../../src/agents/base-agent.js';
import type { MarketState, OrderIntent } from '../../src/types.js';

export class Scripted extends BaseAgent {
  constructor(
    id: string,
    private readonly script: (s: MarketState) => OrderIntent[],
  ) {
    super(id, 'scripted');
  }
  onTick(s: MarketState): OrderIntent[] {
    return this.script(s);
  }
}
