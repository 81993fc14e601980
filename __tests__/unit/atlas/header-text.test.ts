// What can be sent in an HTTP header: credentials are refused by name before any request.
import { describe, expect, it } from '@jest/globals'
import { unsendableReason } from '../../../src/atlas/header-text.js'

describe('header text', () => {
  it('lets Latin-1 into a header and refuses what lies beyond it', () => {
    expect(unsendableReason('caf\u00e9 \u00ff')).toBeUndefined()
    expect(unsendableReason('a\u0100')).toBe('a character outside Latin-1 at character 2')
    expect(unsendableReason('\u007f')).toBe('a control character at character 1')
    expect(unsendableReason('ok\r')).toBe('a line break at character 3')
  })
})
