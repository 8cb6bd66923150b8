/**
 * Comparing two artifact rule lists rule by rule. Order matters in in-toto (each rule consumes
 * from the queue what earlier rules left), so the comparison keeps positions: the longest
 * common subsequence of rules stays, rules that appear on both sides at different positions
 * are *moved*, and what is left in a gap between kept rules pairs up as *changed* in place.
 *
 * Rules are compared by meaning first (keywords in any case, `IN ""` as no prefix, as the
 * reference reads them): two rules with the same meaning but different text are *rewritten*,
 * which still changes the signed bytes.
 */
import type { RuleSource } from '../model/types.ts'
import { parseRule, ruleToList } from '../rules/parse.ts'

/**
 * `moved`: the rule's new place; `moved-away`: where it was (one entry each, so a merged list
 * reads in order; `partner` links them).
 */
export type RuleStatus = 'same' | 'rewritten' | 'added' | 'removed' | 'changed' | 'moved' | 'moved-away'

export interface RuleAlignment {
  readonly status: RuleStatus
  /** The old rule (absent for `added`) and its index in the old list. */
  readonly old?: RuleSource
  readonly oldIndex?: number
  /** The new rule (absent for `removed`) and its index in the new list. */
  readonly new?: RuleSource
  readonly newIndex?: number
  /** For `moved` and `moved-away`: the index (in the alignment) of the other entry of the move. */
  readonly partner?: number
}

/** What a rule means: its canonical list form when it parses, else its elements as written. */
export function ruleMeaning(rule: RuleSource): string {
  try {
    return JSON.stringify(ruleToList(parseRule(rule)))
  } catch {
    return JSON.stringify(['(unreadable)', ...rule])
  }
}

function sameText(a: RuleSource, b: RuleSource): boolean {
  return a.length === b.length && a.every((element, i) => element === b[i])
}

/** `MATCH … FROM old` → `FROM new` for items renamed between the two layouts. */
export function retargetRule(rule: RuleSource, renames: ReadonlyMap<string, string>): RuleSource {
  if (renames.size === 0 || rule.length < 6 || String(rule[0]).toLowerCase() !== 'match') return rule
  const target = rule.at(-1) as string
  const renamed = renames.get(target)
  return renamed === undefined ? rule : [...rule.slice(0, -1), renamed]
}

/**
 * Aligns `before` (already retargeted through renames) with `after`. The result lists every
 * rule of both sides, in an order that reads as a merged list: kept, removed, added and
 * changed rules at their places, a moved rule at both (`moved-away`, then `moved`).
 */
