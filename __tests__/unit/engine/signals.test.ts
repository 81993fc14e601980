// The runner's cancel signals, through run(): the first stops the check and reports, the second
// cuts clean-up short.
import { describe, expect, it } from '@jest/globals'
import { run, onRealClock, atlas, given, infoLines, outputs, failure, core } from '../../support/in-process-run.js'
import { DEMO, runDocument } from '../../support/fake-atlas.mjs'

describe('cancellation', () => {
  it('stops at the first signal, reports, and keeps no signal handler afterwards', async () => {
    atlas.script([{ run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) }])
    given.inputs = { ...given.inputs, wait: 'true', pollInterval: '1s' }
    const listeners = process.listenerCount('SIGTERM')
    const sigints = process.listenerCount('SIGINT')
    const checking = run(onRealClock)
    await new Promise((resolve) => setTimeout(resolve, 300))
    process.emit('SIGTERM', 'SIGTERM')
    await checking
    expect(infoLines()).toContain('Received SIGTERM: stopping.')
    expect(failure()).toEqual([
      'Cancelled while the pipeline run was IN_PROGRESS (phase EXPORT) after 0s (1 poll).\n' +
        'The pipeline run goes on in Atlas; this check stopped while it was IN_PROGRESS (EXPORT).'
    ])
    expect(outputs()).toMatchObject({ state: 'IN_PROGRESS', succeeded: 'false' })
    expect(process.listenerCount('SIGTERM')).toBe(listeners)
    expect(process.listenerCount('SIGINT')).toBe(sigints)
  })

  it('skips clean-up at the second signal', async () => {
    given.inputs = {
      ...given.inputs,
      accessToken: '',
      clientId: DEMO.clientId,
      clientSecret: DEMO.clientSecret,
      wait: 'true',
      pollInterval: '1s'
    }
    atlas.script([{ run: runDocument({ state: 'IN_PROGRESS' }) }])
    atlas.scriptRevoke([{ hang: true }])
    const checking = run(onRealClock)
    await new Promise((resolve) => setTimeout(resolve, 300))
    process.emit('SIGINT', 'SIGINT')
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    process.emit('SIGINT', 'SIGINT')
    await checking
    expect(infoLines()).toContain('Received SIGINT again: skipping clean-up.')
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringMatching(/^Could not revoke an Atlas access token \(The request to .* was cancelled\)/)
    )
    expect(Date.now() - started).toBeLessThan(2000) // not the 5 s clean-up bound
  })
})
