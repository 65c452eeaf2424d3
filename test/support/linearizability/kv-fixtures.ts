/**
 * Terse constructors for hand-written kv histories in tests, so that each history reads like the
 * timeline diagrams in the literature: (client, call, return).
 */
import { KV_UNKNOWN } from './kv-model.js';
import type { KvInput, KvOperation } from './kv-model.js';

export interface At {
  client: number;
  call: number;
  ret: number;
}

export function at(client: number, call: number, ret: number): At {
  return { client, call, ret };
}

export function get(key: string, value: string | null, when: At): KvOperation {
  return { clientId: when.client, input: { kind: 'get', key }, call: when.call, return: when.ret, output: { value } };
}

export function put(key: string, value: string, when: At): KvOperation {
  return { clientId: when.client, input: { kind: 'put', key, value }, call: when.call, return: when.ret, output: {} };
}

export function del(key: string, when: At): KvOperation {
  return { clientId: when.client, input: { kind: 'delete', key }, call: when.call, return: when.ret, output: {} };
}

export function cas(key: string, expected: string | null, value: string, succeeded: boolean, when: At): KvOperation {
  return {
    clientId: when.client,
    input: { kind: 'cas', key, expected, value },
    call: when.call,
    return: when.ret,
    output: { succeeded },
  };
}

/** An op whose client never heard back: it may take effect any time after `call`, or never. */
export function lost(input: KvInput, client: number, call: number): KvOperation {
  return { clientId: client, input, call, return: Infinity, output: KV_UNKNOWN };
}
