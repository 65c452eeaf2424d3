// helper.DefaultNormalizeScore: scales scores so the highest becomes 100 (or, reversed, the
// lowest raw score becomes 100). All zero stays all zero, or all 100 when reversed.
import { MAX_NODE_SCORE } from './interfaces.js';

export function defaultNormalizeScore(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    // Go's int64 division truncates.
    const s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
