import { describe, expect, it } from 'vitest';
import { ConfigError, parseApiArgs } from './config.js';
import type { ApiConfig } from './config.js';

function parse(...extra: string[]): ApiConfig {
  const cfg = parseApiArgs(['--etcd-servers', 'http://127.0.0.1:2379', ...extra]);
  if (cfg === 'help') throw new Error('unexpected help');
  return cfg;
}

describe('api config: --event-ttl', () => {
  it('defaults to an hour, as kube-apiserver', () => {
    expect(parse().eventTtlSeconds).toBe(3600);
  });

  it('takes Go durations in whole seconds', () => {
    expect(parse('--event-ttl', '2h30m').eventTtlSeconds).toBe(9000);
    expect(parse('--event-ttl', '90s').eventTtlSeconds).toBe(90);
    expect(parse('--event-ttl', '1500ms').eventTtlSeconds).toBe(1);
  });

  it('refuses what is not a duration of at least a second', () => {
    for (const bad of ['', 'soon', '10', '500ms', '0s']) {
      expect(() => parse('--event-ttl', bad), bad).toThrow(ConfigError);
    }
    expect(() => parse('--event-ttl', 'soon')).toThrow('invalid --event-ttl "soon"');
  });
});
