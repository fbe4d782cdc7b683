/** Top-of-book ladder: asks above, bids below, depth bars scaled to the largest visible level. */
import type { OrderBookWire } from '../api/types.js';
import { fmtInt, fmtPrice } from '../lib/format.js';

export function OrderBookLadder({ book, levels = 10 }: { book: OrderBookWire | null; levels?: number }) {
  if (!book) return <p className="empty">No book yet.</p>;
  // Levels are [price, qty, orders] on the wire.
  const asks = book.asks.slice(0, levels).map(([price, qty, orders]) => ({ price, qty, orders }));
  const bids = book.bids.slice(0, levels).map(([price, qty, orders]) => ({ price, qty, orders }));
  let maxQty = 1;
  for (const l of asks) maxQty = Math.max(maxQty, l.qty);
  for (const l of bids) maxQty = Math.max(maxQty, l.qty);
  let cumA = 0;
  const askRows = asks.map((l) => ({ ...l, cum: (cumA += l.qty) })).reverse();
  let cumB = 0;
  const bidRows = bids.map((l) => ({ ...l, cum: (cumB += l.qty) }));
  return (
    <table className="ladder" aria-label="Order book ladder">
      <thead>
        <tr>
          <th scope="col">Price</th>
          <th scope="col">Qty</th>
          <th scope="col">Orders</th>
          <th scope="col">Cum</th>
        </tr>
      </thead>
      <tbody>
        {askRows.map((l, i) => (
          // positional keys: levels move every tick, so rows are updated in place rather than re-created
          <tr key={`a${askRows.length - i}`} className="ask">
            <td className="num">{fmtPrice(l.price)}</td>
            <td className="num bar-cell">
              <span className="bar ask-bar" style={{ width: `${(100 * l.qty) / maxQty}%` }} />
              <span className="bar-label">{fmtInt(l.qty)}</span>
            </td>
            <td className="num">{l.orders}</td>
            <td className="num muted">{fmtInt(l.cum)}</td>
          </tr>
        ))}
        <tr className="spread-row">
          <td colSpan={4}>
            spread <strong>{fmtPrice(book.spread)}</strong> · mid <strong>{fmtPrice(book.mid_price)}</strong>
          </td>
        </tr>
        {bidRows.map((l, i) => (
          <tr key={`b${i}`} className="bid">
            <td className="num">{fmtPrice(l.price)}</td>
            <td className="num bar-cell">
              <span className="bar bid-bar" style={{ width: `${(100 * l.qty) / maxQty}%` }} />
              <span className="bar-label">{fmtInt(l.qty)}</span>
            </td>
            <td className="num">{l.orders}</td>
            <td className="num muted">{fmtInt(l.cum)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
