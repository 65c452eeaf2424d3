// Every definition the server knows, by its OpenAPI name.
import type { Schema } from '../dsl.js';
import { APPS_V1_DEFINITIONS } from './apps-v1.js';
import { COORDINATION_V1_DEFINITIONS } from './coordination-v1.js';
import { CORE_V1_DEFINITIONS } from './core-v1.js';
import { DISCOVERY_V1_DEFINITIONS } from './discovery-v1.js';
import { ISTIO_NETWORKING_DEFINITIONS } from './istio-networking.js';
import { ISTIO_SECURITY_DEFINITIONS } from './istio-security.js';
import { META_V1_DEFINITIONS } from './meta-v1.js';
import { RBAC_V1_DEFINITIONS } from './rbac-v1.js';
import { SUBRESOURCE_DEFINITIONS } from './subresources-v1.js';

export const DEFINITIONS: ReadonlyMap<string, Schema> = new Map(
  Object.entries({
    ...META_V1_DEFINITIONS,
    ...CORE_V1_DEFINITIONS,
    ...APPS_V1_DEFINITIONS,
    ...DISCOVERY_V1_DEFINITIONS,
    ...COORDINATION_V1_DEFINITIONS,
    ...RBAC_V1_DEFINITIONS,
    ...SUBRESOURCE_DEFINITIONS,
    ...ISTIO_NETWORKING_DEFINITIONS,
    ...ISTIO_SECURITY_DEFINITIONS,
  }),
);

export function definition(name: string): Schema | undefined {
  return DEFINITIONS.get(name);
}
