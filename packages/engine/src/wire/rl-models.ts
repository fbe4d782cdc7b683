/** Trained PPO models over the wire: GET /models, POST /models, GET /models/{id}, POST /strategies/{id}/model. */
import { Type, type Static } from '@sinclair/typebox';
import { Int, JsonObject, Nullable, Num, Obj, Str } from './kit.js';

/** A stored model without its weights. */
export const RlModelSummaryWire = Obj({
  id: Str(),
  name: Str(),
  source: Str('upload | agent:<agent_id>'),
  hidden: Str('hidden layers x units, e.g. 2x64'),
  steps: Int('transitions the policy was trained on'),
  created_at: Str(),
});
export type RlModelSummaryWire = Static<typeof RlModelSummaryWire>;

export const RlModelListWire = Obj({ models: Type.Array(RlModelSummaryWire, { description: 'newest first' }) });
export type RlModelListWire = Static<typeof RlModelListWire>;

/**
 * The model file `crowdalpha train` writes and GET /models/{id} returns (a file format, so its keys
 * are the file's own camelCase, loadable by `crowdalpha evaluate` and POST /models).
 */
export const PpoModelWire = Obj({
  format: Type.Literal('crowdalpha-ppo'),
  version: Type.Literal(1),
  observation: Type.Array(Str(), { description: 'observation feature names, in input order' }),
  actions: Type.Array(Str(), { description: 'action names, in output order' }),
  hiddenLayers: Int(),
  hiddenUnits: Int(),
  obsClip: Num(),
  obsNorm: Nullable(Obj({ count: Num(), mean: Type.Array(Num()), var: Type.Array(Num()) }), 'running observation statistics; null when observations were not normalised'),
  policy: Type.Array(Num(), { description: "the actor network's parameters, flat" }),
  value: Type.Array(Num(), { description: "the critic network's parameters, flat" }),
  steps: Int(),
  updates: Int(),
  meta: JsonObject("caller-supplied notes (training command, seeds, date); never read by the engine"),
});
export type PpoModelWire = Static<typeof PpoModelWire>;
