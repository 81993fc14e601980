import { expect } from '@jest/globals'
import { AtlasError } from '../../src/atlas/errors.js'

/** The AtlasError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function atlasFailure(promise: Promise<unknown>): Promise<AtlasError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}
