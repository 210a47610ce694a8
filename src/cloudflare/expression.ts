import { parseNetwork, rangeToNetworks, type Network } from '../policy/network.js';
import type { ExpressionCountry, ExpressionList, ExpressionNetwork, ParsedExpression } from './objects/types.js';

/**
 * Reads what a Rules-language expression says about client IPs and countries (reference §5.2):
 * `ip.src in {203.0.113.7 198.51.100.0/24 2001:db8::/64}`, `ip.src eq 1.2.3.4`, `ip.src == …`, ranges
 * `{10.0.0.1..10.0.0.9}`, lists `ip.src in $blocked`, countries `ip.src.country in {"RU" "KP"}` / `ip.geoip.country
 * eq "RU"`, each marked negated under `not`/`!` or with `ne`/`!=`. Not a full parser: it only has to find the
 * literals compared with these fields, and everything else (other fields, functions, strings) is skipped safely.
 */
export function parseExpression(expression: string): ParsedExpression {
  const tokens = tokenize(expression);
  const networks: ExpressionNetwork[] = [];
  const countries: ExpressionCountry[] = [];
  const lists: ExpressionList[] = [];
  const problems: string[] = [];
  // One entry per open parenthesis: whether the group is negated (XOR with the groups around it).
  const groups: boolean[] = [];
  let pendingNot = false;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'word' && (token.text === 'not' || token.text === '!')) {
      pendingNot = !pendingNot;
      continue;
    }
    if (token.kind === 'open') {
      groups.push((groups.at(-1) ?? false) !== pendingNot);
      pendingNot = false;
      continue;
    }
    if (token.kind === 'close') {
      groups.pop();
      pendingNot = false;
      continue;
    }
    const field = token.kind === 'word' ? fieldKind(token.text) : undefined;
    if (field === undefined) {
      pendingNot = false;
      continue;
    }
    const operator = tokens[i + 1];
    const operand = tokens[i + 2];
    const op = operator?.kind === 'word' ? OPERATORS[operator.text.toLowerCase()] : undefined;
    if (op === undefined || operand === undefined) {
      pendingNot = false;
      continue;
    }
    const negated = ((groups.at(-1) ?? false) !== pendingNot) !== op.negates;
    pendingNot = false;
    let values: Token[];
    let next = i + 2;
    if (operand.kind === 'open-set') {
      const end = tokens.findIndex((t, j) => j > next && t.kind === 'close-set');
      const stop = end < 0 ? tokens.length : end;
      values = tokens.slice(next + 1, stop);
      next = stop;
    } else {
      values = [operand];
    }
    i = next;
    for (const value of values) {
      if (value.kind === 'comma') continue;
      if (field === 'ip') {
        if (value.kind === 'word' && value.text.startsWith('$')) {
          lists.push({ name: value.text.slice(1), negated });
          continue;
        }
        const text = value.text;
        const covered = parseNetworkOrRange(text);
        if (covered === undefined) problems.push(text);
        else networks.push({ text, networks: covered, negated });
      } else if (value.kind === 'string' || (value.kind === 'word' && /^[A-Za-z]{2}$/.test(value.text))) {
        const code = value.text.toUpperCase();
        if (/^[A-Z0-9]{2}$/.test(code)) countries.push({ code, negated });
        else problems.push(value.text);
      }
    }
  }
  return { networks, countries, lists, problems };
}

type TokenKind = 'word' | 'string' | 'open' | 'close' | 'open-set' | 'close-set' | 'comma';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const OPERATORS: Record<string, { negates: boolean }> = {
  in: { negates: false },
  eq: { negates: false },
  '==': { negates: false },
  ne: { negates: true },
  '!=': { negates: true },
};

const IP_FIELDS = new Set(['ip.src']);
const COUNTRY_FIELDS = new Set(['ip.src.country', 'ip.geoip.country']);

function fieldKind(text: string): 'ip' | 'country' | undefined {
  const lower = text.toLowerCase();
  if (IP_FIELDS.has(lower)) return 'ip';
  if (COUNTRY_FIELDS.has(lower)) return 'country';
  return undefined;
}

/** Splits on whitespace and punctuation; strings ("…", r"…", r#"…"#) are one token; `==`, `!=`, `&&` … stand alone. */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const raw = /^r(#*)"/.exec(input.slice(i, i + 20));
    if (raw) {
      const close = `"${raw[1]}`;
      const start = i + raw[0].length;
      const end = input.indexOf(close, start);
      const stop = end < 0 ? input.length : end;
      tokens.push({ kind: 'string', text: input.slice(start, stop) });
      i = stop + close.length;
      continue;
    }
    if (c === '"') {
      let text = '';
      let j = i + 1;
      while (j < input.length && input[j] !== '"') {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        text += input[j];
        j++;
      }
      tokens.push({ kind: 'string', text });
      i = j + 1;
      continue;
    }
    const single: Partial<Record<string, TokenKind>> = { '(': 'open', ')': 'close', '{': 'open-set', '}': 'close-set', ',': 'comma' };
    const kind = single[c];
    if (kind !== undefined) {
      tokens.push({ kind, text: c });
      i++;
      continue;
    }
    const op = /^(==|!=|>=|<=|&&|\|\||\^\^|!|<|>|~)/.exec(input.slice(i, i + 2));
    if (op) {
      tokens.push({ kind: 'word', text: op[1]! });
      i += op[1]!.length;
      continue;
    }
    const word = /^[^\s(){}",!=<>&|^~]+/.exec(input.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    i++;
  }
  return tokens;
}

/** An address, a CIDR, or a range `a..b` (as its CIDR cover); undefined when malformed. */
export function parseNetworkOrRange(text: string): Network[] | undefined {
  const dots = text.indexOf('..');
  if (dots < 0) {
    const network = parseNetwork(text);
    return network ? [network] : undefined;
  }
  const [firstText, lastText] = [text.slice(0, dots), text.slice(dots + 2)];
  if (firstText.includes('/') || lastText.includes('/')) return undefined;
  const first = parseNetwork(firstText);
  const last = parseNetwork(lastText);
  return first && last ? rangeToNetworks(first, last) : undefined;
}
