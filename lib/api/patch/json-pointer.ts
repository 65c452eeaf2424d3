// JSON Pointer (RFC 6901), as JSON Patch paths use it: "" is the whole document, otherwise
// "/"-separated reference tokens in which "~1" stands for "/" and "~0" for "~".

/** The reference tokens of a pointer, or undefined if it is not a valid pointer. */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const tokens: string[] = [];
  for (const raw of pointer.slice(1).split('/')) {
    // "~" may only start "~0" or "~1".
    if (/~(?![01])/.test(raw)) return undefined;
    tokens.push(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return tokens;
}

/** The array index a token names: digits without leading zeros, below `limit` (inclusive if `allowEnd`). */
export function parseArrayIndex(token: string, length: number, allowEnd: boolean): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  if (index > length || (index === length && !allowEnd)) return undefined;
  return index;
}
