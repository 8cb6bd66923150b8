/**
 * What the worker sends the page of a verification (protocol.ts): the report without its rule
 * traces, and the trace of one step or inspection when asked. Pure functions.
 */
import { collectMatchDetails } from '../../core/bundle/match-details.ts'
import type { TamperSimulation } from '../../core/bundle/tamper.ts'
import type { Link } from '../../core/model/types.ts'
import type { InspectionTrace, StepTrace, VerificationReport } from '../../core/verify/report.ts'
import type { InspectionSummary, ItemTrace, ReportSummary, SimulationSummary, StepSummary } from './protocol.ts'

export function summarizeReport(report: VerificationReport): ReportSummary {
  return { ...report, steps: report.steps.map(summarizeStep), inspections: report.inspections.map(summarizeInspection) }
}

function summarizeStep({ materials, products, sublayout, ...step }: StepTrace): StepSummary {
  return sublayout ? { ...step, sublayout: summarizeReport(sublayout) } : step
}

function summarizeInspection({ materials, products, ...inspection }: InspectionTrace): InspectionSummary {
  return inspection
}

/**
 * The rule trace of the root layout's step or inspection `item`, with the hashes behind its
 * MATCH rules (`usedLinks`: the links the root level was checked against, by name).
 */
export function itemTrace(report: Pick<VerificationReport, 'steps' | 'inspections'>, usedLinks: ReadonlyMap<string, Link>, item: string): ItemTrace {
  const steps = report.steps.filter((step) => step.name === item)
  const inspections = report.inspections.filter((inspection) => inspection.name === item)
  const found = steps[0] ?? inspections[0]
  // Only this item's MATCH rules: the hashes of every rule of a big bundle are tens of megabytes.
  const matches = collectMatchDetails({ steps, inspections }, usedLinks)
  return { materials: found?.materials, products: found?.products, matches }
}

/** A tamper simulation as the page shows it: the traces come one item at a time, as for a verification. */
export function summarizeSimulation(simulation: TamperSimulation): SimulationSummary {
  return {
    outcome: simulation.outcome,
    failure: simulation.failure,
    steps: simulation.steps.map(summarizeStep),
    inspections: simulation.inspections.map(summarizeInspection),
    unreached: simulation.unreached,
  }
}
