/** JSON columns hold arrays of strings we wrote ourselves; anything else means corruption. */
export function readStringArray(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new TypeError('corrupt string-array column');
  return value;
}
