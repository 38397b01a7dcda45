// Wharf's terminal: xterm.js with its fit add-on, served by Wharf itself as
// /pkg/terminal.js and loaded only by terminal pages.
//
// This module only draws: the websocket, the wire format and the reconnect
// logic are Rust (the page's wasm), which calls `mount` and gets keystrokes
// and size changes back through the two callbacks.

import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import css from '@xterm/xterm/css/xterm.css';

function addStyle() {
  if (document.getElementById('xterm-css')) return;
  const style = document.createElement('style');
  style.id = 'xterm-css';
  style.textContent = css;
  document.head.appendChild(style);
}

/**
 * Opens a terminal in `element`. `onData(string)` gets what the user types
 * or pastes; `onResize(cols, rows)` gets every size change (the terminal
 * follows its element, which follows the window).
 */
export function mount(element, onData, onResize) {
  addStyle();
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace',
    fontSize: 13,
    scrollback: 5000,
    theme: { background: '#111827', foreground: '#e5e7eb', cursor: '#e5e7eb' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(element);
  term.onData((data) => onData(data));
  term.onResize(({ cols, rows }) => onResize(cols, rows));
  const refit = () => {
    try { fit.fit(); } catch (_) { /* element hidden: keep the last size */ }
  };
  const observer = new ResizeObserver(refit);
  observer.observe(element);
  refit();
  term.focus();
  return {
    write: (bytes) => term.write(bytes),
    writeln: (text) => term.writeln(text),
    focus: () => term.focus(),
    size: () => [term.cols, term.rows],
    // The whole buffer as text (tests and "copy all").
    text: () => {
      const buffer = term.buffer.active;
      const lines = [];
      for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
    dispose: () => { observer.disconnect(); term.dispose(); },
  };
}
