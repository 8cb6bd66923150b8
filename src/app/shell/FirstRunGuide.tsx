/**
 * The first-run guide: the owner's whole job as five steps with progress, what to do next in one sentence,
 * and a button that goes there. Skippable; progress and the skip are remembered (shell store).
 */
import { GUIDE_STEPS, type GuideStep, nextGuideStep, type WorkspaceId } from './shell-store.ts'
import { shellStore, useShell } from './use-shell.ts'

const STEP_TEXT: Record<GuideStep, { title: string; next: string; workspace: WorkspaceId; go: string }> = {
  draw: {
    title: 'Draw the chain',
    next: 'Add the steps of your supply chain and the functionaries who carry them out (or start from a template).',
    workspace: 'design',
    go: 'Go to Design',
  },
  keys: { title: 'Owner key', next: 'Generate or import the project owner’s private key: it signs the layout.', workspace: 'keys', go: 'Go to Keys' },
  sign: { title: 'Sign', next: 'Sign the layout with the owner key, then export it as root.layout.', workspace: 'keys', go: 'Go to Sign' },
  'run-sheet': {
    title: 'Run sheet',
    next: 'Send each functionary the commands from the run sheet: running them records and signs their links.',
    workspace: 'keys',
    go: 'Open the run sheet',
  },
  verify: { title: 'Verify', next: 'Drop the links and the product to check that the chain was followed.', workspace: 'verify', go: 'Go to Verify' },
}

export function FirstRunGuide() {
  const done = useShell((state) => state.guideDone)
  const next = nextGuideStep(done)
  const progress = Math.round((done.size / GUIDE_STEPS.length) * 100)
  const go = (step: GuideStep) => {
    shellStore.getState().showWorkspace(STEP_TEXT[step].workspace)
    if (step === 'run-sheet' || step === 'sign') {
      // The section may be below the fold of the Keys workspace.
      requestAnimationFrame(() => document.getElementById(step === 'sign' ? 'keys-sign' : 'keys-run-sheet')?.scrollIntoView({ block: 'start', behavior: 'smooth' }))
    }
  }
  return (
    <section className="guide" aria-label="Getting started">
      <div className="guide-head">
        <strong className="guide-title">Getting started</strong>
        <div className="guide-bar" role="progressbar" aria-label="Getting started progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress}>
          <div className="guide-bar-fill" style={{ width: `${progress}%` }} />
        </div>
        <span className="guide-count">
          {done.size} of {GUIDE_STEPS.length} done
        </span>
      </div>
      <ol className="guide-steps">
        {GUIDE_STEPS.map((step, index) => {
          const state = done.has(step) ? 'done' : step === next ? 'current' : 'todo'
          return (
            <li key={step} className={`guide-step guide-step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <button
                type="button"
                className="guide-step-button"
                aria-label={`Guide step ${index + 1}: ${STEP_TEXT[step].title}${state === 'done' ? ' (done)' : state === 'current' ? ' (next)' : ''}`}
                onClick={() => go(step)}
              >
                <span className="guide-step-mark" aria-hidden="true">
                  {state === 'done' ? '✓' : index + 1}
                </span>
                <span className="guide-step-title">{STEP_TEXT[step].title}</span>
              </button>
            </li>
          )
        })}
      </ol>
      <div className="guide-next">
        {next && (
          <>
            <p>{STEP_TEXT[next].next}</p>
            <button type="button" className="primary small" onClick={() => go(next)}>
              {STEP_TEXT[next].go}
            </button>
          </>
        )}
        <button type="button" className="ghost small" onClick={() => shellStore.getState().skipGuide()}>
          Skip guide
        </button>
      </div>
    </section>
  )
}
