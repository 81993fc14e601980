import { DEFAULT_MAX_BODY_BYTES } from '../atlas/transport.js'
import type { InputReader } from '../engine/inputs.js'
import type { Steps } from '../engine/steps.js'
import { listed, type Explanation } from '../engine/text.js'

// What differs between the Atlas resources an action can check (a pipeline run, an export job):
// data and pure functions, one folder each. The engine (credentials, transport, retries, waiting,
// the verdict frame, outputs, the summary frame, commit statuses) takes a Resource and knows none
// by name. A resource module writes only what is its own and hands it to defineResource(), which
// fills in the rest.

/** An Atlas document as it came: every field optional, unknown fields kept. */
export type AtlasDocument = Record<string, unknown>

/** A value shown in the summary: our own text, or text from the API (shown as code, never as Markdown). */
export type Shown = string | { api: string } | undefined

/** A labelled value of the summary. Rows without a value are left out. */
export type Row = [label: string, value: Shown]

export interface JudgeContext {
  wait: boolean
  successStates: string[]
  /** "Pipeline run 6650… of nightly-export" */
  described: string
}

/** Who the resource is, in messages. */
export interface ResourceNames {
  /** The action's name in messages ("Unexpected error in …"). */
  action: string
  /** "pipeline run", "export job". */
  noun: string
  /** The Atlas role that reading this resource needs (for a 403). */
  readRole: string
}

/** The inputs that name one resource, and where it is. */
export interface ResourceRef<Ref> {
  /** The inputs that name one resource, in the order users write them. */
  refInputs: readonly string[]
  /** The one of refInputs that may be "latest" (the newest one), if any: only then does maxAge apply. */
  latestInput?: string
  /** The defaults of the resource's own inputs that have one (a test holds action.yml to them). */
  inputDefaults: Readonly<Record<string, string>>
  /** Reads and validates the resource's inputs; each problem names the input and the rule. */
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
}

/** Its states, and what they mean. */
export interface ResourceStates {
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
  judgeState(state: string, doc: AtlasDocument, context: JudgeContext): Explanation | undefined
  /** Headline and hint for a 404 or 410 of the check, or of a step before it when step is given. */
  notFound(status: 404 | 410, step?: string): Omit<Explanation, 'message'>
}

/** What the report shows of a document. */
export interface ResourceReport {
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
  /**
   * The values of a document that are credentials (a link that downloads the data): the engine
   * masks each one as the document arrives, before anything can print it, and the document output
   * carries a placeholder in its place. outputs() may hand them to the steps that need them.
   */
  secrets(doc: AtlasDocument): string[]
  /** The outputs the steps around the check may add (prepare(), followUp()), besides outputs(). */
  stepOutputs: readonly string[]
}

/** How old the newest one is (maxAge). */
export interface ResourceAge {
  /** When the resource was created (ISO 8601), which maxAge is measured from. */
  createdAt(doc: AtlasDocument): string | undefined
  /** What to do when the newest one is older than maxAge. */
  staleHint: string
}

/** The steps around the check. */
export interface ResourceSteps<Ref> {
  /**
   * Turns the inputs into the one resource to check: the ref as it is when the inputs name it
   * outright, else found or made ("latest", a new export). Its requests count as the check's; its
   * outputs join the step's.
   */
  prepare(ref: Ref, steps: Steps): Promise<Prepared<Ref>>
  /**
   * What is worth knowing once the check has its answer, read with the same steps toolkit (the
   * export job's files, from its bucket). It never changes the verdict: a failure is a warning.
   * check.passed says whether the verdict passes (a follow-up may only be worth it then).
   */
  followUp?(ref: Ref, doc: AtlasDocument, steps: Steps, check: { passed: boolean }): Promise<FollowUp>
  /** wait's default when the input is not set (a step that starts an export waits for it). */
  waitByDefault?(ref: Ref): boolean
  /** How large the largest answer read can be (a page of 500 list items); a larger one is not Atlas. */
  largestAnswerBytes: number
}

/** Everything the engine reads of a resource; defineResource() makes one. */
export interface Resource<Ref = unknown>
  extends ResourceNames, ResourceRef<Ref>, ResourceStates, ResourceReport, ResourceAge, ResourceSteps<Ref> {
  /** True when the ref asks for the newest one (its latestInput is "latest"). */
  isLatest(ref: Ref): boolean
}

/** The members a resource may leave out, and what they are then. */
type Defaulted =
  | 'inputDefaults'
  | 'stage'
  | 'judgeState'
  | 'notFound'
  | 'headlineFacts'
  | 'keyFigures'
  | 'details'
  | 'stepOutputs'
  | 'secrets'
  | 'createdAt'
  | 'staleHint'
  | 'prepare'
  | 'largestAnswerBytes'
  | 'isLatest'

/** What a resource module writes: what is its own; defineResource() fills in the rest. */
export type ResourceDefinition<Ref> = Omit<Resource<Ref>, Defaulted> & Partial<Omit<Resource<Ref>, 'isLatest'>>

/** A resource from its definition: the members it leaves out get the engine's defaults. */
export function defineResource<Ref>(definition: ResourceDefinition<Ref>): Resource<Ref> {
  const { latestInput, noun } = definition
  return {
    inputDefaults: {},
    stage: () => undefined,
    judgeState: () => undefined,
    notFound: (status, step) => ({
      headline: `${step ? 'not found' : `${noun} not found`} (${status})`,
      hint: `Check ${listed(definition.refInputs)}.`
    }),
    headlineFacts: () => [],
    keyFigures: () => [],
    details: () => [],
    stepOutputs: [],
    secrets: () => [],
    createdAt: () => undefined,
    staleHint: `Look at the newest ${noun} in the Atlas UI, or raise maxAge.`,
    prepare: async (ref) => ({ ref }),
    // A document is a few KB (an export job's customData and components included): a page of 500 stays under 4 MiB.
    largestAnswerBytes: DEFAULT_MAX_BODY_BYTES,
    ...definition,
    isLatest: (ref) => latestInput !== undefined && (ref as Record<string, unknown>)[latestInput] === 'latest'
  }
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
  /** What a cancelled check of this ref means in Atlas, when prepare() knows more than the engine. */
  onCancel?: OnCancel
}

/** What the step says and does when the workflow is cancelled while it waits. */
export interface OnCancel {
  /** What goes on in Atlas, for the annotation ("Atlas cannot cancel …; it goes on"). */
  hint: string
  /**
   * Undoes what this step started, with a steps toolkit bound by the clean-up time; it says what
   * it did with steps.record() and steps.log(), and a failure of it is a warning.
   */
  undo?(steps: Steps): Promise<void>
}
