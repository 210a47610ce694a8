// Values in reports come from visitors' requests (hosts, paths, countries) and from API responses: none is trusted.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for HTML and SVG, in element content and in quoted attribute values alike. Control characters
 * (which XML forbids and a terminal would act on) are shown as `\u0000`-style escapes, never passed through.
 */
export function escapeHtml(value: string | number): string {
  return showControls(String(value)).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

// Markdown punctuation that acts anywhere in a line: emphasis, links and images, code spans, strikethrough, cells.
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g;
// ...and what acts only at the start of a block: headings, list items, quotes, setext underlines, numbered lists.
const MARKDOWN_BLOCK_START = /^(\s*)(#|[+\-=](?=\s|$)|\d+[.)](?=\s|$))/;

/**
 * Text for one Markdown table cell (or inline text): HTML is entity-escaped (renderers pass raw HTML through),
 * Markdown punctuation and `|` are backslash-escaped, and line breaks become `<br>` so a value stays in its cell.
 */
export function escapeMarkdown(value: string | number, options: { isCell?: boolean } = {}): string {
  // Control characters last: their `\u0000` form must not be escaped again (a backslash before a letter is literal).
  let escaped = String(value)
    .replace(/[&<>]/g, (ch) => HTML_ESCAPES[ch]!)
    .replace(MARKDOWN_SPECIAL, (ch) => `\\${ch}`);
  // Inside a table cell only inline syntax applies: a `-` or `1.` there starts nothing.
  if (options.isCell !== true) {
    escaped = escaped.replace(MARKDOWN_BLOCK_START, (_all, space: string, mark: string) => `${space}${mark.slice(0, -1)}\\${mark.slice(-1)}`);
  }
  escaped = escaped.replace(/\r\n|\r|\n/g, '<br>');
  return showControls(escaped, true);
}

const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

const CONTROLS_AND_TAB = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

function showControls(text: string, tabsToo = false): string {
  return text.replace(tabsToo ? CONTROLS_AND_TAB : CONTROLS, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
