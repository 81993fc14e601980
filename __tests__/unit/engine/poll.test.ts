import { describe, expect, it } from '@jest/globals'
import type { AtlasResponse } from '../../../src/atlas/client.js'
import { AtlasError } from '../../../src/atlas/errors.js'
import { getEventListeners } from 'node:events'
import {
  addRateLimits,
  backoffDelay,
  failureLimit,
  LAST_LOOK_MS,
  pollDelay,
  pollUntilDone,
  RATE_LIMIT_CAP_MS,
  rateLimitDelay,
  rateLimitedLine,
  systemClock,
  type PollOptions
} from '../../../src/engine/poll.js'
import { FakeClock } from '../../support/clock.js'

type Step = AtlasResponse | AtlasError | ((clock: FakeClock) => AtlasResponse)

function response(state: string, phase = 'EXPORT', rateLimit = {}): AtlasResponse {
  return { document: { state, phase }, rateLimit }
}

const transient = (retryAfterMs?: number) =>
  new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true, retryAfterMs })

/** Plays steps in order (the last repeats), each taking `requestMs` of fake time. */
function scripted(clock: FakeClock, steps: Step[], requestMs = 100) {
  const calls: number[] = []
  const fetch = async () => {
    calls.push(clock.now())
    clock.time += requestMs
    const step = steps.length > 1 ? steps.shift()! : steps[0]!
    if (step instanceof AtlasError) throw step
    return typeof step === 'function' ? step(clock) : step
  }
  return { fetch, calls }
}

function options(clock: FakeClock, fetch: PollOptions['fetch'], extra: Partial<PollOptions> = {}): PollOptions {
  return {
    fetch,
    observe: (doc) => ({ state: doc['state'] as string | undefined, stage: doc['phase'] as string | undefined }),
    isTerminal: (state) => ['DONE', 'FAILED', 'DATASET_DELETED'].includes(state ?? ''),
    clock,
    wait: true,
    timeoutMs: 60_000,
    pollIntervalMs: 10_000,
    random: () => 0.5,
    ...extra
  }
}

