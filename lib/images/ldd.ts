// Parsing `ldd` output: which shared libraries (and which dynamic loader) a binary needs, so an
// image built FROM scratch can carry them at the same paths.

/** Why a binary's libraries cannot be found. */
export class MissingLibraryError extends Error {
  override readonly name = 'MissingLibraryError';
  constructor(readonly libraries: readonly string[]) {
    super(`ldd reports libraries not found: ${libraries.join(', ')}`);
  }
}

/**
 * The absolute paths `ldd` lists: `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)` gives the
 * right-hand path, a bare `/lib64/ld-linux-x86-64.so.2 (0x...)` (the loader) gives that path, the
 * kernel's vDSO (no file) is skipped. "statically linked" / "not a dynamic executable" give [].
 * Throws MissingLibraryError when a library is "not found". Order kept, duplicates dropped.
 */
export function parseLddOutput(text: string): string[] {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || /statically linked|not a dynamic executable/.test(line)) continue;
    const arrow = /^(\S+)\s+=>\s+(.*)$/.exec(line);
    let path: string | undefined;
    if (arrow) {
      const [, name = '', rest = ''] = arrow;
      if (rest.startsWith('not found')) {
        missing.push(name);
        continue;
      }
      path = /^(\/\S+)/.exec(rest)?.[1];
    } else {
      path = /^(\/\S+)\s+\(0x[0-9a-f]+\)$/.exec(line)?.[1];
    }
    if (path !== undefined && !paths.includes(path)) paths.push(path);
  }
  if (missing.length > 0) throw new MissingLibraryError(missing);
  return paths;
}
