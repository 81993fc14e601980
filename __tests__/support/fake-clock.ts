import type { Clock } from '../../src/engine/poll.js'

/** A clock whose sleeps return at once, moving time forward by exactly what was asked. */
export class FakeClock implements Clock {
  time = 1_000_000
  readonly sleeps: number[] = []
  now(): number {
    return this.time
  }
  /** Timers set and not cancelled: fire() runs those that are due. */
  readonly timers = new Set<{ due: number; callback: () => void }>()
  timer(ms: number, callback: () => void): () => void {
    const entry = { due: this.time + ms, callback }
    this.timers.add(entry)
    return () => this.timers.delete(entry)
  }
  /** Runs the timers that are due at the current time. */
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
  }
}