describe('the poll schedule', () => {
  it('one-shot stops at the first answer, whatever the state', async () => {
    const clock = new FakeClock()
    const { fetch, calls } = scripted(clock, [response('IN_PROGRESS')])
    const result = await pollUntilDone(options(clock, fetch, { wait: false }))
    expect(result.ending).toBe('finished')
    expect(calls).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
  })

  it('waits at pollInterval until a terminal state and records each change once', async () => {
    const clock = new FakeClock()
    const { fetch, calls } = scripted(clock, [
      response('PENDING', 'SNAPSHOT'),
      response('IN_PROGRESS', 'SNAPSHOT'),
      response('IN_PROGRESS', 'SNAPSHOT'),
      response('IN_PROGRESS', 'EXPORT'),
      response('DONE', 'INGESTION')
    ])
    const changes: string[] = []
    const result = await pollUntilDone(
      options(clock, fetch, { onChange: (e) => changes.push(`${e.at}:${e.state}/${e.stage}`) })
    )
    expect(result.ending).toBe('finished')
    expect(result.polls).toBe(5)
    expect(calls).toHaveLength(5)
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000, 10_000])
    expect(changes).toEqual([
      '100:PENDING/SNAPSHOT',
      '10200:IN_PROGRESS/SNAPSHOT',
      '30400:IN_PROGRESS/EXPORT',
      '40500:DONE/INGESTION'
    ])
    expect(result.timeline).toHaveLength(4)
  })

  it.each(['FAILED', 'DATASET_DELETED'])('stops on the terminal state %s', async (state) => {
    const clock = new FakeClock()
    const { fetch } = scripted(clock, [response('IN_PROGRESS'), response(state)])
    const result = await pollUntilDone(options(clock, fetch))
    expect(result.ending).toBe('finished')
    expect(result.last?.document.state).toBe(state)
  })

  it('keeps polling an unknown state (it may be a new in-between state) until the deadline', async () => {
    const clock = new FakeClock()
    const { fetch } = scripted(clock, [response('QUEUED_FOR_EXPORT')])
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 30_000 }))
    expect(result.ending).toBe('timeout')
  })

  it('times out with the last state, the final poll landing on the deadline, never overshooting by more than a request', async () => {
    const clock = new FakeClock()
    const start = clock.now()
    const { fetch, calls } = scripted(clock, [response('IN_PROGRESS')])
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 25_000 }))
    expect(result.ending).toBe('timeout')
    expect(result.last?.document.state).toBe('IN_PROGRESS')
    expect(calls.map((t) => t - start)).toEqual([0, 10_100, 20_200, 25_000])
    expect(clock.now() - start).toBeLessThanOrEqual(25_000 + 100)
  })

  it('retries transient faults with growing backoff, resets the count after a success, and counts the retries', async () => {
    const clock = new FakeClock()
    const { fetch } = scripted(clock, [
      transient(),
      transient(),
      response('IN_PROGRESS'),
      transient(),
      response('DONE')
    ])
    const result = await pollUntilDone(options(clock, fetch, { backoffBaseMs: 1000 }))
    expect(result.ending).toBe('finished')
    // random() = 0.5: 3/4 of base * 2^(n-1)
    expect(clock.sleeps).toEqual([750, 1500, 10_000, 750])
    expect([result.polls, result.retries, result.failedInARow]).toEqual([5, 3, 0])
    // 5 requests of 100 ms, the backoff and one interval: the time from the first request to the end.
    expect(result.elapsedMs).toBe(500 + 750 + 1500 + 10_000 + 750)
  })

  it('waits at least Retry-After on a 429, with jitter above it', async () => {
    const clock = new FakeClock()
    const { fetch } = scripted(clock, [
      new AtlasError('429', { kind: 'api', status: 429, retryable: true, retryAfterMs: 7000 }),
      response('DONE')
    ])
    await pollUntilDone(options(clock, fetch))
    // random() = 0.5: Retry-After plus a quarter of it (the jitter is up to half).
    expect(clock.sleeps).toEqual([8750])
  })

  it('gives up when Retry-After reaches past the deadline rather than ignore it', async () => {
    const clock = new FakeClock()
    const { fetch, calls } = scripted(clock, [
      new AtlasError('429', { kind: 'api', status: 429, retryable: true, retryAfterMs: 120_000 }),
      response('DONE')
    ])
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 60_000 }))
    expect(result.ending).toBe('error')
    expect(result.error?.status).toBe(429)
    expect(result.unwaitedRetryAfterMs).toBe(120_000)
    expect(calls).toHaveLength(1)
  })

  it('cuts a request in flight at the deadline and ends as a timeout, keeping the last transient error', async () => {
    const clock = new FakeClock()
    let calls = 0
    const cutAt: number[] = []
    const fetch = async (signal: AbortSignal): Promise<AtlasResponse> => {
      calls += 1
      if (calls === 1) throw transient()
      // A silent server: nothing but the deadline ends this request.
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          cutAt.push(clock.now())
          reject(new AtlasError('cut', { kind: 'cancelled' }))
        })
        clock.time = 1_000_000 + 60_000
        clock.fire()
      })
    }
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 60_000 }))
    expect(result.ending).toBe('timeout')
    expect(cutAt).toEqual([1_000_000 + 60_000])
    expect(result.error?.status).toBe(503)
    expect(clock.timers.size).toBe(0) // every cut timer was cleared
  })

  it('gives a request that starts at the deadline a last look of its own', async () => {
    const clock = new FakeClock()
    const bounds: number[] = []
    const fetch = async (): Promise<AtlasResponse> => {
      bounds.push(Math.min(...[...clock.timers].map((t) => t.due)) - clock.now())
      return response('IN_PROGRESS')
    }
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 25_000, pollIntervalMs: 10_000 }))
    expect(result.ending).toBe('timeout')
    // Polls at 0, 10 s, 20 s and on the deadline (25 s): each is cut at the deadline, the last gets LAST_LOOK_MS.
    expect(bounds).toEqual([25_000, 15_000, 5_000, LAST_LOOK_MS])
  })

  it.each([
    [false, 4],
    [true, 6]
  ])('ends after the failure limit of its mode (wait %s: %i in a row) with the last error', async (wait, limit) => {
    const clock = new FakeClock()
    const { fetch, calls } = scripted(clock, [transient()])
    const result = await pollUntilDone(options(clock, fetch, { wait, timeoutMs: 3_600_000 }))
    expect(result.ending).toBe('error')
    expect(calls).toHaveLength(limit)
    expect(failureLimit(wait)).toBe(limit)
    expect(result.error?.status).toBe(503)
  })

  it('ends at once on an error that retrying cannot fix', async () => {
    const clock = new FakeClock()
    const { fetch, calls } = scripted(clock, [new AtlasError('401', { kind: 'api', status: 401 })])
    const result = await pollUntilDone(options(clock, fetch))
    expect(result.ending).toBe('error')
    expect(calls).toHaveLength(1)
  })

  it('slows down while RateLimit-Remaining is low', async () => {
    const clock = new FakeClock()
    const { fetch } = scripted(clock, [
      response('IN_PROGRESS', 'EXPORT', { limit: 100, remaining: 5 }),
      response('IN_PROGRESS', 'EXPORT', { limit: 100, remaining: 50 }),
      response('DONE')
    ])
    await pollUntilDone(options(clock, fetch))
    expect(clock.sleeps).toEqual([20_000, 10_000])
  })

  it('stops at once when cancelled, keeping the last answer', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const { fetch } = scripted(clock, [
      response('IN_PROGRESS'),
      () => {
        controller.abort()
        throw new AtlasError('cancelled', { kind: 'cancelled' })
      }
    ])
    const result = await pollUntilDone(options(clock, fetch, { signal: controller.signal }))
    expect(result.ending).toBe('cancelled')
    expect(result.last?.document.state).toBe('IN_PROGRESS')
  })

  it('lets a bug of ours (anything but an AtlasError) through, instead of blaming Atlas', async () => {
    const clock = new FakeClock()
    const run = pollUntilDone(
      options(clock, async () => {
        throw new TypeError('boom')
      })
    )
    await expect(run).rejects.toThrow(TypeError)
    expect(clock.timers.size).toBe(0) // the deadline timer was cleared on the way out
  })

  it('reports the status of the last answer, and none when the last request got no answer', async () => {
    const clock = new FakeClock()
    const reset = new AtlasError('Could not reach Atlas (ECONNRESET)', { kind: 'network', retryable: true })
    const afterReset = await pollUntilDone(options(clock, scripted(clock, [response('IN_PROGRESS'), reset]).fetch))
    expect(afterReset.ending).toBe('error')
    expect(afterReset.httpStatus).toBeUndefined()
    const after503 = await pollUntilDone(options(clock, scripted(clock, [response('IN_PROGRESS'), transient()]).fetch))
    expect(after503.httpStatus).toBe(503)
    const done = await pollUntilDone(options(clock, scripted(clock, [transient(), response('DONE')]).fetch))
    expect(done.httpStatus).toBe(200)
  })

  it('says the wait goes on after a quiet stretch, once per stretch, and not after a change', async () => {
    const clock = new FakeClock()
    const beats: string[] = []
    const steps = [
      ...Array.from({ length: 7 }, () => response('IN_PROGRESS', 'EXPORT')),
      response('IN_PROGRESS', 'INGESTION'),
      response('IN_PROGRESS', 'INGESTION'),
      response('DONE')
    ]
    await pollUntilDone(
      options(clock, scripted(clock, steps, 0).fetch, {
        heartbeatMs: 30_000,
        onHeartbeat: ({ current, sinceMs, nextPollMs }) => beats.push(`${current.stage} ${sinceMs} ${nextPollMs}`)
      })
    )
    // Polls every 10 s: quiet at 30 s and 60 s of EXPORT; INGESTION starts at 70 s and ends before 30 s more.
    expect(beats).toEqual(['EXPORT 30000 10000', 'EXPORT 60000 10000'])
  })

  it('announces each retry with its number, the limit and the wait, one-shot and wait mode alike', async () => {
    for (const [wait, of] of [
      [false, 3],
      [true, 5]
    ] as const) {
      const clock = new FakeClock()
      const retries: string[] = []
      await pollUntilDone(
        options(clock, scripted(clock, [transient(), transient(), response('DONE')]).fetch, {
          wait,
          onRetry: ({ error, retry, of, delayMs }) => retries.push(`${error.status} ${retry}/${of} ${delayMs}`)
        })
      )
      expect(retries).toEqual([`503 1/${of} 750`, `503 2/${of} 1500`])
    }
  })
})