export function alignRules(before: readonly RuleSource[], after: readonly RuleSource[]): RuleAlignment[] {
  const a = before.map(ruleMeaning)
  const b = after.map(ruleMeaning)
  // LCS table over meanings.
  const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = table[i] as number[]
      row[j] = a[i] === b[j] ? (table[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0)
    }
  }
  type Step = { kind: 'keep'; i: number; j: number } | { kind: 'del'; i: number } | { kind: 'ins'; j: number }
  const script: Step[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) script.push({ kind: 'keep', i: i++, j: j++ })
    else if (j < b.length && (i >= a.length || (table[i]?.[j + 1] ?? 0) >= (table[i + 1]?.[j] ?? 0))) script.push({ kind: 'ins', j: j++ })
    else script.push({ kind: 'del', i: i++ })
  }

  // Moves: a deleted rule whose meaning is inserted elsewhere.
  const insertedAt = new Map<string, number[]>()
  for (const step of script) if (step.kind === 'ins') insertedAt.set(b[step.j] as string, [...(insertedAt.get(b[step.j] as string) ?? []), step.j])
  const movedTo = new Map<number, number>()
  const movedFrom = new Map<number, number>()
  for (const step of script) {
    if (step.kind !== 'del') continue
    const targets = insertedAt.get(a[step.i] as string)
    const target = targets?.shift()
    if (target === undefined) continue
    movedTo.set(step.i, target)
    movedFrom.set(target, step.i)
  }

  const out: { -readonly [K in keyof RuleAlignment]: RuleAlignment[K] }[] = []
  // Old index of a moved rule → its two entries, linked once both are out.
  const moveEntries = new Map<number, { away?: number; to?: number }>()
  const noteMove = (oldIndex: number, side: 'away' | 'to') => {
    const entries = moveEntries.get(oldIndex) ?? {}
    entries[side] = out.length
    moveEntries.set(oldIndex, entries)
  }
  const old = (index: number) => ({ old: before[index] as RuleSource, oldIndex: index })
  const neu = (index: number) => ({ new: after[index] as RuleSource, newIndex: index })
  let gapRemoved: number[] = []
  let gapAdded: number[] = []
  // In a gap between kept rules, a removed and an added rule of the same type are one rule changed in
  // place; pairs are taken in order on both sides, so the merged list keeps both lists' orders.
  const typeOf = (rule: RuleSource | undefined) => String(rule?.[0] ?? '').toLowerCase()
  const flush = () => {
    let r = 0
    let d = 0
    while (r < gapRemoved.length || d < gapAdded.length) {
      const removed = gapRemoved[r]
      const added = gapAdded[d]
      if (removed !== undefined && added !== undefined && typeOf(before[removed]) === typeOf(after[added])) {
        out.push({ status: 'changed', ...old(removed), ...neu(added) })
        r++
        d++
      } else if (added !== undefined && (removed === undefined || gapAdded.slice(d + 1).some((later) => typeOf(after[later]) === typeOf(before[removed])))) {
        out.push({ status: 'added', ...neu(added) })
        d++
      } else if (removed !== undefined) {
        out.push({ status: 'removed', ...old(removed) })
        r++
      }
    }
    gapRemoved = []
    gapAdded = []
  }
  for (const step of script) {
    if (step.kind === 'keep') {
      flush()
      out.push({ status: sameText(before[step.i] as RuleSource, after[step.j] as RuleSource) ? 'same' : 'rewritten', ...old(step.i), ...neu(step.j) })
    } else if (step.kind === 'del') {
      const to = movedTo.get(step.i)
      if (to === undefined) gapRemoved.push(step.i)
      else {
        flush()
        noteMove(step.i, 'away')
        out.push({ status: 'moved-away', ...old(step.i), ...neu(to) })
      }
    } else {
      const from = movedFrom.get(step.j)
      if (from === undefined) gapAdded.push(step.j)
      else {
        flush()
        noteMove(from, 'to')
        out.push({ status: 'moved', ...old(from), ...neu(step.j) })
      }
    }
  }
  flush()
  for (const { away, to } of moveEntries.values()) {
    ;(out[away as number] as { partner?: number }).partner = to
    ;(out[to as number] as { partner?: number }).partner = away
  }
  return out
}

/**
 * The rule list that taking over some changes gives: `accepted` holds indices of alignment
 * entries whose change is wanted (for a move, either of its two entries). Unchanged rules stay;
 * a declined addition is left out, a declined removal kept, a declined change or move keeps
 * the old rule at its old place.
 */
export function mergeAccepted(alignment: readonly RuleAlignment[], accepted: ReadonlySet<number>): RuleSource[] {
  const out: RuleSource[] = []
  const wanted = (index: number): boolean => {
    const entry = alignment[index] as RuleAlignment
    return accepted.has(index) || (entry.partner !== undefined && accepted.has(entry.partner))
  }
  alignment.forEach((entry, index) => {
    const take = wanted(index)
    switch (entry.status) {
      case 'same':
        out.push(entry.new as RuleSource)
        break
      case 'added':
      case 'moved':
        if (take) out.push(entry.new as RuleSource)
        break
      case 'removed':
      case 'moved-away':
        if (!take) out.push(entry.old as RuleSource)
        break
      case 'rewritten':
      case 'changed':
        out.push((take ? entry.new : entry.old) as RuleSource)
        break
    }
  })
  return out
}
