/** The pictures of graph nodes: steps and inspections (with threshold, rules and verification status), and functionaries. */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react'
import { memo } from 'react'
import type { DiffMark } from '../../../core/diff/comparison-graph.ts'
import type { FunctionaryNode, ItemNode } from '../../../core/editor/graph.ts'
import type { NodeStatus } from './LayoutGraph.tsx'

export type ItemFlowNode = Node<{ node: ItemNode; status?: NodeStatus; highlighted?: boolean; mark?: DiffMark }, 'item'>
export type FunctionaryFlowNode = Node<{ node: FunctionaryNode; mark?: DiffMark }, 'functionary'>

/** A comparison's badge: added, removed, changed (with what changed). */
function MarkBadge({ mark }: { mark: DiffMark | undefined }) {
  return mark ? <div className={`editor-node-diff editor-node-diff-${mark.state}`}>{mark.label}</div> : null
}

const STATUS_TEXT: Record<NodeStatus['state'], string> = {
  pass: 'passed',
  fail: 'failed',
  'not-reached': 'not reached',
  skipped: 'skipped',
  'not-run': 'not run',
}

function ItemNodeBase({ data, selected }: NodeProps<ItemFlowNode>) {
  const { node, status, highlighted, mark } = data
  const classes = ['editor-node', `editor-node-${node.kind}`]
  if (mark) classes.push(`editor-diff-${mark.state}`)
  if (selected) classes.push('editor-node-selected')
  if (highlighted) classes.push('editor-node-highlight')
  if (status) classes.push(`editor-status-${status.state}`)
  return (
    <div className={classes.join(' ')}>
      <Handle type="target" position={Position.Left} />
      <div className="editor-node-kind">{node.kind === 'step' ? 'step' : 'inspection'}</div>
      <div className="editor-node-name">{node.name || '(no name)'}</div>
      {node.kind === 'step' ? (
        <div className={node.thresholdTooHigh ? 'editor-node-meta editor-node-warning' : 'editor-node-meta'}>
          {node.thresholdTooHigh ? '⚠ ' : ''}
          {`threshold ${node.threshold ?? 1n} of ${node.keyCount ?? 0} key${node.keyCount === 1 ? '' : 's'}`}
        </div>
      ) : (
        <div className="editor-node-meta editor-node-command" title={node.command}>
          {node.command ? `runs ${node.command}` : '⚠ no run command'}
        </div>
      )}
      <div className="editor-node-meta">
        {node.materialRules} material / {node.productRules} product rules
      </div>
      {status && <div className="editor-node-status">{status.label ?? STATUS_TEXT[status.state]}</div>}
      <MarkBadge mark={mark} />
      <Handle type="source" position={Position.Right} />
    </div>
  )
}

function FunctionaryNodeBase({ data, selected }: NodeProps<FunctionaryFlowNode>) {
  const { node, mark } = data
  const classes = ['editor-node', 'editor-node-functionary']
  if (selected) classes.push('editor-node-selected')
  if (node.missing) classes.push('editor-node-missing')
  if (mark) classes.push(`editor-diff-${mark.state}`)
  return (
    <div className={classes.join(' ')} title={node.keyid}>
      <span className="editor-node-kind">{node.missing ? 'unknown key' : (node.keytype ?? 'key')}</span>
      <span className="editor-node-name">{node.label}</span>
      <MarkBadge mark={mark} />
      <Handle type="source" position={Position.Right} />
    </div>
  )
}

export const ItemNodeView = memo(ItemNodeBase)
export const FunctionaryNodeView = memo(FunctionaryNodeBase)
