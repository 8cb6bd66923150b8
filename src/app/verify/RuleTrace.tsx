/**
 * The rule trace of one step or inspection: the queue before each rule, what each rule
 * consumed, and for MATCH rules the artifact and its hash on both sides.
 */
import { matchKey, type MatchDetails } from '../../core/bundle/match-details.ts'
import type { RuleListTrace } from '../../core/verify/report.ts'

interface RuleTraceProps {
  item: string
  lists: readonly (RuleListTrace | undefined)[]
  matches: MatchDetails | undefined
}

const SHOWN = 20

export function RuleTrace({ item, lists, matches }: RuleTraceProps) {
  const present = lists.filter((list): list is RuleListTrace => list !== undefined)
  if (present.length === 0) return <p className="verify-hint">The rules of '{item}' were not checked (verification stopped earlier).</p>
  return (
    <div className="verify-trace">
      {present.map((list) => (
        <section key={list.kind} aria-label={`${item}: ${list.kind} rules`}>
          <h4>
            Expected {list.kind} — {list.status === 'pass' ? 'pass' : `fails at rule ${(list.failedRule ?? 0) + 1}`}
          </h4>
          <ol className="verify-rules">
            {list.rules.map((rule) => {
              const pairs = matches?.[matchKey(item, list.kind, rule.index)]
              const queueBefore = queueBeforeRule(list, rule.index)
              return (
                <li key={rule.index} className={`verify-rule verify-rule-${rule.status}`} aria-current={list.failedRule === rule.index ? 'true' : undefined}>
                  <code>{rule.text}</code> <span className="verify-badge">{rule.status}</span>
                  <div className="verify-rule-detail">
                    Queue before ({rule.queueSize}): <Names names={queueBefore} />
                  </div>
                  <div className="verify-rule-detail">
                    Consumed ({rule.consumed.length}): <Names names={rule.consumed} />
                  </div>
                  {rule.failure && <div className="verify-rule-detail verify-error">{describeFailure(rule.failure)}</div>}
                  {pairs && (
                    <table className="verify-table verify-match" aria-label={`MATCH details of rule ${rule.index + 1}`}>
                      <thead>
                        <tr>
                          <th scope="col">Artifact</th>
                          <th scope="col">sha256 here</th>
                          <th scope="col">In destination</th>
                          <th scope="col">sha256 there</th>
                          <th scope="col">Result</th>
                        </tr>
                      </thead>
                      <tbody>
                        {pairs.map((pair) => (
                          <tr key={`${pair.artifact}→${pair.destination}`} className={pair.matched ? undefined : 'verify-row-fail'}>
                            <td className="verify-path">{pair.artifact}</td>
                            <td className="verify-hash">{pair.sourceHash ?? '—'}</td>
                            <td className="verify-path">{pair.destination}</td>
                            <td className="verify-hash">{pair.destinationHash ?? 'not there'}</td>
                            <td>{pair.matched ? 'match' : pair.destinationHash ? 'hash differs' : 'missing'}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </li>
              )
            })}
          </ol>
          {list.remaining && (
            <p className="verify-rule-detail">
              Left in the queue, implicitly allowed ({list.remaining.length}): <Names names={list.remaining} />
            </p>
          )}
        </section>
      ))}
    </div>
  )
}

/** The queue before rule `index`: the initial queue minus what earlier rules consumed. */
function queueBeforeRule(list: RuleListTrace, index: number): string[] {
  const consumed = new Set(list.rules.slice(0, index).flatMap((rule) => rule.consumed))
  return list.queue.filter((name) => !consumed.has(name))
}

function Names({ names }: { names: readonly string[] }) {
  if (names.length === 0) return <em>none</em>
  const shown = names.slice(0, SHOWN)
  return (
    <span className="verify-names">
      {shown.map((name) => (
        <code key={name}>{name}</code>
      ))}
      {names.length > SHOWN && <span> … and {names.length - SHOWN} more</span>}
    </span>
  )
}

function describeFailure(failure: NonNullable<RuleListTrace['rules'][number]['failure']>): string {
  switch (failure.kind) {
    case 'disallowed':
      return `Disallowed: ${failure.artifacts.join(', ')}`
    case 'required-missing':
      return `Required but missing: ${failure.artifact}`
    case 'malformed':
      return `Malformed rule: ${failure.message}`
    case 'path-rebuild':
      return `'${failure.artifact}' rebuilt as '${failure.rebuilt}', which does not exist`
  }
}
