/**
 * The artifact rules of one step or inspection against its link (in-toto 1.3.1
 * `verifylib.verify_item_rules`, materials then products): the two rule list traces and, when
 * a rule fails, the report's failure. Pure: the verifier runs it once per item, and anything
 * that wants to know what the rules would say about other links can run it again.
 */
import type { Inspection, Link, Step } from '../model/types.ts'
import type { EarlyTraces } from './early-rules.ts'
import { explainRuleFailure } from './explain.ts'
import { stringKey } from './item-keys.ts'
import type { Failure, RuleListTrace } from './report.ts'
import { evaluateRuleList } from './rules.ts'

export interface ItemRules {
  readonly materials: RuleListTrace
  /** Absent when the material rules failed (products are then not checked). */
  readonly products: RuleListTrace | undefined
  /** Where the first failing rule stopped verification. */
  readonly failure?: Failure
}

export interface ItemRef {
  readonly kind: 'step' | 'inspection'
  /** Its position in the layout's `steps` or `inspect`. */
  readonly index: number
  readonly item: Step | Inspection
}

/**
 * The rules of `ref.item` checked against `link`; MATCH rules look destinations up in `links`
 * (by item-keys.ts name key). `evaluated`: traces already computed for exactly these inputs
 * (early-rules.ts `take`), used instead of evaluating again.
 */
export function checkItemRules(ref: ItemRef, link: Link, links: ReadonlyMap<string, Link>, evaluated?: EarlyTraces): ItemRules {
  const { item, kind, index } = ref
  const lookup = { get: (name: string) => links.get(stringKey(name)) }
  const materials = evaluated?.materials ?? evaluateRuleList(item.name, 'materials', item.expectedMaterials, link, lookup)
  const products = evaluated ? evaluated.products : materials.status === 'pass' ? evaluateRuleList(item.name, 'products', item.expectedProducts, link, lookup) : undefined
  const failed = materials.status === 'fail' ? materials : products?.status === 'fail' ? products : undefined
  if (failed === undefined) return { materials, products }
  const rule = failed.failedRule === undefined ? undefined : failed.rules[failed.failedRule]?.failure
  return {
    materials,
    products,
    failure: {
      stage: rule?.kind === 'malformed' ? 'format' : 'artifact-rule',
      errorType: rule?.kind === 'malformed' ? 'FormatError' : rule?.kind === 'path-rebuild' ? 'KeyError' : 'RuleVerificationError',
      message: explainRuleFailure(failed, { itemKind: kind, link, links: lookup }),
      ...(kind === 'step' ? { step: item.name } : { inspection: item.name }),
      ruleList: failed.kind,
      ruleIndex: failed.failedRule,
      path: `${kind === 'step' ? 'steps' : 'inspect'}[${index}].expected_${failed.kind}[${failed.failedRule}]`,
    },
  }
}
