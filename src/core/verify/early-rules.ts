/**
 * Step rules evaluated while links are still arriving. Decoding a big bundle keeps the
 * decoding threads busy for seconds while the verifying thread waits; the rules then took
 * another half second on that thread alone. Here each step's rules are evaluated as soon as
 * its links and those of the steps its MATCH rules read from have arrived, on a *guess* of
 * the link the verifier will choose (the first authorized, validly signed link in pubkeys
 * order). The verifier takes an early result only when it is certain to be the result it
 * would compute itself: rule evaluation is a pure function of the step, its chosen link and
 * the links its lookups returned, so the result is reused exactly when the chosen link and
 * every lookup answer are the same objects as in the verifier's own run ({@link take}).
 * A wrong guess, a failure before the rules, a sublayout: the verifier computes as usual.
 */
import type { Link, RuleSource, Step } from '../model/types.ts'
import { parseRule } from '../rules/parse.ts'
import type { LinkResult } from '../links/index.ts'
import { nameKey, stringKey } from './item-keys.ts'
import type { RuleListTrace } from './report.ts'
import { evaluateRuleList } from './rules.ts'

/** One file the verifier may use for a step, in the verifier's order. */
export interface EarlyCandidate {
  /** Index of its decode request. */
  readonly request: number
  /** Whether a key of the layout may sign it for this step. */
  readonly authorized: boolean
}

export interface EarlyTraces {
  readonly materials: RuleListTrace
  /** Absent when the material rules failed (products are then not evaluated). */
  readonly products: RuleListTrace | undefined
}

interface Evaluation extends EarlyTraces {
  readonly link: Link
  /** Every lookup a rule made, with its answer. */
  readonly lookups: ReadonlyMap<string, Link | undefined>
}

/** A step as early evaluation sees it: its candidate files, in the verifier's order. */
export interface EarlyStep {
  readonly step: Step
  readonly candidates: readonly EarlyCandidate[]
}

interface StepState {
  readonly step: Step
  readonly key: string
  readonly candidates: readonly EarlyCandidate[]
  /** Step keys its MATCH rules read from. */
  readonly sources: readonly string[]
  /** How many of its candidates have not arrived. */
  waiting: number
  /** The guessed link, once all its candidates have arrived (`undefined`: not yet, or none usable). */
  guess: Link | undefined
  evaluation: Evaluation | undefined
}

export class EarlyStepRules {
  private readonly steps: readonly StepState[]
  private readonly results = new Map<number, LinkResult>()
  /** For each request, the steps it is a candidate of (a step listing a file twice, twice). */
  private readonly stepsOfRequest = new Map<number, StepState[]>()
  private readonly stepKeys: ReadonlySet<string>
  private readonly guessedKeys = new Map<string, Link>()

  constructor(steps: readonly EarlyStep[]) {
    this.steps = steps.map(({ step, candidates }) => ({
      step,
      key: nameKey(step),
      candidates,
      sources: matchSources([...step.expectedMaterials, ...step.expectedProducts]),
      waiting: candidates.length,
      guess: undefined,
      evaluation: undefined,
    }))
    for (const state of this.steps) {
      for (const candidate of state.candidates) {
        const list = this.stepsOfRequest.get(candidate.request)
        if (list) list.push(state)
        else this.stepsOfRequest.set(candidate.request, [state])
      }
    }
    this.stepKeys = new Set(this.steps.map((state) => state.key))
  }

  /** Takes one decode result as it arrives; evaluates the steps that became ready. Never throws. */
  arrived(request: number, result: LinkResult): void {
    if (this.results.has(request)) return
    this.results.set(request, result)
    let guessed = false
    // Each arrival is looked at once per step it is a candidate of (a step may list a file twice).
    for (const state of this.stepsOfRequest.get(request) ?? []) {
      state.waiting--
      if (state.waiting > 0) continue
      const link = this.guess(state.candidates)
      state.guess = link
      if (link !== undefined && !this.guessedKeys.has(state.key)) this.guessedKeys.set(state.key, link)
      guessed = true
    }
    if (guessed) this.evaluateReady()
  }

  /**
   * The traces of step `stepIndex` (its position in the constructor's list) evaluated early, if
   * they are the ones the verifier would compute for `link` with the chosen links `reduced`;
   * otherwise `undefined`.
   */
  take(stepIndex: number, link: Link, reduced: ReadonlyMap<string, Link>): EarlyTraces | undefined {
    const evaluation = this.steps[stepIndex]?.evaluation
    if (evaluation === undefined || evaluation.link !== link) return undefined
    for (const [key, answer] of evaluation.lookups) if (reduced.get(key) !== answer) return undefined
    return { materials: evaluation.materials, products: evaluation.products }
  }

  private guess(candidates: readonly EarlyCandidate[]): Link | undefined {
    for (const candidate of candidates) {
      const result = this.results.get(candidate.request)
      if (!candidate.authorized || result?.status !== 'loaded' || result.signature?.status !== 'valid') continue
      // A sublayout's link is replaced by its summary: nothing to guess.
      return result.envelope.content.type === 'link' ? result.envelope.content.link : undefined
    }
    return undefined
  }

  private evaluateReady(): void {
    for (const state of this.steps) {
      if (state.evaluation !== undefined) continue
      const link = state.guess
      if (link === undefined) continue
      const sourcesKnown = state.sources.every((key) => this.guessedKeys.has(key) || !this.stepKeys.has(key))
      if (!sourcesKnown) continue
      const step = state.step
      try {
        const lookups = new Map<string, Link | undefined>()
        const lookup = {
          get: (name: string) => {
            const key = stringKey(name)
            const answer = this.guessedKeys.get(key)
            lookups.set(key, answer)
            return answer
          },
        }
        const materials = evaluateRuleList(step.name, 'materials', step.expectedMaterials, link, lookup)
        const products = materials.status === 'pass' ? evaluateRuleList(step.name, 'products', step.expectedProducts, link, lookup) : undefined
        state.evaluation = { link, lookups, materials, products }
      } catch {
        // The verifier evaluates this step itself, and reports whatever happens then.
      }
    }
  }
}

/** Keys of the items MATCH rules read from (rules that do not parse are left to the verifier). */
function matchSources(rules: readonly RuleSource[]): string[] {
  const keys = new Set<string>()
  for (const source of rules) {
    try {
      const rule = parseRule(source)
      if (rule.type === 'MATCH') keys.add(stringKey(rule.destinationStep))
    } catch {
      // Malformed: the verifier reports it.
    }
  }
  return [...keys]
}
