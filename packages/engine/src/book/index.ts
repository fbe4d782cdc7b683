/** Public surface of the order book and matching engine. */
export { FillBuffer, SIDE_ASK, SIDE_BID, type FillRecord } from './fill-buffer.js';
export { ACCEPTED, MatchingEngine, type MatchingEngineOptions, type SubmitOrder } from './matching-engine.js';
export {
  DEFAULT_INITIAL_CAPACITY,
  DEFAULT_TICK_SIZE,
  OrderBook,
  type BookOrder,
  type OrderBookOptions,
} from './order-book.js';
export type { OrderAccepted, OrderRejected, OrderResult } from './order-result.js';
export {
  MAX_ORDER_QTY,
  MAX_OWNER,
  RejectCode,
  rejectCodeName,
  rejectReason,
  type RejectCodeName,
  type RejectCodeValue,
} from './reject-code.js';
export { MAX_PRICE_TICKS, TickGrid } from './tick-grid.js';
