import { describe, expect, it } from 'vitest';
import { familiarImageRef, normalizeImageRef } from './image-ref.js';

describe('image references (Docker normalisation)', () => {
  it.each([
    ['mesh/base', 'docker.io/mesh/base:latest', 'mesh/base:latest'],
    ['mesh/base:latest', 'docker.io/mesh/base:latest', 'mesh/base:latest'],
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['localhost:5000/app', 'localhost:5000/app:latest', 'localhost:5000/app:latest'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['app@sha256:abcd', 'docker.io/library/app@sha256:abcd', 'app@sha256:abcd'],
  ])('%s', (ref, full, familiar) => {
    expect(normalizeImageRef(ref)).toBe(full);
    expect(familiarImageRef(ref)).toBe(familiar);
  });

  it('rejects empty and upper-case names', () => {
    expect(() => normalizeImageRef('')).toThrow(/invalid image reference/);
    expect(() => normalizeImageRef('Mesh')).toThrow(/invalid image reference/);
  });
});
