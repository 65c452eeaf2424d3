// intstr.GetScaledValueFromIntOrPercent: a number is itself; "25%" is that share of `total`,
// rounded up (maxSurge) or down (maxUnavailable).
import type { IntOrString } from './deployment-types.js';

export class IntOrPercentError extends Error {
  override readonly name = 'IntOrPercentError';
}

export function valueFromIntOrPercent(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return Math.trunc(v);
  const m = /^(-?\d+)%$/.exec(v);
  if (!m?.[1]) throw new IntOrPercentError(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
