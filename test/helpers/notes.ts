import { renderMessage, selectMessages, type Lang, type Message } from '../../src/report/messages/index.js';

/** Message codes in words, as the reports show them: English unless told otherwise. */
export function sayNotes(notes: readonly Message[], lang: Lang = 'en'): string[] {
  return notes.map((note) => renderMessage(selectMessages(lang), note));
}
