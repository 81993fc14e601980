// A step's failure: the step it names, the HTTP error it ended on (whose facts it shows), or the
// step's own kind and words.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../src/atlas/errors.js'
import { DEADLINE, StepError } from '../../../src/engine/step-error.js'

const STEP = { what: 'start the export', role: 'Project Backup Export Operator', note: 'N.', rerun: 'r' }

describe('StepError', () => {
  it('names the step, and shows the facts of the HTTP error it ended on', () => {
    const http = new AtlasError('Atlas API 503 SERVICE_UNAVAILABLE', {
      kind: 'api',
      status: 503,
      errorCode: 'SERVICE_UNAVAILABLE',
      detail: 'down',
      retryable: true
    })
    const error = new StepError(http.message, STEP, { faults: ['Atlas API 503'], lastSeen: 'seen' }, http)
    expect([error.step, error.faults, error.lastSeen, error.http, error.cause]).toEqual([
      STEP,
      ['Atlas API 503'],
      'seen',
      http,
      http
    ])
    expect([error.kind, error.status, error.errorCode, error.detail, error.retryable, error.message]).toEqual([
      'api',
      503,
      'SERVICE_UNAVAILABLE',
      'down',
      true,
      'Atlas API 503 SERVICE_UNAVAILABLE'
    ])
    expect([error.name, error.headline, error.hint]).toEqual(['StepError', undefined, undefined])
  })

  it('ends by itself with its own kind and words, and no HTTP facts', () => {
    const error = new StepError('Atlas lists nothing', STEP, { kind: 'empty', headline: 'nothing to check', hint: 'h' })
    expect([error.kind, error.headline, error.hint, error.http, error.status, error.retryable]).toEqual([
      'empty',
      'nothing to check',
      'h',
      undefined,
      undefined,
      false
    ])
    expect(new StepError('m', STEP, {}).kind).toBe('failed')
  })

  it('takes a code of its own over the HTTP error’s: the deadline', () => {
    const http = new AtlasError('timed out', { kind: 'timeout', errorCode: 'UND_ERR_HEADERS_TIMEOUT' })
    const error = new StepError('The deadline passed', STEP, { kind: 'timeout', errorCode: DEADLINE }, http)
    expect([error.kind, error.errorCode]).toEqual(['timeout', DEADLINE])
  })
})
