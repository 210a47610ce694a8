/** A window in seconds as its largest whole unit: `[31, 'day']`, `[36, 'hour']`; each language words the unit. */
export function splitWindow(seconds: number): [number, 'day' | 'hour' | 'minute' | 'second'] {
  if (seconds % 86_400 === 0) return [seconds / 86_400, 'day'];
  if (seconds % 3_600 === 0) return [seconds / 3_600, 'hour'];
  if (seconds % 60 === 0) return [seconds / 60, 'minute'];
  return [seconds, 'second'];
}
