// The demo images (the seed documents' example: a frontend calling a backend deployed as v1 and
// v2): each is mesh/base plus one server file and the module the servers share, laid out under /app
// as in the checkout's demo/ folder, so the server's `../shared/http-app.mjs` import works in both. Pure.

import { posix } from 'node:path';
import { appImagePlan } from './app-image-plan.js';
import type { ImagePlan } from './image-plan.js';

export const DEMO_BACKEND_V1 = 'mesh/demo-backend:v1';
export const DEMO_BACKEND_V2 = 'mesh/demo-backend:v2';
export const DEMO_FRONTEND = 'mesh/demo-frontend:latest';
/** The port the demo servers listen on (their PORT default). */
export const DEMO_PORT = 8080;
/** A demo app: its server is demo/<app>/server.mjs in the checkout. */
export type DemoApp = 'backend' | 'frontend';
/** The folder in a demo image holding the same layout as the checkout's demo/ (and the WORKDIR). */
export const DEMO_APP_DIR = '/app';
/** Where the module shared by the demo servers lands in every demo image (demo/shared/http-app.mjs). */
export const DEMO_SHARED_PATH = posix.join(DEMO_APP_DIR, 'shared', 'http-app.mjs');

/** Where a demo app's server lands in its image (the image's CMD runs it with node). */
export function demoServerPath(app: DemoApp): string {
  return posix.join(DEMO_APP_DIR, app, 'server.mjs');
}

export interface DemoPlanInput {
  /** The checkout's demo/ folder (holds backend/server.mjs, frontend/server.mjs and shared/http-app.mjs). */
  demoDir: string;
  /** The ID of the present mesh/base:latest. */
  baseImageId: string;
}

function demoPlan(tag: string, app: DemoApp, input: DemoPlanInput, env: Array<[string, string]>): ImagePlan {
  return appImagePlan({
    tag,
    baseImageId: input.baseImageId,
    // appImagePlan adds /app, /app/<app> and /app/shared (0755).
    rootfs: [
      { kind: 'file', path: demoServerPath(app), source: posix.join(input.demoDir, app, 'server.mjs') },
      { kind: 'file', path: DEMO_SHARED_PATH, source: posix.join(input.demoDir, 'shared', 'http-app.mjs') },
    ],
    env,
    expose: [DEMO_PORT],
    workdir: DEMO_APP_DIR,
    cmd: ['node', demoServerPath(app)],
  });
}

/** mesh/demo-backend:v1, mesh/demo-backend:v2 (VERSION baked in) and mesh/demo-frontend:latest. */
export function demoPlans(input: DemoPlanInput): ImagePlan[] {
  return [
    demoPlan(DEMO_BACKEND_V1, 'backend', input, [['VERSION', 'v1']]),
    demoPlan(DEMO_BACKEND_V2, 'backend', input, [['VERSION', 'v2']]),
    demoPlan(DEMO_FRONTEND, 'frontend', input, []),
  ];
}
