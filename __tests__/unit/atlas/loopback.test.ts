// Which hosts are this machine: they may use plain http and never go through a proxy.
import { describe, expect, it } from '@jest/globals'
import { isLoopbackHost } from '../../../src/atlas/loopback.js'

describe('loopback', () => {
  it('counts only 127.0.0.0/8, localhost and [::1] as loopback, anchored at both ends', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true])
    expect(
      ['a127.0.0.1', '127.0.0.1.evil.example', '1127.0.0.1', 'localhost.example', '[::2]'].map(isLoopbackHost)
    ).toEqual([false, false, false, false, false])
  })
})
