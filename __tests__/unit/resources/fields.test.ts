// Reading fields of an Atlas document: text, API text, and the time between two dates.
import { describe, expect, it } from '@jest/globals'
import { api, spanMs, text } from '../../../src/resources/fields.js'

describe('fields', () => {
  it('reads text, numbers and int64 as text, and nothing else', () => {
    expect([text('a'), text(''), text(3), text(2n ** 64n), text(true), text(null), text({})]).toEqual([
      'a',
      '',
      '3',
      '18446744073709551616',
      undefined,
      undefined,
      undefined
    ])
    expect([api(5), api(undefined)]).toEqual([{ api: '5' }, undefined])
  })

  it('measures a span only between two readable dates in order', () => {
    const a = '2026-11-28T00:00:00Z'
    const b = '2026-11-28T00:01:00Z'
    expect([
      spanMs(a, b),
      spanMs(a, a),
      spanMs(b, a),
      spanMs(a, 'x'),
      spanMs('x', b),
      spanMs(1, b),
      spanMs(a, 2)
    ]).toEqual([60_000, 0, undefined, undefined, undefined, undefined, undefined])
  })
})
