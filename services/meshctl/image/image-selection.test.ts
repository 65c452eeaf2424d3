import { describe, expect, it } from 'vitest';
import { LOCAL_IMAGE_TAGS, normalizeTag, reportLine, selectImages } from './image-selection.js';

describe('selectImages', () => {
  it('selects every image in build order when --only is absent', () => {
    const s = selectImages();
    expect([...s.wanted]).toEqual(LOCAL_IMAGE_TAGS);
    expect(LOCAL_IMAGE_TAGS).toEqual(['mesh/base:latest', 'mesh/pause:latest', 'mesh/demo-backend:v1', 'mesh/demo-backend:v2', 'mesh/demo-frontend:latest', 'mesh/proxy:latest']);
    expect(s).toMatchObject({ needsBase: true, onBase: true });
  });

  it('needs mesh/base for an image built on it, not for mesh/pause alone', () => {
    expect(selectImages(['mesh/demo-backend:v1'])).toMatchObject({ needsBase: true, onBase: true });
    expect(selectImages(['mesh/pause'])).toMatchObject({ needsBase: false, onBase: false });
    expect(selectImages(['mesh/base'])).toMatchObject({ needsBase: true, onBase: false });
  });

  it('takes names without a tag as :latest and rejects images it does not build', () => {
    expect([...selectImages(['mesh/proxy', 'mesh/demo-frontend']).wanted]).toEqual(['mesh/proxy:latest', 'mesh/demo-frontend:latest']);
    expect(() => selectImages(['mesh/demo-backend'])).toThrow(/unknown image "mesh\/demo-backend:latest"; meshctl builds mesh\/base:latest, /);
  });
});

describe('normalizeTag', () => {
  it('adds :latest only when the last path part has no tag', () => {
    expect(normalizeTag('mesh/base')).toBe('mesh/base:latest');
    expect(normalizeTag('mesh/demo-backend:v2')).toBe('mesh/demo-backend:v2');
    expect(normalizeTag('localhost:5000/x')).toBe('localhost:5000/x:latest');
  });
});

describe('reportLine', () => {
  it('says built with the time, up to date, or skipped with the reason', () => {
    expect(reportLine({ tag: 'mesh/base:latest', built: true, durationMs: 1234 })).toBe('mesh/base:latest: built (1.2s)');
    expect(reportLine({ tag: 'mesh/demo-backend:v1', built: false, durationMs: 3 })).toBe('mesh/demo-backend:v1: up to date');
    expect(reportLine({ tag: 'mesh/proxy:latest', built: false, skipped: 'services/proxy is not built yet' })).toBe('mesh/proxy: skipped (services/proxy is not built yet)');
  });
});