describe('backoff', () => {
  it('stays within half and all of the doubled base, capped', () => {
    for (let n = 1; n <= 10; n++) {
      const ceiling = Math.min(30_000, 1000 * 2 ** (n - 1))
      expect(backoffDelay(n, 1000, 30_000, () => 0)).toBe(ceiling / 2)
      expect(backoffDelay(n, 1000, 30_000, () => 0.999999)).toBeLessThanOrEqual(ceiling)
      expect(backoffDelay(n, 1000, 30_000, () => 0.999999)).toBeGreaterThan(ceiling * 0.99)
    }
  })

  it('keeps the interval when no rate-limit headers came', () => {
    expect(pollDelay(15_000, response('IN_PROGRESS'))).toBe(15_000)
    expect(pollDelay(15_000, response('IN_PROGRESS', 'EXPORT', { remaining: 1 }))).toBe(30_000)
  })
})

describe('what the schedule reports', () => {
  it('counts no retry when every request succeeds', async () => {
    const clock = new FakeClock()
    const result = await pollUntilDone(
      options(clock, scripted(clock, [response('IN_PROGRESS'), response('DONE')]).fetch)
    )
    expect(result.retries).toBe(0)
  })

  it('does not count a request that was never sent (the token request failed first)', async () => {
    const clock = new FakeClock()
    const tokenFailed = new AtlasError('token 503', { kind: 'api', status: 503, retryable: true, notSent: true })
    const result = await pollUntilDone(options(clock, scripted(clock, [tokenFailed, response('DONE')]).fetch))
    expect(result.polls).toBe(1)
    expect(result.retries).toBe(1)
  })

  it('marks a stretch of retries with one timeline row, at its start, naming the first error', async () => {
    const clock = new FakeClock()
    const quota = new AtlasError('429', { kind: 'api', status: 429, errorCode: 'RATE_LIMITED', retryable: true })
    const { fetch } = scripted(clock, [
      response('IN_PROGRESS'),
      quota,
      transient(),
      response('IN_PROGRESS'),
      response('DONE')
    ])
    const result = await pollUntilDone(options(clock, fetch))
    expect(result.timeline).toEqual([
      { at: 100, state: 'IN_PROGRESS', stage: 'EXPORT' },
      { at: 10_200, retrying: 'Atlas API 429 RATE_LIMITED' },
      // The same state again after the retries (a 429's wait of 10s plus jitter, then a 503's backoff): the time they took is not credited to it.
      { at: 23_650, state: 'IN_PROGRESS', stage: 'EXPORT' },
      { at: 33_750, state: 'DONE', stage: 'EXPORT' }
    ])
  })

  it.each([
    [new AtlasError('503', { kind: 'api', status: 503, retryable: true }), 'Atlas API 503'],
    [new AtlasError('reset', { kind: 'network', errorCode: 'ECONNRESET', retryable: true }), 'ECONNRESET'],
    [new AtlasError('slow', { kind: 'timeout', retryable: true }), 'timeout']
  ])('names a retried error by its fault in the timeline: %s', async (error, named) => {
    const clock = new FakeClock()
    const result = await pollUntilDone(
      options(clock, scripted(clock, [response('IN_PROGRESS'), error, response('DONE')]).fetch)
    )
    expect(result.timeline[1]?.retrying).toBe(named)
  })

  it('adds no retry row before the first state is known', async () => {
    const clock = new FakeClock()
    const result = await pollUntilDone(options(clock, scripted(clock, [transient(), response('DONE')]).fetch))
    expect(result.timeline).toEqual([{ at: 950, state: 'DONE', stage: 'EXPORT' }])
  })

  it('logs each poll with its state and stage, and each failed request with its count', async () => {
    const clock = new FakeClock()
    const lines: string[] = []
    const noPhase: AtlasResponse = { document: { state: 'PENDING' }, rateLimit: {} }
    const noState: AtlasResponse = { document: {}, rateLimit: {} }
    const { fetch } = scripted(clock, [noPhase, noState, transient(), response('DONE')])
    await pollUntilDone(options(clock, fetch, { onPoll: (line) => lines.push(line) }))
    expect(lines).toEqual([
      'poll 1: state PENDING',
      'poll 2: state (none)',
      'request 3 failed (1 in a row): Atlas API 503',
      'poll 4: state DONE, EXPORT'
    ])
  })

  it('caps the announced retry delay at the time left', async () => {
    const clock = new FakeClock()
    const delays: number[] = []
    await pollUntilDone(
      options(clock, scripted(clock, [transient(), response('DONE')]).fetch, {
        timeoutMs: 500,
        backoffBaseMs: 2000,
        onRetry: ({ delayMs }) => delays.push(delayMs)
      })
    )
    expect(delays).toEqual([400])
  })
})

