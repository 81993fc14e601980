import type { Clock } from '../../src/poll.js'

/** A clock whose sleeps return at once, moving time forward by exactly what was asked. */
export class FakeClock implements Clock {
  time = 1_000_000
  readonly sleeps: number[] = []
  now(): number {
    return this.time
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return
    this.sleeps.push(ms)
    this.time += ms
  }
}
