// The steps before the check (lists, POSTs, waits) over a scripted client and a fake clock: paging,
// retries (never of a POST), the deadline, cancellation, and the step each error names.
import { describe, expect, it } from '@jest/globals'
import type { AtlasClient, AtlasResponse, RequestOptions } from '../../../src/atlas/client.js'
import { AtlasError } from '../../../src/atlas/errors.js'
import {
  createSteps,
  ITEMS_PER_PAGE,
  MAX_PAGES,
  newest,
  stepFailureResult,
  type StepsOptions
} from '../../../src/engine/steps.js'
import { stepFailure } from '../../support/atlas-failure.js'
import { during } from '../../support/step-errors.js'
import { DEADLINE } from '../../../src/engine/step-error.js'
import { FakeClock } from '../../support/clock.js'

type Doc = Record<string, unknown>
const STEP = { what: 'list the export jobs of the cluster', role: 'Project Backup Manager' }

/** A client whose request() plays answers in order (the last repeats), each taking 100 ms of fake time. */
function scriptedClient(clock: FakeClock, answers: (Doc | AtlasError | ((query: RequestOptions) => Doc))[]) {
  const requests: { segments: string[]; expected: string; options: RequestOptions }[] = []
  const client = {
    async request(segments: string[], expected: string, options: RequestOptions): Promise<AtlasResponse> {
      requests.push({ segments, expected, options })
      clock.time += 100
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!
      if (answer instanceof AtlasError) throw answer
      return { document: typeof answer === 'function' ? answer(options) : answer, rateLimit: {} }
    }
  } as unknown as AtlasClient
  return { client, requests }
}

function steps(clock: FakeClock, client: AtlasClient, extra: Partial<StepsOptions> = {}) {
  const counted: number[] = []
  const lines: string[] = []
  const steps = createSteps({
    client,
    clock,
    signal: new AbortController().signal,
    deadline: clock.now() + 60_000,
    pollIntervalMs: 5000,
    env: { GITHUB_RUN_ID: '42' },
    log: (line) => lines.push(line),
    onRequests: (sent) => counted.push(sent),
    ...extra
  })
  return { steps, counted, lines }
}

const page = (from: number, count: number, totalCount?: number): Doc => ({
  results: Array.from({ length: count }, (_, i) => ({ id: String(from + i) })),
  ...(totalCount === undefined ? {} : { totalCount })
})

const transient = new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true })

describe('a list of every page', () => {
  it('asks for the largest pages with their count, and stops at a short page', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [page(0, ITEMS_PER_PAGE), page(500, 3)])
    const { steps: r, counted } = steps(clock, client)
    const items = await r.listAll(STEP, ['groups', 'g', 'exports'])
    expect(items).toHaveLength(503)
    expect(items[502]).toEqual({ id: '502' })
    expect(requests.map((q) => q.options.query)).toEqual([
      { pageNum: '1', itemsPerPage: '500', includeCount: 'true' },
      { pageNum: '2', itemsPerPage: '500', includeCount: 'true' }
    ])
    expect(requests[0]?.segments).toEqual(['groups', 'g', 'exports'])
    expect(requests[0]?.expected).toBe("Atlas's answer to: list the export jobs of the cluster")
    expect(counted).toEqual([1, 1])
  })

  it('stops when it has totalCount items, even on a full page', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [page(0, ITEMS_PER_PAGE, 500), page(500, 1)])
    expect(await steps(clock, client).steps.listAll(STEP, ['x'])).toHaveLength(500)
    expect(requests).toHaveLength(1)
  })

  it('reads on past a full page whose totalCount says there is more', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [page(0, ITEMS_PER_PAGE, 501), page(500, 1, 501)])
    expect(await steps(clock, client).steps.listAll(STEP, ['x'])).toHaveLength(501)
    expect(requests).toHaveLength(2)
  })

  it('reads on when totalCount is not a number', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [
      { ...page(0, ITEMS_PER_PAGE), totalCount: '500' },
      page(500, 2)
    ])
    expect(await steps(clock, client).steps.listAll(STEP, ['x'])).toHaveLength(502)
    expect(requests).toHaveLength(2)
  })

  it('keeps only the objects of a page, and takes a page without results as the end', async () => {
    const clock = new FakeClock()
    const { client } = scriptedClient(clock, [{ results: [{ id: 'a' }, 7, null, 'x', [1]] }])
    expect(await steps(clock, client).steps.listAll(STEP, ['x'])).toEqual([{ id: 'a' }])
    const empty = scriptedClient(clock, [{ totalCount: 0 }])
    expect(await steps(clock, empty.client).steps.listAll(STEP, ['x'])).toEqual([])
  })

  it(`refuses a list longer than ${MAX_PAGES} pages, naming the step`, async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [page(0, ITEMS_PER_PAGE)])
    const error = await stepFailure(steps(clock, client).steps.listAll(STEP, ['x']))
    expect(requests).toHaveLength(MAX_PAGES)
    expect([error.kind, error.message, error.step?.what, error.step?.role]).toEqual([
      'protocol',
      'Atlas lists more than 10000 items while trying to list the export jobs of the cluster; this action reads at most 20 pages of 500',
      STEP.what,
      STEP.role
    ])
  })
})

