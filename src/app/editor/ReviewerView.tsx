/** The layout stated in plain words, beside the graph, for reviewers. */
import { useDeferredValue, useMemo } from 'react'
import { describeLayout } from '../../core/editor/describe.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { keyed } from '../shared/keyed.ts'

export function ReviewerView() {
  const layout = useDeferredValue(useDocumentStore((s) => s.layout))
  const keyNames = useDocumentStore((s) => s.keyNames)
  const description = useMemo(() => describeLayout(layout, keyNames), [layout, keyNames])
  return (
    <article className="editor-reviewer" aria-label="Layout in plain words">
      {description.summary.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {description.items.map((item) => (
        <section key={`${item.kind}:${item.name}`}>
          <h4>
            {item.kind === 'step' ? 'Step' : 'Inspection'} “{item.name}”
          </h4>
          {keyed(item.sentences, (sentence) => sentence).map(({ key, item: sentence }) => (
            <p key={key}>{sentence}</p>
          ))}
        </section>
      ))}
    </article>
  )
}
