// ESC sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, DCS/PM/APC strings, two-byte escapes) and the C1 CSI.
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// Every other control character but newline and tab.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from data (Cloudflare rule notes, error messages, list names) made safe for a terminal: escape sequences
 * removed whole, other control characters shown as `\uXXXX`, so a value can neither recolour, retitle nor rewrite
 * the operator's screen. Newlines and tabs stay.
 */
export function sanitiseTerminalText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
