/**
 * Keys under which the verifier files steps and inspections for MATCH lookups: the reference
 * keys its dict by the item's name as Python holds it, so a name that is not a string is
 * looked up with Python's equality (`1 == True`), not by its text.
 */
import type { Named } from '../model/types.ts'

/** Identity of a step or inspection name with Python's equality (`1 == True`). */
export function nameKey(item: Named): string {
  if (item.rawName === undefined) return stringKey(item.name)
  const raw = item.rawName
  if (typeof raw === 'boolean') return `v:${raw ? 1 : 0}`
  return `v:${raw === null ? 'None' : String(raw)}`
}

/** The key a MATCH rule's `FROM name` looks up. */
export function stringKey(name: string): string {
  return `s:${name}`
}
