/**
 * Trained PPO policies in the store: a model is an immutable artefact with an id; deploying
 * `rl_ppo` with `config.model_id` starts from it, and a deployed agent's row keeps the id so a
 * reset or a restart before the first checkpoint starts from the same weights.
 */
import type { Kysely } from 'kysely';
import type { PpoModel } from '@crowdalpha/engine';
import { randomToken } from '../ids.js';
import type { Database, RlModelsTable } from './schema.js';

export type RlModelRow = RlModelsTable;

/** What lists show: everything but the weights. */
export type RlModelSummary = Omit<RlModelRow, 'model'>;

export class RlModelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(model: PpoModel, input: { name: string; source: string }): Promise<RlModelSummary> {
    const row: RlModelRow = {
      id: `model_${randomToken(10)}`,
      name: input.name,
      source: input.source,
      model: JSON.stringify(model),
      hidden: `${model.hiddenLayers}x${model.hiddenUnits}`,
      steps: Math.max(0, Math.floor(model.steps)),
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('rl_models').values(row).execute();
    const { model: _weights, ...summary } = row;
    return summary;
  }

  async get(id: string): Promise<PpoModel | null> {
    const row = await this.db.selectFrom('rl_models').select('model').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.model) as PpoModel) : null;
  }

  async summary(id: string): Promise<RlModelSummary | null> {
    return (await this.db.selectFrom('rl_models').select(['id', 'name', 'source', 'hidden', 'steps', 'created_at']).where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async list(limit = 200): Promise<RlModelSummary[]> {
    return this.db.selectFrom('rl_models').select(['id', 'name', 'source', 'hidden', 'steps', 'created_at']).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }
}
