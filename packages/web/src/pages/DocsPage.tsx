/** The strategy SDK, the live event contract (GET /ws/schema) and a link to the OpenAPI docs. */
import { asWire } from '../api/routes.js';
import { apiUrl } from '../api/endpoints.js';
import { Panel } from '../components/Panel.js';
import { usePoll } from '../components/use-poll.js';
import { PYTHON_STRATEGY_TEMPLATE, STRATEGY_TEMPLATE } from '../lib/strategy-template.js';

const MARKET_STATE_FIELDS: Array<[string, string]> = [
  ['tick, timestamp', 'tick number; simulated ns'],
  ['mid, bestBid, bestAsk, spread', 'top of book (bestBid/bestAsk/spread may be null)'],
  ['depth', '{bids, asks}: levels {price, qty, orders}'],
  ['recentTrades', 'latest fills {price, qty, aggressor, ...}'],
  ['priceHistory', 'past mids, oldest first (bounded)'],
  ['volatility, vwap, tickSize', 'market figures; round prices to tickSize'],
  ['position, cash, pnl, openOrders', 'your own account and resting orders {orderId, side, price, qty}'],
  ['crowding', '{intensity, phi, sidePressure, buyImpactMultiplier, sellImpactMultiplier, agentImpactMultiplier} from the previous tick'],
  ['impact', '{lastShift, cumulativeShift}: permanent price impact of aggressive flow (previous tick; since the start), price units'],
];

export function DocsPage() {
  const schema = usePoll('/ws/schema', 0, asWire('/ws/schema'));
  const events = schema.data ? Object.entries(schema.data.events) : [];
  const clientMessages = schema.data ? Object.entries(schema.data.client_messages) : [];
  return (
    <div className="page docs grid-2">
      <Panel title="Strategy SDK">
        <p>
          A strategy is one TypeScript class extending <code>BaseAgent</code> with <code>onTick(state)</code> returning orders and{' '}
          <code>factorVector()</code> returning numbers (informational only: crowding is measured from what you actually do). <code>BaseAgent</code> and{' '}
          <code>Orders</code> are provided; imports and <code>require</code> are refused.
        </p>
        <h3>Orders</h3>
        <ul>
          <li><code>Orders.limit(side, price, qty)</code>: side <code>'BID'</code> or <code>'ASK'</code></li>
          <li><code>Orders.market(side, qty)</code></li>
          <li><code>Orders.cancel(orderId)</code>: an id from <code>state.openOrders</code></li>
        </ul>
        <h3>MarketState</h3>
        <table className="tape">
          <tbody>
            {MARKET_STATE_FIELDS.map(([k, v]) => (
              <tr key={k}><th scope="row" className="mono">{k}</th><td>{v}</td></tr>
            ))}
          </tbody>
        </table>
        <h3>Limits</h3>
        <ul>
          <li>Name <code>^[a-zA-Z][a-zA-Z0-9_]{'{2,63}'}$</code>, code ≤ 32,000 characters.</li>
          <li>Per-tick timeout 120 ms by default (startup 1,200 ms), at most 12 orders per tick, qty clamped to [1, 200], malformed orders dropped.</li>
          <li>On timeout, crash or bad output the agent is silenced; the reason shows on the leaderboard and its strategy page.</li>
        </ul>
        <h3>Template</h3>
        <pre className="code">{STRATEGY_TEMPLATE}</pre>
        <h3>Python</h3>
        <p>
          The same strategy in Python, written as for the original: a class inheriting <code>BaseAgent</code> with <code>on_tick(state)</code> returning{' '}
          <code>Order</code>s and <code>factor_vector()</code> (a list or numpy array). <code>BaseAgent</code>, <code>MarketState</code>, <code>Order</code>,{' '}
          <code>OrderType</code>, <code>Side</code> and <code>np</code> are in scope; the deploy config&apos;s params arrive as constructor keyword
          arguments; imports are limited to numpy and pure-computation modules (math, statistics, collections, …). It runs in its own CPython worker
          inside bubblewrap; register it with <code>language: &quot;python&quot;</code> (or choose Python on the Deploy page).
        </p>
        <pre className="code">{PYTHON_STRATEGY_TEMPLATE}</pre>
      </Panel>
      <div>
        <Panel title="Event contract (/ws/market)" error={schema.error}>
          <p>
            Envelope <code>{'{schema_version, type, timestamp (ns), payload}'}</code>
            {schema.data ? `, schema_version ${String(schema.data.schema_version)}` : ''}. Per tick, in order:{' '}
            {schema.data ? schema.data.tick_order.join(' → ') : '…'}.
          </p>
          <table className="tape" data-testid="event-schema">
            <thead><tr><th>Type</th><th>When</th><th>Payload</th></tr></thead>
            <tbody>
              {events.map(([type, e]) => (
                <tr key={type}>
                  <th scope="row" className="mono">{type}</th>
                  <td>{e.when}</td>
                  <td className="mono small">{e.payload.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {clientMessages.length > 0 && (
            <>
              <h3>Client messages</h3>
              <ul>
                {clientMessages.map(([k, v]) => (
                  <li key={k}><code>{k}</code>: {String(v)}</li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="REST API">
          <p>
            The full OpenAPI reference is at <a href={apiUrl('/docs')}>/docs</a>. The dashboard reads <code>/market/snapshot</code> on connect and on{' '}
            <code>RESYNC</code>, then follows the stream.
          </p>
        </Panel>
      </div>
    </div>
  );
}
