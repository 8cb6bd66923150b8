/**
 * monaco, loaded on demand and bundled locally: the editor core, the contributions the JSON
 * view uses (completions, hovers, folding, find, go to error, formatting), the JSON language
 * service with the layout's JSON Schema, and its workers built by Vite (`?worker`), served
 * from the app's own origin (the CSP allows no other).
 */
import * as monaco from 'monaco-editor/editor/editor.api'
import 'monaco-editor/features/codicon/register'
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching'
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard'
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu'
import 'monaco-editor/editor/contrib/folding/browser/folding'
import 'monaco-editor/editor/contrib/format/browser/formatActions'
import 'monaco-editor/editor/contrib/gotoError/browser/gotoError'
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution'
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2'
import 'monaco-editor/editor/contrib/suggest/browser/suggestController'
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter'
import 'monaco-editor/features/find/register'
import { jsonDefaults } from 'monaco-editor/languages/features/json/register'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import JsonWorker from 'monaco-editor/language/json/json.worker?worker'
import { LAYOUT_JSON_SCHEMA } from '../../../core/editor/layout-schema.ts'

export const LAYOUT_MODEL_URI = 'inmemory://layout-studio/root.layout.json'

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'json' ? new JsonWorker({ name: 'json' }) : new EditorWorker({ name: 'editor' })
  },
}

jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: false,
  trailingCommas: 'error',
  enableSchemaRequest: false,
  schemaValidation: 'warning',
  schemas: [{ uri: 'inmemory://layout-studio/layout.schema.json', fileMatch: [LAYOUT_MODEL_URI], schema: LAYOUT_JSON_SCHEMA as unknown as object }],
})

export { monaco }
