// The demo images (the seed documents' example: a frontend calling a backend deployed as v1 and
// v2): each is mesh/base plus one server file from the checkout's demo/ folder. Pure.

import { posix } from 'node:path';
import { appImagePlan } from './app-image-plan.js';
import type { ImagePlan } from './image-plan.js';

export const DEMO_BACKEND_V1 = 'mesh/demo-backend:v1';
export const DEMO_BACKEND_V2 = 'mesh/demo-backend:v2';
export const DEMO_FRONTEND = 'mesh/demo-frontend:latest';
/** The port the demo servers listen on (their PORT default). */
export const DEMO_PORT = 8080;
/** Where a demo server lands in its image. */
export const DEMO_SERVER_PATH = '/app/server.mjs';

export interface DemoPlanInput {
  /** The checkout's demo/ folder (holds backend/server.mjs and frontend/server.mjs). */
  demoDir: string;
  /** The ID of the present mesh/base:latest. */
  baseImageId: string;
}

function demoPlan(tag: string, source: string, baseImageId: string, env: Array<[string, string]>): ImagePlan {
  return appImagePlan({
    tag,
    baseImageId,
    rootfs: [
      { kind: 'dir', path: '/app', mode: 0o755 },
      { kind: 'file', path: DEMO_SERVER_PATH, source },
    ],
    env,
    expose: [DEMO_PORT],
    workdir: '/app',
    cmd: ['node', DEMO_SERVER_PATH],
  });
}

/** mesh/demo-backend:v1, mesh/demo-backend:v2 (VERSION baked in) and mesh/demo-frontend:latest. */
export function demoPlans(input: DemoPlanInput): ImagePlan[] {
  const backend = posix.join(input.demoDir, 'backend', 'server.mjs');
  const frontend = posix.join(input.demoDir, 'frontend', 'server.mjs');
  return [
    demoPlan(DEMO_BACKEND_V1, backend, input.baseImageId, [['VERSION', 'v1']]),
    demoPlan(DEMO_BACKEND_V2, backend, input.baseImageId, [['VERSION', 'v2']]),
    demoPlan(DEMO_FRONTEND, frontend, input.baseImageId, []),
  ];
}
