/**
 * A circuit breaker with a deadline: every store call on the request path waits at most
 * `timeoutMs`; after `failures` failures in a row the breaker opens and calls fail at once for
 * `cooldownMs`, then one trial call decides whether it closes again. So a store that is down or
 * black-holed costs one timeout now and then, not one per request.
 */

/** Why a guarded call did not answer. */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'open' | 'failed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Breaker settings. */
export interface BreakerSettings {
  timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  failures: number;
  /** How long an open breaker refuses calls before one trial. */
  cooldownMs: number;
  /** Milliseconds clock. */
  now: () => number;
  /** Told whenever the breaker opens or closes. */
  onChange?: (open: boolean) => void;
}

/** A breaker guarding one store. */
export interface Breaker {
  /** Runs `op` within the deadline, unless the breaker is open. Rejects with `StoreUnavailableError`. */
  run<T>(op: () => Promise<T>, timeoutMs?: number): Promise<T>;
  /** `true` while calls are refused without trying. */
  readonly open: boolean;
}

/** Builds a breaker. */
export function createBreaker(settings: BreakerSettings): Breaker {
  let failures = 0;
  let openUntil = 0;
  let trialInFlight = false;
  let isOpen = false;

  const setOpen = (open: boolean) => {
    if (open === isOpen) return;
    isOpen = open;
    settings.onChange?.(open);
  };

  const fail = (trial: boolean) => {
    failures++;
    if (trial || failures >= settings.failures) {
      openUntil = settings.now() + settings.cooldownMs;
      setOpen(true);
    }
  };

  return {
    get open() {
      return isOpen && settings.now() < openUntil;
    },
    run<T>(op: () => Promise<T>, timeoutMs = settings.timeoutMs): Promise<T> {
      let trial = false;
      if (isOpen) {
        if (settings.now() < openUntil || trialInFlight) {
          return Promise.reject(new StoreUnavailableError('the store circuit is open', 'open'));
        }
        trial = true;
        trialInFlight = true;
      }
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        // The deadline is checked after the event loop has handled pending I/O (setImmediate
        // runs after the poll phase): a busy process must not blame the store for its own lag.
        const timer = setTimeout(() => {
          setImmediate(() => {
            if (settled) return;
            settled = true;
            if (trial) trialInFlight = false;
            fail(trial);
            reject(
              new StoreUnavailableError(
                `the store did not answer within ${timeoutMs} ms`,
                'timeout',
              ),
            );
          });
        }, timeoutMs);
        timer.unref?.();
        let pending: Promise<T>;
        try {
          pending = op();
        } catch (cause) {
          pending = Promise.reject(cause);
        }
        pending.then(
          (value) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (trial) trialInFlight = false;
            failures = 0;
            setOpen(false);
            resolve(value);
          },
          (cause: unknown) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (trial) trialInFlight = false;
            fail(trial);
            reject(new StoreUnavailableError('the store failed', 'failed', { cause }));
          },
        );
      });
    },
  };
}

/** Runs `op` with a deadline only (no breaker): for revocations, which must try the store. */
export function withTimeout<T>(op: () => Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new StoreUnavailableError(`the store did not answer within ${timeoutMs} ms`, 'timeout'),
        ),
      timeoutMs,
    );
    timer.unref?.();
    let pending: Promise<T>;
    try {
      pending = op();
    } catch (cause) {
      pending = Promise.reject(cause);
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (cause: unknown) => {
        clearTimeout(timer);
        reject(new StoreUnavailableError('the store failed', 'failed', { cause }));
      },
    );
  });
}
