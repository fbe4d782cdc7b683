/** What `MatchingEngine.submit` returns for one order: accepted with its quantities, or rejected. */
import type { RejectCodeName } from './reject-code.js';

export interface OrderAccepted {
  status: 'ACCEPTED';
  /** Quantity that traded against resting orders. */
  filled: number;
  /** Quantity left resting on the book (LIMIT remainder). */
  rested: number;
  /** Quantity discarded (MARKET remainder when the book ran dry). */
  dropped: number;
  /** Quantity removed from the book (CANCEL; 0 when the target was unknown or already gone). */
  cancelled: number;
}

export interface OrderRejected {
  status: 'REJECTED';
  code: number;
  name: RejectCodeName;
  /** What was wrong, what would be valid, and the offending value. */
  reason: string;
}

export type OrderResult = OrderAccepted | OrderRejected;
