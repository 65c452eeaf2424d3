import { describe, expect, it } from 'vitest';
import { MissingLibraryError, parseLddOutput } from './ldd.js';

const NODE_LDD = `	linux-vdso.so.1 (0x00007ffd4c1f2000)
	libdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f4a027a1000)
	libstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f4a02400000)
	libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f4a026c1000)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f4a0221e000)
	/lib64/ld-linux-x86-64.so.2 (0x00007f4a027b9000)
`;

describe('parseLddOutput', () => {
  it('lists resolved libraries and the loader, skipping the vDSO', () => {
    expect(parseLddOutput(NODE_LDD)).toEqual([
      '/lib/x86_64-linux-gnu/libdl.so.2',
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib/x86_64-linux-gnu/libm.so.6',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('gives nothing for static binaries', () => {
    expect(parseLddOutput('\tstatically linked\n')).toEqual([]);
    expect(parseLddOutput('\tnot a dynamic executable\n')).toEqual([]);
  });

  it('drops duplicates and ignores vdso entries written with an arrow', () => {
    const text = 'linux-gate.so.1 =>  (0x00007fff)\nlibc.so.6 => /lib/libc.so.6 (0x1)\nlibc.so.6 => /lib/libc.so.6 (0x1)\n';
    expect(parseLddOutput(text)).toEqual(['/lib/libc.so.6']);
  });

  it('throws naming the libraries that are not found', () => {
    const text = 'libfoo.so.1 => not found\nlibc.so.6 => /lib/libc.so.6 (0x1)\nlibbar.so => not found\n';
    expect(() => parseLddOutput(text)).toThrow(MissingLibraryError);
    expect(() => parseLddOutput(text)).toThrow(/libfoo\.so\.1, libbar\.so/);
  });
});
