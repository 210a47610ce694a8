import type { Message, Messages } from './catalogue.js';
import { EN } from './en.js';
import { KO } from './ko.js';

export type { LedgerColumn, LedgerLabels, Message, Messages } from './catalogue.js';
export { LEDGER_COLUMNS } from './catalogue.js';

/** The one language type of every human-readable output (reports, ledger, demo). */
export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return (LANGS as readonly unknown[]).includes(value);
}

/** The catalogue of a language. */
export function selectMessages(lang: Lang): Messages {
  return lang === 'ko' ? KO : EN;
}

/** A message code with its parameters in words, in the catalogue's language. */
export function renderMessage(messages: Messages, message: Message): string {
  const say = (inner: Message): string => (messages.text[inner.code] as (m: Message, s: typeof say) => string)(inner, say);
  return say(message);
}