describe('the schedule at its boundaries', () => {
  it('waits a Retry-After that ends exactly at the deadline', async () => {
    const clock = new FakeClock()
    const asked = new AtlasError('429', { kind: 'api', status: 429, retryable: true, retryAfterMs: 59_900 })
    const { fetch, calls } = scripted(clock, [asked, response('DONE')])
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 60_000 }))
    expect(result.unwaitedRetryAfterMs).toBeUndefined()
    expect(clock.sleeps).toEqual([59_900])
    expect(calls).toHaveLength(2)
  })

  it('slows down at one tenth of the window left, not above it', async () => {
    const at = (remaining: number, limit?: number) =>
      pollDelay(10_000, { document: {}, rateLimit: { limit, remaining } })
    expect(at(10, 100)).toBe(20_000)
    expect(at(11, 100)).toBe(10_000)
    // A small window still slows down at its last request.
    expect(at(1, 5)).toBe(20_000)
    expect(at(2, 5)).toBe(10_000)
    // Without a limit, only the last request of the window counts as low.
    expect(at(2)).toBe(10_000)
  })

  it('ends as cancelled, not as an error, when a request fails because the step was cancelled', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const retried: number[] = []
    const { fetch, calls } = scripted(clock, [
      () => {
        controller.abort()
        throw transient()
      }
    ])
    const result = await pollUntilDone(
      options(clock, fetch, { signal: controller.signal, onRetry: ({ retry }) => retried.push(retry) })
    )
    expect(result.ending).toBe('cancelled')
    expect(result.error).toBeUndefined()
    expect(retried).toEqual([])
    expect(calls).toHaveLength(1)
  })

  it('ends as cancelled when a request was cancelled from elsewhere, without a retry', async () => {
    const clock = new FakeClock()
    const { fetch, calls } = scripted(clock, [new AtlasError('aborted', { kind: 'cancelled' }), response('DONE')])
    const result = await pollUntilDone(options(clock, fetch))
    expect(result.ending).toBe('cancelled')
    expect(calls).toHaveLength(1)
  })

  it('sends nothing more after a cancel during the sleep', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    clock.sleep = async (ms) => {
      clock.sleeps.push(ms)
      controller.abort()
    }
    const { fetch, calls } = scripted(clock, [response('IN_PROGRESS')])
    const result = await pollUntilDone(options(clock, fetch, { signal: controller.signal }))
    expect(result.ending).toBe('cancelled')
    expect(calls).toHaveLength(1)
  })

  it('says the wait goes on every five minutes by default, counting from the last change', async () => {
    const clock = new FakeClock()
    const beats: number[] = []
    await pollUntilDone(
      options(clock, scripted(clock, [response('IN_PROGRESS')], 100).fetch, {
        timeoutMs: 11 * 60_000,
        pollIntervalMs: 60_000,
        onHeartbeat: ({ sinceMs }) => beats.push(sinceMs)
      })
    )
    // The state was first seen at 100 ms; polls land every 60.1 s after that.
    expect(beats).toEqual([300_500, 601_000])
  })

  it('goes on without a heartbeat listener', async () => {
    const clock = new FakeClock()
    const result = await pollUntilDone(
      options(clock, scripted(clock, [response('IN_PROGRESS')], 0).fetch, {
        timeoutMs: 11 * 60_000,
        pollIntervalMs: 60_000
      })
    )
    expect(result.ending).toBe('timeout')
  })
})

