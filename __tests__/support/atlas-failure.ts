import { expect } from '@jest/globals'
import { AtlasError } from '../../src/atlas/errors.js'
import { StepError } from '../../src/engine/step-error.js'

/** The AtlasError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function atlasFailure(promise: Promise<unknown>): Promise<AtlasError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(AtlasError)
  return error as AtlasError
}

/** The StepError a promise rejects with (a step of the steps toolkit failed); fails the test otherwise. */
export async function stepFailure(promise: Promise<unknown>): Promise<StepError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(StepError)
  return error as StepError
}
