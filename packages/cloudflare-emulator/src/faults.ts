import { createRng, type Rng } from './rng.js';
import type { FaultRates } from './state.js';

/** What the fault injector decided for one request. */
export interface FaultPlan {
  latencyMs: number;
  rateLimit: boolean;
  serverError: boolean;
  malformed: boolean;
}

/**
 * Draws faults from a seeded RNG. Every request draws the same four numbers whatever the rates are, so the n-th
 * request of a kind gets the same fate on every run with the same seed.
 */
export class FaultInjector {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  draw(rates: FaultRates): FaultPlan {
    const latency = this.rng.next();
    const rateLimit = this.rng.next();
    const serverError = this.rng.next();
    const malformed = this.rng.next();
    return {
      latencyMs: latency < rates.latency ? rates.latencyMs : 0,
      rateLimit: rateLimit < rates.rateLimit,
      serverError: !(rateLimit < rates.rateLimit) && serverError < rates.serverError,
      malformed: malformed < rates.malformed,
    };
  }
}

/** Cuts a JSON body in half: what a client sees when a connection drops mid-response. */
export function truncateBody(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
