/**
 * What the verifier makes of an inspection's run, as pure functions: in-toto 1.3.1
 * `verifylib.run_all_inspections` (a run command that cannot start is fatal, a return value
 * other than the integer 0 is a `BadReturnValueError`) and the check before inspection rules
 * that the inspections their MATCH rules read from were run. The verifier and anything that
 * re-examines a verification (the tamper simulation, bundle/tamper.ts) say the same sentences.
 */
import type { ReferenceException } from '../errors.ts'
import type { JsonValue } from '../json/value.ts'
import type { Inspection, Link } from '../model/types.ts'
import { nameKey } from './item-keys.ts'
import { abbreviated, pythonRepr } from './python-repr.ts'
import type { Failure } from './report.ts'

/** The failure of an inspection whose command could not run (`result`: the runner's error). */
export function runErrorFailure(inspection: Inspection, result: { readonly errorType: ReferenceException; readonly message: string }): Failure {
  return {
    stage: 'inspection',
    errorType: result.errorType,
    message: `Inspection '${abbreviated(inspection.name)}' could not run ${abbreviated(pythonRepr(inspection.run as JsonValue[]))}: ${result.message}`,
    inspection: inspection.name,
  }
}

/** The link's `return-value` as the report shows it (Python repr), if it has one. */
export function returnValueOf(link: Link): string | undefined {
  const value = link.byproducts.get('return-value')
  return value === undefined ? undefined : pythonRepr(value)
}

/** The failure of an inspection whose recorded return value is not 0, or `undefined` when it is. */
export function returnValueFailure(inspection: Inspection, link: Link): Failure | undefined {
  const returnValue = link.byproducts.get('return-value')
  // Python's `0 == False`: the reference accepts both.
  if (returnValue === 0n || returnValue === false) return undefined
  const nonInt = typeof returnValue !== 'bigint' && typeof returnValue !== 'boolean'
  return {
    stage: 'inspection',
    errorType: 'BadReturnValueError',
    message: nonInt
      ? `Inspection '${inspection.name}' returned no exit status${inspection.run.length === 0 ? ' because its run command is empty' : ''} (the reference says: Got non-int return value '${returnValue === undefined ? 'None' : pythonRepr(returnValue)}').`
      : `Inspection '${inspection.name}' failed: ${abbreviated(pythonRepr(inspection.run as JsonValue[]))} exited with status ${pythonRepr(returnValue as JsonValue)}.`,
    inspection: inspection.name,
  }
}

/**
 * If the inspection's MATCH rules refer to an inspection of `inspections` that was not run
 * (`ran`: the links of those that were, by name key), that inspection's name.
 */
export function referencedUnavailable(inspection: Inspection, inspections: readonly Inspection[], ran: ReadonlyMap<string, Link>): string | undefined {
  const notRun = inspections.filter((other) => !ran.has(nameKey(other))).map((other) => other.name)
  if (notRun.length === 0) return undefined
  for (const rule of [...inspection.expectedMaterials, ...inspection.expectedProducts]) {
    if (rule[0]?.toLowerCase() !== 'match') continue
    const destination = rule.at(-1)
    if (destination !== undefined && notRun.includes(destination)) return destination
  }
  return undefined
}

/** The note on an inspection whose rules were not checked because `unavailable` was not run. */
export function unavailableNote(unavailable: string): string {
  return `rules not checked: they compare with inspection '${unavailable}', which was not run`
}