describe('the system clock', () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length

  it('sleeps for the time asked', async () => {
    const started = Date.now()
    await systemClock.sleep(30)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
  })

  it('wakes at once when the signal aborts, leaving no timer and no listener behind', async () => {
    const controller = new AbortController()
    const before = timeouts()
    const sleeping = systemClock.sleep(60_000, controller.signal)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort()
    await sleeping
    expect(timeouts()).toBe(before)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('removes its listener when the sleep ends on time', async () => {
    const controller = new AbortController()
    await systemClock.sleep(5, controller.signal)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('does not sleep at all on a signal already aborted', async () => {
    const before = timeouts()
    const aborted = AbortSignal.abort()
    let woke = false
    void systemClock.sleep(60_000, aborted).then(() => (woke = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(woke).toBe(true)
    expect(timeouts()).toBe(before)
  })

  it('cancels a timer before it fires', async () => {
    let fired = 0
    systemClock.timer(5, () => (fired += 1))
    const cancel = systemClock.timer(5, () => (fired += 10))
    cancel()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(fired).toBe(1)
  })
})

describe('a 429: Atlas saying "later"', () => {
  const limited = (retryAfterMs?: number) =>
    new AtlasError('Atlas API 429 RATE_LIMITED_TOKEN_BUCKET', {
      kind: 'api',
      status: 429,
      errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
      retryable: true,
      retryAfterMs
    })

  it('is no fault: ten in a row do not end a wait that the deadline allows', async () => {
    const clock = new FakeClock()
    const { fetch } = scripted(clock, [...Array.from({ length: 10 }, () => limited(1000)), response('DONE')])
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 30 * 60_000 }))
    expect([result.ending, result.polls, result.failedInARow, result.retries]).toEqual(['finished', 11, 0, 10])
    expect(result.rateLimits).toEqual({ count: 10, waitedMs: clock.sleeps.reduce((a, b) => a + b, 0) })
  })

  it('neither adds to the faults in a row nor resets them: six faults end it, 429s or not between them', async () => {
    const clock = new FakeClock()
    const { fetch, calls } = scripted(clock, [
      transient(),
      transient(),
      transient(),
      limited(1000),
      transient(),
      transient(),
      transient(),
      response('DONE')
    ])
    const result = await pollUntilDone(options(clock, fetch, { timeoutMs: 30 * 60_000 }))
    expect([result.ending, result.failedInARow, calls.length, result.rateLimits?.count]).toEqual(['error', 6, 7, 1])
  })

  it('waits longer with each 429 in a row: Retry-After doubling, Atlas 10s, 20s, 40s without it', async () => {
    const clock = new FakeClock()
    const none = [limited(), limited(), limited(), response('DONE')]
    await pollUntilDone(options(clock, scripted(clock, none).fetch, { random: () => 0, timeoutMs: 30 * 60_000 }))
    expect(clock.sleeps).toEqual([10_000, 20_000, 40_000])
    const after = new FakeClock()
    const given = [limited(3000), limited(3000), limited(3000), response('DONE')]
    await pollUntilDone(options(after, scripted(after, given).fetch, { random: () => 0, timeoutMs: 30 * 60_000 }))
    expect(after.sleeps).toEqual([3000, 6000, 12_000])
  })

  it('starts a new stretch after an answer', async () => {
    const clock = new FakeClock()
    const steps = [limited(), limited(), response('IN_PROGRESS'), limited(), response('DONE')]
    await pollUntilDone(options(clock, scripted(clock, steps).fetch, { random: () => 0, timeoutMs: 30 * 60_000 }))
    expect(clock.sleeps).toEqual([10_000, 20_000, 10_000, 10_000])
  })

  it('ends the step at the deadline, with what the 429s cost, and not before', async () => {
    const clock = new FakeClock()
    const result = await pollUntilDone(options(clock, scripted(clock, [limited()]).fetch, { timeoutMs: 60_000 }))
    expect(result.ending).toBe('timeout')
    expect(result.error?.status).toBe(429)
    expect(result.elapsedMs).toBeGreaterThanOrEqual(60_000)
    expect(result.rateLimits?.count).toBe(result.polls)
    expect(result.rateLimits?.waitedMs).toBeLessThanOrEqual(60_000)
  })
})

describe('the wait after a 429', () => {
  it('is at least Retry-After, and at most half again as long (the jitter)', () => {
    for (const random of [0, 0.3, 0.999]) {
      const delay = rateLimitDelay(1, 55_000, () => random)
      expect(delay).toBeGreaterThanOrEqual(55_000)
      expect(delay).toBeLessThanOrEqual(82_500)
    }
    expect([rateLimitDelay(1, 55_000, () => 0), rateLimitDelay(1, 55_000, () => 1)]).toEqual([55_000, 82_500])
  })

  it('spreads jobs refused together over the jitter', () => {
    const delays = new Set([0, 0.25, 0.5, 0.75].map((r) => rateLimitDelay(1, 2000, () => r)))
    expect([...delays]).toEqual([2000, 2250, 2500, 2750])
  })

  it('doubles up to two minutes, and never below Retry-After', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => rateLimitDelay(n, undefined, () => 0))).toEqual([
      10_000,
      20_000,
      40_000,
      80_000,
      RATE_LIMIT_CAP_MS,
      RATE_LIMIT_CAP_MS
    ])
    expect(rateLimitDelay(9, 300_000, () => 0)).toBe(300_000)
  })

  it('says in the log how often and for how long', () => {
    const error = new AtlasError('Atlas API 429', { kind: 'api', status: 429, errorCode: 'RATE_LIMITED' })
    expect(rateLimitedLine({ error, count: 1, delayMs: 12_000 })).toBe(
      'Atlas rate-limited the request (Atlas API 429 RATE_LIMITED), once so far; asking again in 12s.'
    )
    expect(rateLimitedLine({ error, count: 3, delayMs: 1500 })).toMatch(/, 3 times so far; asking again in 2s\.$/)
  })
})

describe('two tallies of 429s', () => {
  it('add up, and stay absent when neither has any', () => {
    expect(addRateLimits({ count: 2, waitedMs: 10 }, { count: 3, waitedMs: 5 })).toEqual({ count: 5, waitedMs: 15 })
    expect(addRateLimits(undefined, { count: 1, waitedMs: 1 })).toEqual({ count: 1, waitedMs: 1 })
    expect(addRateLimits({ count: 1, waitedMs: 1 }, undefined)).toEqual({ count: 1, waitedMs: 1 })
    expect(addRateLimits(undefined, undefined)).toBeUndefined()
  })
})
