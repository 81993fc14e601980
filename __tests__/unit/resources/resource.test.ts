// defineResource(): a resource module writes what is its own, and gets the engine's defaults for
// the rest.
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_MAX_BODY_BYTES } from '../../../src/atlas/transport.js'
import { defineResource, type ResourceDefinition } from '../../../src/resources/resource.js'

interface Ref {
  groupId: string
  thingId: string
}

const definition: ResourceDefinition<Ref> = {
  action: 'thing-action',
  noun: 'thing',
  readRole: 'Project Thing Reader',
  refInputs: ['groupId', 'thingId'],
  readRef: () => ({ groupId: 'g', thingId: 't' }),
  describe: (ref) => `Thing ${ref.thingId}`,
  subject: () => 'things',
  refRows: () => [],
  groupId: (ref) => ref.groupId,
  path: (ref) => ['groups', ref.groupId, 'things', ref.thingId],
  states: ['A', 'B'],
  terminalStates: ['B'],
  defaultSuccessStates: 'B',
  state: (doc) => String(doc['state']),
  outputs: () => ({}),
  documentOutput: 'thing'
}
const ref = { groupId: 'g', thingId: 't' }

describe('defineResource()', () => {
  it('fills in what a resource leaves out', async () => {
    const thing = defineResource(definition)
    expect(thing.inputDefaults).toEqual({})
    expect(thing.stage({ phase: 'X' })).toBeUndefined()
    expect(thing.judgeState('A', {}, { wait: false, successStates: ['B'], described: 'Thing t' })).toBeUndefined()
    expect([thing.headlineFacts({}), thing.keyFigures({}), thing.details({}), thing.stepOutputs]).toEqual([
      [],
      [],
      [],
      []
    ])
    expect(thing.createdAt({ createdAt: '2026-01-01T00:00:00Z' })).toBeUndefined()
    expect(thing.staleHint).toBe('Look at the newest thing in the Atlas UI, or raise maxAge.')
    expect(await thing.prepare(ref, undefined as never)).toEqual({ ref })
    expect(thing.largestAnswerBytes).toBe(DEFAULT_MAX_BODY_BYTES)
    expect(['followUp' in thing, 'waitByDefault' in thing]).toEqual([false, false])
  })

  it('says "not found" with the inputs to check, naming the resource unless a step failed', () => {
    const thing = defineResource(definition)
    expect(thing.notFound(404)).toEqual({ headline: 'thing not found (404)', hint: 'Check groupId and thingId.' })
    expect(thing.notFound(410, 'list the things')).toEqual({
      headline: 'not found (410)',
      hint: 'Check groupId and thingId.'
    })
  })

  it('keeps what the resource writes itself', () => {
    const staleHint = 'Make a new thing.'
    const thing = defineResource({ ...definition, staleHint, largestAnswerBytes: 1024, stepOutputs: ['made'] })
    expect([thing.staleHint, thing.largestAnswerBytes, thing.stepOutputs]).toEqual([staleHint, 1024, ['made']])
  })

  it('asks for the newest one only through its latestInput, given as "latest"', () => {
    expect(defineResource(definition).isLatest({ ...ref, thingId: 'latest' })).toBe(false)
    const latest = defineResource({ ...definition, latestInput: 'thingId' })
    expect([latest.isLatest({ ...ref, thingId: 'latest' }), latest.isLatest(ref)]).toEqual([true, false])
    expect(latest.isLatest({ ...ref, groupId: 'latest' })).toBe(false)
  })
})
