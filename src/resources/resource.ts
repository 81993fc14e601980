import type { InputReader } from '../engine/inputs.js'
import type { Steps } from '../engine/steps.js'

// What differs between the Atlas resources an action can check (a pipeline run, an export job):
// data and pure functions, one module each. The engine (credentials, transport, retries, waiting,
// the verdict frame, outputs, the summary frame, commit statuses) takes a Resource and knows none
// by name. A new resource is one module here and one action.yml.

/** An Atlas document as it came: every field optional, unknown fields kept. */
export type AtlasDocument = Record<string, unknown>

/** A value shown in the summary: our own text, or text from the API (shown as code, never as Markdown). */
export type Shown = string | { api: string } | undefined

/** A labelled value of the summary. Rows without a value are left out. */
export type Row = [label: string, value: Shown]

/** What a state that did not pass means, in words. */
export interface StateVerdict {
  /** A few words for the headline: "FAILED in EXPORT". */
  headline: string
  /** What happened, in one sentence. */
  message: string
  /** What to do about it, when there is something to do. */
  hint?: string
}

export interface JudgeContext {
  wait: boolean
  successStates: string[]
  /** "Pipeline run 6650… of nightly-export" */
  described: string
}

export interface Resource<Ref = unknown> {
  /** The action's name in messages ("Unexpected error in …"). */
  action: string
  /** "pipeline run", "export job". */
  noun: string
  /** The inputs that name one resource, in the order users write them. */
  refInputs: readonly string[]
  /** The defaults of the resource's own inputs that have one (a test holds action.yml to them). */
  inputDefaults: Readonly<Record<string, string>>
  /** Reads and validates those inputs; each problem names the input and the rule. */
  readRef(input: InputReader, problems: string[]): Ref
  /** "Pipeline run 6650… of nightly-export", for sentences. */
  describe(ref: Ref): string
  /** The headline's subject: "nightly-export". */
  subject(ref: Ref): string
  /** The ids shown under the headline. */
  refRows(ref: Ref): Row[]
  groupId(ref: Ref): string
  /** Path segments under /api/atlas/v2/, not yet encoded. */
  path(ref: Ref): string[]
  /** The states of the spec's enum, and which of them never change again. */
  states: readonly string[]
  terminalStates: readonly string[]
  defaultSuccessStates: string
  /** The stage inside a state that is worth following (a run's phase), if the resource has one. */
  stageName?: string
  state(doc: AtlasDocument): string | undefined
  stage(doc: AtlasDocument): string | undefined
  /**
   * What a state of the spec's enum that is not among successStates means. Undefined leaves it to
   * the engine ("X, but successStates is …"); a value outside the enum never reaches here.
   */
  judgeState(state: string, doc: AtlasDocument, context: JudgeContext): StateVerdict | undefined
  /** Short facts for a passing headline: "1,234,567 documents", "1.2 GiB". */
  headlineFacts(doc: AtlasDocument): string[]
  /** The few figures people look for, shown first. */
  keyFigures(doc: AtlasDocument): Row[]
  /** Ids and dates, shown folded. */
  details(doc: AtlasDocument): Row[]
  /** Step outputs taken from the document; the engine adds the rest. */
  outputs(doc: AtlasDocument): Record<string, string | undefined>
  /** The output that holds the whole document as compact JSON. */
  documentOutput: string
  /** The outputs the steps around the check add (prepare(), followUp()), besides outputs(). */
  extraOutputs: readonly string[]
  /** How large the largest answer read can be (a page of 500 list items); a larger one is not Atlas. */
  largestAnswerBytes: number
  /** The Atlas role that reading this resource needs (for a 403). */
  readRole: string
  /** Headline and hint for a 404 or 410 of the check, or of a step before it when step is given. */
  notFound(status: 404 | 410, step?: string): { headline: string; hint: string }
  /** True when the ref asks for the newest one ("latest"): only then does maxAge apply. */
  isLatest(ref: Ref): boolean
  /** When the resource was created (ISO 8601), which maxAge is measured from. */
  createdAt(doc: AtlasDocument): string | undefined
  /** What to do when the newest one is older than maxAge. */
  staleHint: string
  /**
   * What is worth knowing once the check has its answer, read with the same steps (the
   * export job's files, from its bucket). It never changes the verdict: a failure is a warning.
   */
  followUp?(ref: Ref, doc: AtlasDocument, steps: Steps): Promise<FollowUp>
  /**
   * Turns the inputs into the one resource to check: the ref as it is when the inputs name it
   * outright, else found or made ("latest", a new export). Its requests count as the check's; its
   * outputs join the step's.
   */
  prepare(ref: Ref, steps: Steps): Promise<Prepared<Ref>>
  /** wait's default when the input is not set (a step that starts an export waits for it). */
  waitByDefault?(ref: Ref): boolean
}

/** What followUp() adds to the report. */
export interface FollowUp {
  outputs: Record<string, string>
  /** Lines of the summary, under the key figures: "Files at `s3://…`". */
  lines: Row[]
  /** Warnings for the log and the summary. */
  warnings: string[]
}

export interface Prepared<Ref> {
  ref: Ref
  outputs?: Record<string, string>
}
