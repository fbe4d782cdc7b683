/** Newest-first trades tape. */
import type { OrderFilledPayload } from '../api/types.js';
import { fmtInt, fmtPrice } from '../lib/format.js';

export function TradesTape({ fills, onAgent }: { fills: OrderFilledPayload[]; onAgent?: (id: string) => string }) {
  if (fills.length === 0) return <p className="empty">No trades yet.</p>;
  return (
    <div className="tape-scroll" tabIndex={0} aria-label="Trades tape, newest first">
      <table className="tape">
        <thead>
          <tr>
            <th scope="col">Tick</th>
            <th scope="col">Price</th>
            <th scope="col">Qty</th>
            <th scope="col">Buyer</th>
            <th scope="col">Seller</th>
          </tr>
        </thead>
        <tbody>
          {fills.map((f) => (
            // one incoming order fills a given resting order at most once per tick: a stable key, so
            // React shifts rows instead of rebuilding the table at 10 Hz
            <tr key={`${f.tick}-${f.buy_order_id}-${f.sell_order_id}`} className={f.aggressor === 'BID' ? 'buy' : 'sell'}>
              <td className="num muted">{f.tick}</td>
              <td className="num px">{fmtPrice(f.price)}</td>
              <td className="num">{fmtInt(f.qty)}</td>
              <td>{onAgent ? <a href={onAgent(f.buy_agent_id)}>{f.buy_agent_id}</a> : f.buy_agent_id}</td>
              <td>{onAgent ? <a href={onAgent(f.sell_agent_id)}>{f.sell_agent_id}</a> : f.sell_agent_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
