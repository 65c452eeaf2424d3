import { describe, expect, it } from 'vitest';
import { parseBuildOutput } from './build-output.js';

describe('parseBuildOutput', () => {
  it('collects the log and the image ID of a successful build', () => {
    const text = [
      '{"stream":"Step 1/3 : FROM scratch\\n"}',
      '{"stream":"Step 2/3 : COPY rootfs/ /\\n"}',
      '{"aux":{"ID":"sha256:abc"}}',
      '{"stream":"Successfully built abc\\n"}',
      '',
    ].join('\n');
    expect(parseBuildOutput(text)).toEqual({
      log: 'Step 1/3 : FROM scratch\nStep 2/3 : COPY rootfs/ /\nSuccessfully built abc\n',
      imageId: 'sha256:abc',
      error: undefined,
    });
  });

  it('reports the error of a failed build', () => {
    const text = '{"stream":"Step 1/2 : FROM scratch\\n"}\n{"errorDetail":{"message":"COPY failed: no source files"},"error":"COPY failed: no source files"}\n';
    const r = parseBuildOutput(text);
    expect(r.error).toBe('COPY failed: no source files');
    expect(r.imageId).toBeUndefined();
  });

  it('keeps lines that are not JSON in the log', () => {
    expect(parseBuildOutput('plain text\n').log).toBe('plain text\n');
  });
});
