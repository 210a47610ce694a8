import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown } from './escape.js';

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"><svg onload=alert(1)>', '&quot;&gt;&lt;svg onload=alert(1)&gt;'],
    ["' onmouseover='x", '&#39; onmouseover=&#39;x'],
    ['a & b', 'a &amp; b'],
    ['&amp;', '&amp;amp;'],
    ['shop.luxeret.com', 'shop.luxeret.com'],
    ['룩세렛', '룩세렛'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
    ['nul\u0000esc\u001b[31m', 'nul\\u0000esc\\u001b[31m'],
    ['line\u2028sep', 'line\\u2028sep'],
    [42, '42'],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['line1\nline2\r\nline3', 'line1<br>line2<br>line3'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['*bold* _it_ `code` ~~x~~', '\\*bold\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~'],
    ['[link](javascript:alert(1))', '\\[link\\](javascript:alert(1))'],
    ['![img](http://x)', '!\\[img\\](http://x)'],
    ['back\\slash', 'back\\\\slash'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['1. item', '1\\. item'],
    ['> quote', '&gt; quote'],
    ['2026-11-25 09:30', '2026-11-25 09:30'],
    ['shop.luxeret.com', 'shop.luxeret.com'],
    ['tab\there', 'tab\\u0009here'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('leaves block syntax alone inside a table cell, where only inline syntax applies', () => {
    expect(escapeMarkdown('-', { isCell: true })).toBe('-');
    expect(escapeMarkdown('# not a heading | x', { isCell: true })).toBe('# not a heading \\| x');
    expect(escapeMarkdown('-')).toBe('\\-');
  });
});
