/**
 * A virtual clock for pacing tests: `sleep` resolves in wake-time order and moves the clock to the wake time, so
 * concurrent sleepers see time pass as they would for real, and nothing waits in real time. Hand the same `now` to
 * the emulator and the clients, so the server's rate windows run on the same time.
 */
export interface VirtualClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export function virtualClock(start = 1_000_000): VirtualClock {
  let t = start;
  return wakeInOrder(
    () => t,
    (wake) => void (t = Math.max(t, wake)),
  );
}

/**
 * A clock that follows real time but skips every sleep: `sleep(ms)` moves it `ms` ahead at once (sleepers wake in
 * wake-time order, as with virtualClock). For whole CLI runs: whatever reads the clock sees time pass, and no
 * pacer, Retry-After, backoff or poll waits in real time. Hand its `now` to an emulator whose rate windows matter.
 */
export function skippingClock(): VirtualClock {
  let skippedMs = 0;
  const now = (): number => Date.now() + skippedMs;
  return wakeInOrder(now, (wake) => void (skippedMs = Math.max(skippedMs, wake - Date.now())));
}

/**
 * The clock of this test file's in-process CLI runs (runCli) and emulators (startTestEmulator), so the emulator's
 * rate windows and the CLI's pacer see the same time. One per file, so it only moves forward.
 */
export const testClock: VirtualClock = skippingClock();

function wakeInOrder(now: () => number, moveTo: (wake: number) => void): VirtualClock {
  const sleepers: { wake: number; resume: () => void }[] = [];
  let scheduled = false;
  const tick = (): void => {
    scheduled = false;
    sleepers.sort((a, b) => a.wake - b.wake);
    const next = sleepers.shift();
    if (next === undefined) return;
    moveTo(next.wake);
    next.resume();
    if (sleepers.length > 0) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(tick);
  };
  return {
    now,
    sleep: (ms) =>
      new Promise<void>((resume) => {
        sleepers.push({ wake: now() + ms, resume });
        schedule();
      }),
  };
}

/** The most of `times` inside any window of `windowMs` ending at one of them. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  const sorted = [...times].sort((a, b) => a - b);
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
