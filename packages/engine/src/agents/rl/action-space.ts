/**
 * The `rl_ppo` action space: hold, or buy/sell small (passive, inside the spread), medium
 * (passive, deeper inside) or large (market order). Shared by the agent and `MarketEnv` so a policy
 * trained in the environment trades identically in the live market.
 */
import type { RlPpoConfig } from '../../config.js';
import type { MarketState, OrderIntent } from '../../types.js';
import { decimalsOf } from '../base-agent.js';

export const RL_ACTIONS = ['hold', 'buy_small', 'buy_medium', 'buy_large', 'sell_small', 'sell_medium', 'sell_large'] as const;

export type RlActionSizes = Pick<RlPpoConfig, 'maxInventory' | 'smallQty' | 'smallOffset' | 'mediumQty' | 'mediumOffset' | 'largeQty'>;

/** The orders of `action` in `s`; none when it would take |inventory| beyond maxInventory. */
export function rlActionOrders(action: number, s: MarketState, cfg: RlActionSizes): OrderIntent[] {
  if (action <= 0 || action >= RL_ACTIONS.length) return [];
  const buy = action <= 3;
  const size = (action - 1) % 3; // 0 small, 1 medium, 2 large
  if (buy && s.position >= cfg.maxInventory) return [];
  if (!buy && s.position <= -cfg.maxInventory) return [];
  const side = buy ? 'BID' : 'ASK';
  if (size === 2) return [{ side, type: 'MARKET', qty: cfg.largeQty }];
  const qty = size === 0 ? cfg.smallQty : cfg.mediumQty;
  const offset = size === 0 ? cfg.smallOffset : cfg.mediumOffset;
  // Passive orders sit inside the spread, `offset` of the way from our own side to the far side.
  const bid = s.bestBid ?? s.mid - s.tickSize;
  const ask = s.bestAsk ?? s.mid + s.tickSize;
  const price = buy ? bid + offset * (ask - bid) : ask - offset * (ask - bid);
  const ticks = Math.round(price / s.tickSize);
  return [{ side, type: 'LIMIT', price: Number((ticks * s.tickSize).toFixed(decimalsOf(s.tickSize))), qty }];
}
