import type { Clock } from '../../src/engine/poll.js'

/**
 * The one fake clock of the tests: a sleep returns at once and moves the clock on by exactly what
 * was asked (each sleep is kept in sleeps). Two ways to run its timers:
 * - by hand (the default): timer() only records, fire() runs those that are due; time starts at
 *   1,000,000 ms and moves only by sleeps (the poll schedule's unit tests);
 * - in real time (skippingClock()): for run() in-process against loopback servers, where a
 *   hanging request still has to be cut by its bound. Real time passes on it too.
 */
export class FakeClock implements Clock {
  /** Skipped time: what the sleeps added (plus the start). */
  time: number
  readonly sleeps: number[] = []
  /** Timers set by hand and not cancelled: fire() runs those that are due. */
  readonly timers = new Set<{ due: number; callback: () => void }>()
  private readonly realStart?: number

  constructor(private readonly realTimers?: { speedUp: number }) {
    this.time = realTimers ? 0 : 1_000_000
    if (realTimers) this.realStart = Date.now()
  }

  now(): number {
    return this.realStart === undefined ? this.time : Date.now() + this.time
  }

  timer(ms: number, callback: () => void): () => void {
    if (this.realTimers) {
      const handle = setTimeout(callback, ms / this.realTimers.speedUp).unref()
      return () => clearTimeout(handle)
    }
    const entry = { due: this.time + ms, callback }
    this.timers.add(entry)
    return () => this.timers.delete(entry)
  }

  /** Runs the timers set by hand that are due at the current time. */
  fire(): void {
    for (const entry of [...this.timers]) {
      if (entry.due <= this.time) {
        this.timers.delete(entry)
        entry.callback()
      }
    }
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return
    this.sleeps.push(ms)
    this.time += ms
    // With real timers, a turn of the event loop, so that loopback servers and child processes answer.
    if (this.realTimers) await new Promise((resolve) => setImmediate(resolve))
  }
}

/**
 * A clock on which waiting costs no time: a one-second poll interval takes no real second, while
 * every figure the action derives from the clock (elapsed time, deadlines, ages) is what it would
 * be on a real one, to the request. Timers (the bound on a request in flight, on clean-up) run in
 * real time divided by timerSpeedUp. Not for tests that send a signal during a wait: there the
 * wait has to last.
 */
export function skippingClock({ timerSpeedUp = 1 } = {}): Clock {
  return new FakeClock({ speedUp: timerSpeedUp })
}