describe('one request of a step', () => {
  it('retries a GET on a transient fault, and counts both requests', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [transient, { id: 'x' }])
    const { steps: r, counted } = steps(clock, client)
    expect(await r.call(STEP, ['x'])).toEqual({ id: 'x' })
    expect(requests).toHaveLength(2)
    expect(counted).toEqual([2])
  })

  it('sends a POST once when Atlas answers it', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [{ id: 'x' }])
    const { steps: r, counted } = steps(clock, client)
    let looked = 0
    const made = await r.post(STEP, ['x'], { a: 1 }, async () => {
      looked += 1
      return undefined
    })
    expect([made, looked, counted]).toEqual([{ id: 'x' }, 0, [1]])
    expect(requests.map((q) => q.options.body)).toEqual([{ a: 1 }])
  })

  it('looks for the work of a POST whose answer was lost before it sends it again, and takes what it finds', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [transient, { id: 'never' }])
    const { steps: r, counted, lines } = steps(clock, client)
    const made = await r.post(STEP, ['x'], { a: 1 }, async () => ({ id: 'found' }))
    expect(made).toEqual({ id: 'found' })
    // The look found it: one POST sent, counted once.
    expect([requests.length, counted]).toEqual([1, [1]])
    expect(lines).toContain(`Atlas has it already (found): the request to ${STEP.what} is not sent again.`)
  })

  it('rides out 6 lost answers to a POST in a row, looking before each resend, with backoff', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [
      transient,
      transient,
      transient,
      transient,
      transient,
      { id: 'x' }
    ])
    const { steps: r, counted, lines } = steps(clock, client)
    let looked = 0
    const made = await r.post(STEP, ['x'], { a: 1 }, async () => {
      looked += 1
      return undefined
    })
    expect([made, requests.length, looked, counted]).toEqual([{ id: 'x' }, 6, 5, [6]])
    expect(
      lines.filter((line) => line === `Atlas lists no such thing yet; sending the request to ${STEP.what} again.`)
    ).toHaveLength(5)
    // Backoff between the tries, as for any step: more than the 600 ms the requests took.
    expect(clock.now()).toBeGreaterThan(5000)
  })

  it('gives up a POST after 6 faults in a row, naming them', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [transient])
    const error = await stepFailure(steps(clock, client).steps.post(STEP, ['x'], {}, async () => undefined))
    expect([requests.length, error.status, error.faults]).toEqual([6, 503, Array(6).fill('Atlas API 503')])
  })

  it('never sends a refused POST again: a refusal hides no success', async () => {
    const clock = new FakeClock()
    const refused = new AtlasError('Atlas API 409', { kind: 'api', status: 409 })
    const { client, requests } = scriptedClient(clock, [refused, { id: 'x' }])
    let looked = 0
    const error = await stepFailure(
      steps(clock, client).steps.post(STEP, ['x'], {}, async () => {
        looked += 1
        return undefined
      })
    )
    expect([requests.length, looked, error.status]).toEqual([1, 0, 409])
  })

  it('sends a DELETE when asked, and takes its empty answer', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [{}])
    expect(await steps(clock, client).steps.call(STEP, ['x'], { method: 'DELETE' })).toEqual({})
    expect(requests[0]?.options.method).toBe('DELETE')
  })

  it('names the step and its role on an error Atlas answered', async () => {
    const clock = new FakeClock()
    const forbidden = new AtlasError('Atlas API 403', { kind: 'api', status: 403 })
    const { client } = scriptedClient(clock, [forbidden])
    const error = await stepFailure(steps(clock, client).steps.call(STEP, ['x']))
    expect([error.message, error.status, error.step?.what, error.step?.role]).toEqual([
      'Atlas API 403',
      403,
      STEP.what,
      STEP.role
    ])
  })

  it('ends at the deadline with DEADLINE, naming the step', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [{ status: 'inProgress' }])
    const { steps: r } = steps(clock, client, { deadline: clock.now() + 12_000 })
    const error = await stepFailure(r.waitFor(STEP, ['x'], (doc) => doc['status'] === 'completed'))
    expect([error.kind, error.errorCode, error.message, error.step?.what, error.step?.role]).toEqual([
      'timeout',
      'DEADLINE',
      'The deadline (timeout) passed while trying to list the export jobs of the cluster',
      STEP.what,
      STEP.role
    ])
    // At 0, 5.1 s, 10.2 s and on the deadline.
    expect(requests).toHaveLength(4)
  })

  it('ends at the deadline with DEADLINE even when the last request failed', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [transient])
    // Backoff has jitter: by 1.5 s at most three of the six tries a step allows have failed.
    const { steps: r } = steps(clock, client, { deadline: clock.now() + 1500 })
    const error = await stepFailure(r.call(STEP, ['x']))
    expect([error.kind, error.errorCode]).toEqual(['timeout', DEADLINE])
    // Each fault once: the last one was counted when it was retried, not again at the deadline.
    expect(error.faults).toEqual(requests.map(() => 'Atlas API 503'))
  })

  it('still sends one request when the deadline has passed: a last look, as the check gets', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [{ id: 'x' }])
    const { steps: r } = steps(clock, client, { deadline: clock.now() - 1000 })
    expect(await r.call(STEP, ['x'])).toEqual({ id: 'x' })
    expect(requests).toHaveLength(1)
  })

  it('ends when cancelled, naming the step', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const { client } = scriptedClient(clock, [
      () => {
        controller.abort()
        throw new AtlasError('cancelled', { kind: 'cancelled' })
      }
    ])
    const { steps: r } = steps(clock, client, { signal: controller.signal })
    const error = await stepFailure(r.call(STEP, ['x']))
    expect([error.kind, error.message, error.step?.what, error.step?.role]).toEqual([
      'cancelled',
      'Cancelled while trying to list the export jobs of the cluster',
      STEP.what,
      STEP.role
    ])
  })

  it('waits until the document is done, polling at pollInterval', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [
      { status: 'queued' },
      { status: 'inProgress' },
      { status: 'completed' }
    ])
    const done = await steps(clock, client).steps.waitFor(STEP, ['s'], (doc) => doc['status'] === 'completed')
    expect(done).toEqual({ status: 'completed' })
    expect(requests).toHaveLength(3)
    expect(clock.sleeps).toEqual([5000, 5000])
  })

  it('rides out five faults in a row as a wait does, logging each retry with the step, then goes on', async () => {
    const clock = new FakeClock()
    const reset = new AtlasError('Could not reach Atlas (ECONNRESET)', {
      kind: 'network',
      errorCode: 'ECONNRESET',
      retryable: true
    })
    const { client, requests } = scriptedClient(clock, [transient, transient, reset, transient, transient, { id: 'x' }])
    const { steps: r, lines } = steps(clock, client)
    expect(await r.call(STEP, ['x'])).toEqual({ id: 'x' })
    expect(requests).toHaveLength(6)
    expect(lines).toHaveLength(5)
    expect(lines[2]).toMatch(
      /^Could not reach Atlas \(ECONNRESET\) \(list the export jobs of the cluster\); retry 3 of 5 in \d+s$/
    )
  })

  it('gives up after six faults in a row, naming each of them; a 429 among them is no fault', async () => {
    const clock = new FakeClock()
    const limited = new AtlasError('Atlas API 429 RATE_LIMITED', {
      kind: 'api',
      status: 429,
      errorCode: 'RATE_LIMITED',
      retryable: true
    })
    const { client, requests } = scriptedClient(clock, [
      transient,
      limited,
      transient,
      transient,
      transient,
      transient,
      transient
    ])
    const error = await stepFailure(steps(clock, client).steps.call(STEP, ['x']))
    expect(requests).toHaveLength(7)
    expect([error.status, error.step?.what, error.faults]).toEqual([
      503,
      STEP.what,
      ['Atlas API 503', 'Atlas API 503', 'Atlas API 503', 'Atlas API 503', 'Atlas API 503', 'Atlas API 503']
    ])
  })

  it('counts only the faults since the last answer', async () => {
    const clock = new FakeClock()
    const { client } = scriptedClient(clock, [transient, { status: 'queued' }, transient, { status: 'completed' }])
    const done = await steps(clock, client).steps.waitFor(STEP, ['s'], (doc) => doc['status'] === 'completed')
    expect(done).toEqual({ status: 'completed' })
    const failing = scriptedClient(clock, [
      transient,
      { status: 'queued' },
      new AtlasError('no', { kind: 'api', status: 400 })
    ])
    const error = await stepFailure(
      steps(clock, failing.client).steps.waitFor(STEP, ['s'], (doc) => doc['status'] === 'completed')
    )
    expect(error.faults).toEqual(['Atlas API 400'])
  })

  it('sends the version of the step, when it has one', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [{ id: 'x' }])
    await steps(clock, client).steps.call({ ...STEP, apiVersion: '2024-05-30' }, ['x'])
    await steps(clock, client).steps.call(STEP, ['x'])
    expect(requests.map((q) => q.options.apiVersion)).toEqual(['2024-05-30', undefined])
  })

  it('carries the notes of the step into its errors', async () => {
    const clock = new FakeClock()
    const { client } = scriptedClient(clock, [new AtlasError('Atlas API 403', { kind: 'api', status: 403 })])
    const step = { ...STEP, note: 'No export was started.', rerun: 'it will not start a second export' }
    const error = await stepFailure(steps(clock, client).steps.call(step, ['x']))
    expect([error.step?.note, error.step?.rerun]).toEqual([step.note, step.rerun])
  })

  it('says what a wait saw, on each change, and names it when the deadline passes', async () => {
    const clock = new FakeClock()
    const { client } = scriptedClient(clock, [{ status: 'queued' }, { status: 'inProgress' }])
    const { steps: r, lines } = steps(clock, client, { deadline: clock.now() + 12_000 })
    const error = await stepFailure(
      r.waitFor(
        STEP,
        ['s'],
        (doc) => doc['status'] === 'completed',
        (doc) => `snapshot s is ${String(doc['status'])}`
      )
    )
    expect(lines).toEqual(['[+0s] snapshot s is queued', '[+5s] snapshot s is inProgress'])
    expect([error.errorCode, error.lastSeen]).toEqual([DEADLINE, 'snapshot s is inProgress'])
  })

  it('logs a retry during a wait as a retry, not as a change of what it saw', async () => {
    const clock = new FakeClock()
    const answers = [{ status: 'queued' }, transient, { status: 'inProgress' }, { status: 'completed' }]
    const { steps: r, lines } = steps(clock, scriptedClient(clock, answers).client)
    await r.waitFor(
      STEP,
      ['s'],
      (doc) => doc['status'] === 'completed',
      (doc) => `snapshot s is ${String(doc['status'])}`
    )
    expect(lines.map((line) => line.replace(/\d+s\b/g, 'Ns'))).toEqual([
      '[+Ns] snapshot s is queued',
      'Atlas API 503 (list the export jobs of the cluster); retry 1 of 5 in Ns',
      '[+Ns] snapshot s is inProgress',
      '[+Ns] snapshot s is completed'
    ])
  })

  it('hands each step done to record, and needs no record to run', async () => {
    const clock = new FakeClock()
    const recorded: unknown[] = []
    const step = { what: 'snapshot', id: 's1', how: 'taken by this run' }
    steps(clock, scriptedClient(clock, []).client, { record: (done) => recorded.push(done) }).steps.record(step)
    expect(recorded).toEqual([step])
    expect(() => steps(clock, scriptedClient(clock, []).client).steps.record(step)).not.toThrow()
  })

  it('reads a list without paging in one request, as the spec gives it', async () => {
    const clock = new FakeClock()
    const { client, requests } = scriptedClient(clock, [page(0, ITEMS_PER_PAGE)])
    expect(await steps(clock, client).steps.listAll(STEP, ['x'], { paged: false })).toHaveLength(ITEMS_PER_PAGE)
    expect(requests.map((q) => q.options.query)).toEqual([undefined])
  })

  it('passes the log and the environment through', () => {
    const clock = new FakeClock()
    const { steps: r, lines } = steps(clock, scriptedClient(clock, []).client)
    r.log('hello')
    expect(lines).toEqual(['hello'])
    expect(r.env).toEqual({ GITHUB_RUN_ID: '42' })
  })
})

