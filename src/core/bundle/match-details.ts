/**
 * The hashes behind MATCH rules, for the rule trace: the report names the artifacts a MATCH
 * consumed or missed; this adds the hash found on each side (source link and destination
 * link), read back from the links the verifier used.
 */
import type { HashDict, Link } from '../model/types.ts'
import type { RuleListTrace, StepTrace, VerificationReport } from '../verify/report.ts'

export interface MatchPair {
  readonly artifact: string
  readonly sourceHash?: string
  readonly destination: string
  readonly destinationHash?: string
  readonly matched: boolean
}

/** Key: `item/list/ruleIndex` (root layout level). */
export type MatchDetails = Record<string, readonly MatchPair[]>

/** Pairs shown per rule; a trace is for reading, not a dump of 10,000 artifacts. */
const MAX_PAIRS = 200

export function matchKey(item: string, list: 'materials' | 'products', index: number): string {
  return `${item}/${list}/${index}`
}

/** `links`: the link each step or inspection was checked against, by name. */
export function collectMatchDetails(report: Pick<VerificationReport, 'steps' | 'inspections'>, links: ReadonlyMap<string, Link>): MatchDetails {
  const details: MatchDetails = {}
  const items: { name: string; materials?: RuleListTrace; products?: RuleListTrace }[] = [...report.steps, ...report.inspections]
  for (const item of items) {
    const link = links.get(item.name)
    if (link === undefined) continue
    for (const trace of [item.materials, item.products]) {
      if (trace === undefined) continue
      for (const rule of trace.rules) {
        if ((rule.source[0] ?? '').toUpperCase() !== 'MATCH') continue
        const destinationName = rule.source.at(-1) ?? ''
        const destinationList = (rule.source.at(-3) ?? '').toLowerCase() === 'materials' ? 'materials' : 'products'
        const destination = links.get(destinationName)
        const own = trace.kind === 'materials' ? link.materials : link.products
        const theirs = destination ? (destinationList === 'materials' ? destination.materials : destination.products) : undefined
        const pairs: MatchPair[] = []
        for (const miss of rule.misses ?? []) {
          if (pairs.length >= MAX_PAIRS) break
          pairs.push({
            artifact: miss.artifact,
            sourceHash: sha(own.get(miss.artifact)),
            destination: miss.destination,
            destinationHash: sha(theirs?.get(miss.destination)),
            matched: false,
          })
        }
        const prefixes = matchPrefixes(rule.source)
        for (const artifact of rule.consumed) {
          if (pairs.length >= MAX_PAIRS) break
          const target = prefixes ? rebuild(artifact, prefixes) : artifact
          pairs.push({ artifact, sourceHash: sha(own.get(artifact)), destination: target, destinationHash: sha(theirs?.get(target)), matched: true })
        }
        if (pairs.length > 0) details[matchKey(item.name, trace.kind, rule.index)] = pairs
      }
    }
  }
  return details
}

/**
 * The links the root level was checked with: each step's used link, from the bundle; for a
 * step whose link holds a sublayout, the summary link the verifier checked instead (in-toto
 * 1.3.1 `get_summary_link`: the materials of the sublayout's first step, the products,
 * command and byproducts of its last), built from the sublayout's own used links.
 */
export function usedStepLinks(steps: readonly StepTrace[], read: (path: string) => Link | undefined): Map<string, Link> {
  const links = new Map<string, Link>()
  for (const step of steps) {
    const link = usedLinkOf(step, read)
    if (link) links.set(step.name, link)
  }
  return links
}

function usedLinkOf(step: StepTrace, read: (path: string) => Link | undefined): Link | undefined {
  if (step.usedLink === undefined) return undefined
  if (step.sublayout === undefined) return read(step.usedLink)
  const inner = step.sublayout.steps
  const first = inner[0]
  const last = inner.at(-1)
  if (first === undefined || last === undefined) {
    return { type: 'link', name: null, command: [], materials: new Map(), products: new Map(), byproducts: new Map(), environment: new Map() }
  }
  const firstLink = usedLinkOf(first, read)
  const lastLink = usedLinkOf(last, read)
  if (firstLink === undefined || lastLink === undefined) return undefined
  return {
    type: 'link',
    name: step.name,
    command: lastLink.command,
    materials: firstLink.materials,
    products: lastLink.products,
    byproducts: lastLink.byproducts,
    environment: new Map(),
  }
}

function sha(hashes: HashDict | undefined): string | undefined {
  if (hashes === undefined) return undefined
  return hashes.get('sha256') ?? [...hashes.values()][0]
}

/** `MATCH pattern [IN src] WITH … [IN dst] FROM step`: the two prefixes, when either is given. */
function matchPrefixes(source: readonly string[]): { src: string; dst: string } | undefined {
  const upper = source.map((part) => part.toUpperCase())
  const withAt = upper.indexOf('WITH')
  const src = upper[2] === 'IN' && withAt === 4 ? (source[3] as string) : ''
  const dst = upper[withAt + 2] === 'IN' ? (source[withAt + 3] as string) : ''
  return src || dst ? { src, dst } : undefined
}

function rebuild(artifact: string, prefixes: { src: string; dst: string }): string {
  const strip = prefixes.src ? `${prefixes.src.replace(/\/+$/, '')}/` : ''
  const rest = strip && artifact.startsWith(strip) ? artifact.slice(strip.length) : artifact
  return prefixes.dst ? `${prefixes.dst.replace(/\/+$/, '')}/${rest}` : rest
}
