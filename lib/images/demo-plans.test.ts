import { describe, expect, it } from 'vitest';
import { BASE_ID_LABEL } from './app-image-plan.js';
import { DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, DEMO_SHARED_PATH, demoPlans, demoServerPath } from './demo-plans.js';
import { planSources, sourceHash } from './image-plan.js';
import type { FileStamp, ImagePlan } from './image-plan.js';

const BASE_ID = `sha256:${'1'.repeat(64)}`;
const plans = demoPlans({ demoDir: '/checkout/demo', baseImageId: BASE_ID });

function byTag(tag: string, from: ImagePlan[] = plans): ImagePlan {
  const p = from.find((x) => x.tag === tag);
  if (p === undefined) throw new Error(`no plan for ${tag}`);
  return p;
}

function stamps(plan: ImagePlan, size = 100): Map<string, FileStamp> {
  return new Map(planSources(plan).map((s) => [s, { size, mtimeMs: 1_700_000_000_000 }]));
}

describe('demoPlans', () => {
  it('plans the two backend versions and the frontend', () => {
    expect(plans.map((p) => p.tag)).toEqual([DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND]);
    expect([DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND]).toEqual(['mesh/demo-backend:v1', 'mesh/demo-backend:v2', 'mesh/demo-frontend:latest']);
  });

  it('copies the server and the shared module under /app as in the checkout, and runs the server with node', () => {
    expect(byTag(DEMO_BACKEND_V2).dockerfile).toBe(
      [
        'FROM mesh/base:latest',
        `LABEL ${BASE_ID_LABEL}="${BASE_ID}"`,
        'COPY rootfs/ /',
        'ENV VERSION="v2"',
        'EXPOSE 8080',
        'WORKDIR /app',
        'CMD ["node", "/app/backend/server.mjs"]',
        '',
      ].join('\n'),
    );
    expect(byTag(DEMO_BACKEND_V1).rootfs).toEqual([
      { kind: 'dir', path: '/app', mode: 0o755 },
      { kind: 'dir', path: '/app/backend', mode: 0o755 },
      { kind: 'dir', path: '/app/shared', mode: 0o755 },
      { kind: 'file', path: '/app/backend/server.mjs', source: '/checkout/demo/backend/server.mjs' },
      { kind: 'file', path: '/app/shared/http-app.mjs', source: '/checkout/demo/shared/http-app.mjs' },
    ]);
    expect(planSources(byTag(DEMO_FRONTEND))).toEqual(['/checkout/demo/frontend/server.mjs', '/checkout/demo/shared/http-app.mjs']);
    expect(byTag(DEMO_FRONTEND).dockerfile).toContain('CMD ["node", "/app/frontend/server.mjs"]\n');
    expect(byTag(DEMO_FRONTEND).dockerfile).not.toContain('ENV VERSION');
    expect([demoServerPath('backend'), demoServerPath('frontend'), DEMO_SHARED_PATH]).toEqual(['/app/backend/server.mjs', '/app/frontend/server.mjs', '/app/shared/http-app.mjs']);
  });

  it('gives v1 and v2 different source hashes from the same file (VERSION differs)', () => {
    const v1 = byTag(DEMO_BACKEND_V1);
    const v2 = byTag(DEMO_BACKEND_V2);
    expect(sourceHash(v1, stamps(v1))).not.toBe(sourceHash(v2, stamps(v2)));
  });

  it('is stale when mesh/base was rebuilt or the server file or the shared module changed', () => {
    const v1 = byTag(DEMO_BACKEND_V1);
    const hash = sourceHash(v1, stamps(v1));
    const rebuiltBase = byTag(DEMO_BACKEND_V1, demoPlans({ demoDir: '/checkout/demo', baseImageId: `sha256:${'2'.repeat(64)}` }));
    expect(sourceHash(rebuiltBase, stamps(rebuiltBase))).not.toBe(hash);
    expect(sourceHash(v1, stamps(v1, 101))).not.toBe(hash);
    for (const source of planSources(v1)) {
      const changed = stamps(v1);
      changed.set(source, { size: 100, mtimeMs: 1_700_000_000_001 });
      expect(sourceHash(v1, changed), source).not.toBe(hash);
    }
    expect(sourceHash(byTag(DEMO_BACKEND_V1, demoPlans({ demoDir: '/checkout/demo', baseImageId: BASE_ID })), stamps(v1))).toBe(hash);
  });
});
