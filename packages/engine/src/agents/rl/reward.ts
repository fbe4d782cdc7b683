/**
 * The `rl_ppo` reward: the PnL change since the last decision, less an inventory-risk term and
 * (again) the impact the engine's ledger charged in between, scaled and clipped. Impact is read
 * from `MarketState.impactPaid` — whatever the engine's execution model charges — never
 * recomputed here.
 */
import type { RlPpoConfig } from '../../config.js';
import type { MarketState } from '../../types.js';

export type RlRewardConfig = Pick<RlPpoConfig, 'riskAversion' | 'impactWeight' | 'rewardScale' | 'rewardClip'>;

/** What the reward needs from the previous decision's state. */
export interface RewardAnchor {
  pnl: number;
  impactPaid: number;
}

export function anchorOf(s: MarketState): RewardAnchor {
  return { pnl: s.pnl, impactPaid: s.impactPaid ?? 0 };
}

export function rlReward(prev: RewardAnchor, s: MarketState, cfg: RlRewardConfig): number {
  const dPnl = s.pnl - prev.pnl;
  const risk = cfg.riskAversion * s.position * s.position;
  const impact = cfg.impactWeight * Math.max(0, (s.impactPaid ?? 0) - prev.impactPaid);
  const r = (dPnl - risk - impact) * cfg.rewardScale;
  return r < -cfg.rewardClip ? -cfg.rewardClip : r > cfg.rewardClip ? cfg.rewardClip : r;
}
