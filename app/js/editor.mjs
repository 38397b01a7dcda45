// Wharf's YAML editor: CodeMirror 6 over a <textarea> the page already has.
//
// The textarea stays the source of truth for the Rust side: every change in
// the editor is written back to it and announced with an `input` event, so
// the Leptos component listens to the textarea exactly as without the
// editor (and without JavaScript the plain textarea still works). Syntax
// errors are marked at their line as the user types (the `yaml` parser).

import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, HighlightStyle, indentOnInput, bracketMatching } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter } from '@codemirror/lint';
import { parseAllDocuments } from 'yaml';

/** Syntax errors of every document, as CodeMirror diagnostics. */
export function yamlDiagnostics(text) {
  const out = [];
  for (const doc of parseAllDocuments(text)) {
    for (const e of doc.errors ?? []) {
      const [from, to] = e.pos ?? [0, 0];
      out.push({
        from: Math.min(from, text.length),
        to: Math.min(Math.max(to, from + 1), text.length),
        severity: 'error',
        message: e.message.split('\n')[0],
      });
    }
  }
  return out;
}

/** YAML's token colours on a dark page (the default style is for light). */
const darkHighlightStyle = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: '#93c5fd' },
  { tag: [tags.string, tags.special(tags.string)], color: '#86efac' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: '#fcd34d' },
  { tag: [tags.keyword, tags.typeName, tags.labelName], color: '#f0abfc' },
  { tag: [tags.comment, tags.meta], color: '#9ca3af' },
  { tag: [tags.punctuation, tags.separator, tags.bracket], color: '#cbd5e1' },
  { tag: tags.invalid, color: '#fca5a5' },
]);

/** Whether the page is dark now: the switch's choice, else the system's. */
function pageIsDark() {
  const chosen = document.documentElement.dataset.theme;
  return chosen ? chosen === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
}

const yamlLinter = linter((view) => yamlDiagnostics(view.state.doc.toString()), { delay: 250 });

/** Puts an editor in place of `textarea`; returns its handle. */
export function mount(textarea) {
  let settingValue = false;
  const view = new EditorView({
    parent: textarea.parentNode,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(pageIsDark() ? darkHighlightStyle : defaultHighlightStyle),
        yaml(),
        lintGutter(),
        yamlLinter,
        keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': textarea.getAttribute('aria-label') || 'YAML', spellcheck: 'false', tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          // The page's own setValue is not an edit by the user.
          if (!settingValue) textarea.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      ],
    }),
  });
  textarea.after(view.dom);
  textarea.hidden = true;
  view.dom.dataset.editorFor = textarea.id;
  return {
    /** Replaces the text when the page changed it (not the user). */
    setValue(text) {
      const current = view.state.doc.toString();
      if (current === text) return;
      settingValue = true;
      try {
        view.dispatch({ changes: { from: 0, to: current.length, insert: text } });
      } finally {
        settingValue = false;
      }
    },
    destroy() {
      view.destroy();
      textarea.hidden = false;
    },
  };
}