describe('the result of a check whose step before it failed', () => {
  it('is the whole PollResult: the error, the requests the steps sent, their time, no timeline', () => {
    const refused = during(new AtlasError('Atlas API 403', { kind: 'api', status: 403 }), STEP)
    expect(stepFailureResult(refused, 3, 1200)).toEqual({
      ending: 'error',
      error: refused,
      polls: 3,
      retries: 0,
      failedInARow: 1,
      httpStatus: 403,
      elapsedMs: 1200,
      timeline: []
    })
  })

  it.each([
    ['cancelled', 'a cancel', new AtlasError('Cancelled', { kind: 'cancelled' })],
    ['timeout', 'the deadline', new AtlasError('The deadline passed', { kind: 'timeout', errorCode: DEADLINE })],
    [
      'error',
      'a request that timed out',
      new AtlasError('timed out', { kind: 'timeout', errorCode: 'UND_ERR_HEADERS_TIMEOUT' })
    ],
    ['error', 'a network fault', new AtlasError('no', { kind: 'network', errorCode: 'ECONNREFUSED' })]
  ])('ends %s after %s', (ending, _what, error) => {
    expect(stepFailureResult(during(error, STEP), 1, 0).ending).toBe(ending)
  })
})

describe('the newest item', () => {
  it('is the one with the latest date; items without a readable date count as oldest', () => {
    const items = [
      { id: 'undated' },
      { id: 'a', createdAt: '2026-11-27T00:00:00Z' },
      { id: 'b', createdAt: '2026-11-28T00:00:00Z' },
      { id: 'bad', createdAt: 'yesterday' },
      { id: 'number', createdAt: 1_900_000_000_000 },
      { id: 'a year as a number', createdAt: 2030 }
    ]
    expect(newest(items, 'createdAt')?.['id']).toBe('b')
    expect(newest([{ id: 'undated' }, { id: 'bad', createdAt: 'x' }], 'createdAt')?.['id']).toBe('undated')
    expect(newest([], 'createdAt')).toBeUndefined()
  })

  it('reads the date with a function when the item has no date field (a restore job: from its id)', () => {
    const items = [{ id: 'x', t: '2026-11-27T00:00:00Z' }, { id: 'y', t: '2026-11-29T00:00:00Z' }, { id: 'z' }]
    const read = (item: Record<string, unknown>) => (typeof item['t'] === 'string' ? item['t'] : undefined)
    expect(newest(items, read)?.['id']).toBe('y')
    expect(newest(items, read, 'newest')?.['id']).toBe('z')
  })

  it('counts items without a date as newest when asked (a snapshot in progress has no createdAt yet)', () => {
    const items = [{ id: 'a', createdAt: '2026-11-27T00:00:00Z' }, { id: 'in progress' }]
    expect(newest(items, 'createdAt', 'newest')?.['id']).toBe('in progress')
    expect(newest(items, 'createdAt')?.['id']).toBe('a')
  })

  it('keeps the first of two with the same date', () => {
    const same = '2026-11-28T00:00:00Z'
    expect(
      newest(
        [
          { id: 'first', at: same },
          { id: 'second', at: same }
        ],
        'at'
      )?.['id']
    ).toBe('first')
  })
})
