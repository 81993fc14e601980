import { expect } from '@jest/globals'
import { AtlasError } from '../../src/atlas/errors.js'
import { StepError } from '../../src/engine/step-error.js'

/** What a promise rejects with, of type kind; fails the test when it resolves or rejects with anything else. */
async function rejection<E>(promise: Promise<unknown>, kind: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(kind)
  return error as E
}

/** The AtlasError a promise rejects with. */
export const atlasFailure = (promise: Promise<unknown>): Promise<AtlasError> => rejection(promise, AtlasError)

/** The StepError a promise rejects with (a step of the steps toolkit failed). */
export const stepFailure = (promise: Promise<unknown>): Promise<StepError> => rejection(promise, StepError)
