/**
 * Artifact rules as typed values. The signed layout keeps each rule as the exact list of
 * strings its author wrote (keyword case included, since those bytes are signed); these
 * types are what the rule engine, the editor and the linter work with.
 */

/** A rule as written in the document: a list of strings (`["MATCH", "*.py", "WITH", …]`). */
export type RuleSource = readonly string[]

export type GenericRuleType = 'CREATE' | 'DELETE' | 'MODIFY' | 'ALLOW' | 'DISALLOW' | 'REQUIRE'
export type RuleType = GenericRuleType | 'MATCH'
export type ArtifactKind = 'materials' | 'products'

export interface GenericRule {
  readonly type: GenericRuleType
  /** An fnmatch pattern, except for REQUIRE, where it is a literal artifact name. */
  readonly pattern: string
}

export interface MatchRule {
  readonly type: 'MATCH'
  readonly pattern: string
  /** `IN <prefix>` after the pattern; `''` when absent (the reference treats both alike). */
  readonly sourcePrefix: string
  /** `WITH MATERIALS|PRODUCTS`: which artifacts of the destination step to compare with. */
  readonly destinationType: ArtifactKind
  /** `IN <prefix>` after `WITH …`; `''` when absent. */
  readonly destinationPrefix: string
  /** `FROM <step>`: the step (or, in inspection rules, inspection) whose link is compared. */
  readonly destinationStep: string
}

export type ArtifactRule = GenericRule | MatchRule

export const RULE_TYPES: readonly RuleType[] = ['MATCH', 'ALLOW', 'DISALLOW', 'REQUIRE', 'CREATE', 'DELETE', 'MODIFY']
