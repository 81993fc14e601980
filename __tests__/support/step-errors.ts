import type { AtlasError } from '../../src/atlas/errors.js'
import { StepError, type Step, type StepErrorFields } from '../../src/engine/step-error.js'

/** A step that ended on an HTTP error, as the steps toolkit makes it: the error, the step, and what else is known. */
export function during(error: AtlasError, step: Step, extra: Omit<StepErrorFields, 'kind'> = {}): StepError {
  return new StepError(error.message, step, extra, error)
}

/** A step that ended by itself ('empty', 'failed'), in the resource's own words. */
export function stepEnded(
  message: string,
  step: Step,
  fields: StepErrorFields & { kind: 'empty' | 'failed'; headline: string }
): StepError {
  return new StepError(message, step, fields)
}
