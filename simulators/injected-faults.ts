import type { SimReading } from './wire-format.js';

/** Every kind of fault the simulator can inject. */
export const FAULT_KINDS = [
  'duplicate',
  'outOfOrder',
  'late',
  'malformed',
  'registerDecrease',
  'clockSkew',
] as const;

/** One kind of fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Probability per reading of each fault kind (0..1); absent kinds are never injected. */
export type FaultRates = Partial<Record<FaultKind, number>>;

/**
 * The rejection reason a receiver must record for a faulty message (docs/design.md §3); device
 * formats add a telegram whose checksum fails and a message that carries no reading.
 */
export type ExpectedReason =
  | 'invalid_json'
  | 'invalid_schema'
  | 'register_decrease'
  | 'future_timestamp'
  | 'invalid_checksum'
  | 'no_reading';

/** One injected fault, with what the receiver must do about it. */
export interface InjectedFault {
  readonly kind: FaultKind;
  readonly meterId: string;
  /** Epoch ms of the reading concerned, when the payload carries a valid one. */
  readonly ts?: number | undefined;
  /** `${meterId}@${ts}`: for valid faults, the key that must be stored exactly once. */
  readonly key?: string | undefined;
  /**
   * The exact message body, for faults that travel as their own message
   * (those with an expectedReason).
   */
  readonly payload?: string | undefined;
  /** Reason code of the expected rejection; absent when the reading is valid and must be stored. */
  readonly expectedReason?: ExpectedReason | undefined;
}

/**
 * What goes out after fault injection: a valid reading, or a message body that must travel alone.
 */
export type OutgoingItem =
  | { readonly kind: 'reading'; readonly reading: SimReading }
  | {
      readonly kind: 'single';
      readonly meterId: string;
      readonly payload: string;
      readonly fault: InjectedFault;
    };
