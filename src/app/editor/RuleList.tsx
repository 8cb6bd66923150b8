/**
 * An ordered list of artifact rules: each as one line of text with live parsing and as a
 * structured form; reordered by dragging or by the move up/down buttons (order decides which
 * rule consumes an artifact).
 */
import { useId, useState } from 'react'
import type { ItemRef } from '../../core/editor/commands.ts'
import type { RuleListName } from '../../core/editor/graph.ts'
import type { RuleSource } from '../../core/model/types.ts'
import { formatRule, parseRule, parseRuleText, ruleTextToSource, ruleToList } from '../../core/rules/parse.ts'
import { RULE_TYPES, type ArtifactRule, type RuleType } from '../../core/rules/types.ts'
import { actions } from './actions.ts'
import { CommitInput } from './CommitInput.tsx'
import { errorMessage } from '../shared/error-message.ts'

interface RuleListProps {
  itemRef: ItemRef
  itemName: string
  list: RuleListName
  rules: readonly RuleSource[]
  /** Names a MATCH rule may point at. */
  sources: readonly string[]
}

function textProblem(text: string): string | undefined {
  try {
    parseRuleText(text)
    return undefined
  } catch (error) {
    return errorMessage(error)
  }
}

export function RuleList({ itemRef, itemName, list, rules, sources }: RuleListProps) {
  const [dragging, setDragging] = useState<number | undefined>()
  const singular = list === 'materials' ? 'material' : 'product'
  const headingId = useId()
  return (
    <section className="editor-rules" aria-labelledby={headingId}>
      <h4 id={headingId}>{list === 'materials' ? 'Material rules' : 'Product rules'}</h4>
      <ol className="editor-rule-list">
        {rules.map((rule, index) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position (its fields are "rule N"); moving a rule moves values, not fields being edited.
            key={index}
            className={dragging === index ? 'editor-rule dragging' : 'editor-rule'}
            draggable
            onDragStart={(e) => {
              setDragging(index)
              e.dataTransfer.effectAllowed = 'move'
              e.dataTransfer.setData('text/plain', String(index))
            }}
            onDragEnd={() => setDragging(undefined)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault()
              const from = Number(e.dataTransfer.getData('text/plain'))
              setDragging(undefined)
              if (Number.isInteger(from) && from !== index) actions.moveRule(itemRef, list, from, index)
            }}
          >
            <span className="editor-rule-grip" aria-hidden="true">
              ⠿
            </span>
            <CommitInput
              className="editor-rule-text"
              label={`${itemName} ${singular} rule ${index + 1}`}
              value={formatRule(rule)}
              validate={textProblem}
              onCommit={(text) => actions.replaceRule(itemRef, list, index, ruleTextToSource(text))}
            />
            <div className="editor-rule-buttons">
              <button type="button" aria-label={`Move ${singular} rule ${index + 1} up`} disabled={index === 0} onClick={() => actions.moveRule(itemRef, list, index, index - 1)}>
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${singular} rule ${index + 1} down`}
                disabled={index === rules.length - 1}
                onClick={() => actions.moveRule(itemRef, list, index, index + 1)}
              >
                ↓
              </button>
              <button type="button" aria-label={`Remove ${singular} rule ${index + 1}`} onClick={() => actions.removeRule(itemRef, list, index)}>
                ✕
              </button>
            </div>
            <RuleForm rule={rule} sources={sources} label={`${singular} rule ${index + 1}`} onChange={(next) => actions.replaceRule(itemRef, list, index, next)} />
          </li>
        ))}
      </ol>
      <NewRule itemRef={itemRef} list={list} label={`New ${singular} rule`} />
    </section>
  )
}

function NewRule({ itemRef, list, label }: { itemRef: ItemRef; list: RuleListName; label: string }) {
  const [text, setText] = useState('')
  const id = useId()
  const problem = text.trim() === '' ? undefined : textProblem(text)
  const add = () => {
    if (text.trim() === '' || problem !== undefined) return
    actions.addRule(itemRef, list, ruleTextToSource(text))
    setText('')
  }
  return (
    <div className="editor-field editor-new-rule">
      <label htmlFor={id}>{label}</label>
      <div className="editor-inline">
        <input
          id={id}
          value={text}
          placeholder="e.g. MATCH *.py WITH PRODUCTS FROM build"
          aria-invalid={problem !== undefined}
          aria-describedby={`${id}-note`}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') add()
          }}
        />
        <button type="button" onClick={add} disabled={text.trim() === '' || problem !== undefined} aria-label={`Add ${label.toLowerCase()}`}>
          Add
        </button>
      </div>
      <div id={`${id}-note`} className={problem ? 'editor-field-error' : 'editor-field-hint'}>
        {problem ?? (text.trim() === '' ? 'One rule per line: TYPE pattern …' : `✓ ${formatRule(parseRuleText(text))}`)}
      </div>
    </div>
  )
}

/** The structured editor of one rule (type, pattern, IN prefixes, MATERIALS/PRODUCTS, FROM). */
function RuleForm({ rule, sources, label, onChange }: { rule: RuleSource; sources: readonly string[]; label: string; onChange(next: RuleSource): void }) {
  let parsed: ArtifactRule
  try {
    parsed = parseRule(rule)
  } catch {
    return null
  }
  const update = (patch: Partial<Record<string, string>>) => {
    const base = {
      type: parsed.type,
      pattern: parsed.pattern,
      sourcePrefix: '',
      destinationType: 'products',
      destinationPrefix: '',
      destinationStep: sources[0] ?? '',
      ...(parsed.type === 'MATCH' ? parsed : {}),
      ...patch,
    }
    const next: ArtifactRule =
      base.type === 'MATCH'
        ? {
            type: 'MATCH',
            pattern: base.pattern,
            sourcePrefix: base.sourcePrefix,
            destinationType: base.destinationType === 'materials' ? 'materials' : 'products',
            destinationPrefix: base.destinationPrefix,
            destinationStep: base.destinationStep,
          }
        : { type: base.type as Exclude<RuleType, 'MATCH'>, pattern: base.pattern }
    onChange(ruleToList(next))
  }
  const choices = parsed.type === 'MATCH' && !sources.includes(parsed.destinationStep) ? [parsed.destinationStep, ...sources] : sources
  return (
    <details className="editor-rule-form">
      <summary>Form</summary>
      <div className="editor-rule-form-grid">
        <label>
          Type
          <select aria-label={`Type of ${label}`} value={parsed.type} onChange={(e) => update({ type: e.target.value })}>
            {RULE_TYPES.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
        </label>
        <label>
          Pattern
          <input aria-label={`Pattern of ${label}`} defaultValue={parsed.pattern} onBlur={(e) => e.target.value !== parsed.pattern && update({ pattern: e.target.value })} />
        </label>
        {parsed.type === 'MATCH' && (
          <>
            <label>
              IN (source prefix)
              <input
                aria-label={`Source prefix of ${label}`}
                defaultValue={parsed.sourcePrefix}
                onBlur={(e) => e.target.value !== parsed.sourcePrefix && update({ sourcePrefix: e.target.value })}
              />
            </label>
            <label>
              WITH
              <select aria-label={`Destination of ${label}`} value={parsed.destinationType} onChange={(e) => update({ destinationType: e.target.value })}>
                <option value="products">PRODUCTS</option>
                <option value="materials">MATERIALS</option>
              </select>
            </label>
            <label>
              IN (destination prefix)
              <input
                aria-label={`Destination prefix of ${label}`}
                defaultValue={parsed.destinationPrefix}
                onBlur={(e) => e.target.value !== parsed.destinationPrefix && update({ destinationPrefix: e.target.value })}
              />
            </label>
            <label>
              FROM
              <select aria-label={`Source step of ${label}`} value={parsed.destinationStep} onChange={(e) => update({ destinationStep: e.target.value })}>
                {choices.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
            </label>
          </>
        )}
      </div>
    </details>
  )
}
