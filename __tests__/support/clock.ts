import type { Clock } from '../../src/engine/poll.js'

/**
 * A clock on which waiting costs no time: a sleep returns on the next turn of the event loop and
 * moves the clock on by its length. A one-second poll interval then takes no real second, while
 * every figure the action derives from the clock (elapsed time, deadlines, ages) is what it would
 * be on a real one, to the request. Timers (the bound on a request in flight, on clean-up) run in
 * real time divided by timerSpeedUp: a hanging request still has to be cut by its bound.
 *
 * Not for tests that send a signal during a wait: there the wait has to last.
 */
export function skippingClock({ timerSpeedUp = 1 } = {}): Clock {
  let skippedMs = 0
  return {
    now: () => Date.now() + skippedMs,
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (!signal?.aborted) skippedMs += ms
        setImmediate(resolve)
      }),
    timer: (ms, callback) => {
      const handle = setTimeout(callback, ms / timerSpeedUp).unref()
      return () => clearTimeout(handle)
    }
  }
}
