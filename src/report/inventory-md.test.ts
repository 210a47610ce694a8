import { describe, expect, it } from 'vitest';
import { renderMarkdownTable } from './inventory-md.js';

describe('renderMarkdownTable', () => {
  it('escapes cells: pipes, line breaks, HTML, emphasis; keeps commas and quotes; aligns numbers right', () => {
    const table = renderMarkdownTable(
      ['Host', 'Count'],
      [
        ['a, b "quoted"', 1],
        ['<script>alert(1)</script>', 22],
        ['x|y\nnext *line*', 333],
        ['-', ''],
      ],
      ['left', 'right'],
    );
    expect(table).toMatchInlineSnapshot(`
      "| Host | Count |
      | --- | ---: |
      | a, b "quoted" | 1 |
      | &lt;script&gt;alert(1)&lt;/script&gt; | 22 |
      | x\\|y<br>next \\*line\\* | 333 |
      | - |   |
      "
    `);
  });
});
