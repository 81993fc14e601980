import { AtlasError } from '../../src/atlas/errors.js'
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

/**
 * A typed fake of Steps.post() that plays answers as the real toolkit would: a retryable error is a
 * lost answer, so findDone() looks first and only an empty look sends again; any other error is the
 * step's StepError. sent() hears each POST that goes out.
 */
export function scriptedPost(
  next: () => Record<string, unknown> | AtlasError | undefined,
  sent: (segments: string[], body: unknown) => void
) {
  return async (
    step: Step,
    segments: string[],
    body: unknown,
    findDone: () => Promise<Record<string, unknown> | undefined>
  ): Promise<Record<string, unknown>> => {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        const found = await findDone()
        if (found) return found
      }
      sent(segments, body)
      const answer = next()
      if (answer === undefined) throw new Error(`no answer scripted for ${step.what}`)
      if (answer instanceof AtlasError && answer.retryable) continue
      if (answer instanceof AtlasError) throw during(answer, step)
      return answer
    }
  }
}
