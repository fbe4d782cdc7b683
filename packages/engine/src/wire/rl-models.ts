/** Trained PPO models over the wire: GET /models, POST /models, POST /strategies/{id}/model. */

/** A stored model without its weights. */
export interface RlModelSummaryWire {
  id: string;
  name: string;
  /** upload | agent:<agent_id> */
  source: string;
  /** Hidden layers × units, e.g. "2x64". */
  hidden: string;
  /** Transitions the policy was trained on. */
  steps: number;
  created_at: string;
}

export interface RlModelListWire {
  models: RlModelSummaryWire[];
}
