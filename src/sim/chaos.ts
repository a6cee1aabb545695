// Fault injection for the simulation (`npm run simulate`) and the crash tests: when the CHAOS var
// is set, the transfer consumer crashes after a step, duplicates messages and asks for
// redeliveries, at seeded rates. Every decision is a hash of the seed and the message, so a seed
// reproduces the same faults whatever order messages arrive in. Production installs none of it.

import { hashRoll } from "../domain/random";
import type { FaultPlan, TransferStep } from "../services/transfers";

export type CrashPoint = TransferStep;

export class InjectedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`injected crash ${point}`);
  }
}

/** A step hook that crashes the transfer right after `point`. */
export const crashAt = (point: CrashPoint) => (step: TransferStep) => {
  if (step === point) throw new InjectedCrash(point);
};

export interface ChaosConfig {
  seed: number;
  /** Share of deliveries on which the consumer crashes at one of its steps. */
  consumerCrashRate: number;
  /** Share of handled messages that are sent again (a duplicate). */
  duplicateRate: number;
  /** Share of handled messages that are redelivered instead of acknowledged. */
  redeliverRate: number;
}

const CRASH_POINTS: CrashPoint[] = ["after_load", "after_status_check", "after_attempt_recorded", "after_bank_call"];

export function parseChaos(text: string | undefined): ChaosConfig | null {
  if (!text) return null;
  try {
    const c = JSON.parse(text) as Partial<ChaosConfig>;
    return {
      seed: Number(c.seed ?? 1),
      consumerCrashRate: Number(c.consumerCrashRate ?? 0),
      duplicateRate: Number(c.duplicateRate ?? 0),
      redeliverRate: Number(c.redeliverRate ?? 0),
    };
  } catch {
    return null;
  }
}

export function chaosDecisions(chaos: ChaosConfig, messageKey: string) {
  const crashRoll = hashRoll(chaos.seed, `crash|${messageKey}`);
  return {
    crashAt: crashRoll < chaos.consumerCrashRate ? CRASH_POINTS[Math.floor(hashRoll(chaos.seed, `point|${messageKey}`) * CRASH_POINTS.length)] : undefined,
    duplicate: hashRoll(chaos.seed, `dup|${messageKey}`) < chaos.duplicateRate,
    redeliver: hashRoll(chaos.seed, `redeliver|${messageKey}`) < chaos.redeliverRate,
  };
}

/** The fault plan the CHAOS var describes, or none (production). */
export function chaosFaults(text: string | undefined): FaultPlan | undefined {
  const chaos = parseChaos(text);
  if (!chaos) return undefined;
  return (deliveryKey) => {
    const d = chaosDecisions(chaos, deliveryKey);
    return { afterStep: d.crashAt ? crashAt(d.crashAt) : undefined, duplicate: d.duplicate, redeliver: d.redeliver };
  };
}
