import { describe, expect, it } from 'vitest';
import { sanitiseTerminalText } from './terminal-text.js';

describe('sanitiseTerminalText', () => {
  it.each([
    ['plain', 'rule 42: block\n\tnext', 'rule 42: block\n\tnext'],
    ['colour (CSI)', 'a\u001b[31mred\u001b[0m b', 'ared b'],
    ['cursor movement and erase', 'x\u001b[2J\u001b[1;1Hy', 'xy'],
    ['window title (OSC, BEL)', '\u001b]0;pwned\u0007note', 'note'],
    ['hyperlink (OSC, ST)', '\u001b]8;;http://evil\u001b\\click\u001b]8;;\u001b\\', 'click'],
    ['C1 CSI', 'a\u009b31mb', 'ab'],
    ['carriage return and backspace', 'safe\rEVIL\b', 'safe\\u000dEVIL\\u0008'],
    ['bare ESC', 'a\u001b', 'a\\u001b'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
  ])('%s', (_name, input, expected) => {
    expect(sanitiseTerminalText(input)).toBe(expected);
  });
});
