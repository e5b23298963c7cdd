// How objectives and SLIs read as percentages, for every surface that writes them in
// words (the CLI's tables, the gate's reasons): one rule, so the same SLO never reads
// 99.9% in one place and 99.90% in another.

/** 0.999 -> `99.9%`: as many decimals as the objective has, at most four. */
export function objectivePercent(objective: number): string {
  const text = (objective * 100).toFixed(4).replace(/\.?0+$/, '');
  return `${text}%`;
}

/**
 * 0.99953 -> `99.953%`. Three decimals tell 99.9 % objectives apart; a ratio below 1
 * never shows as 100 % (and above 0 never as 0 %), since that would hide failures.
 */
export function sliPercent(sli: number): string {
  let text = (sli * 100).toFixed(3);
  if (sli < 1 && text === '100.000') text = '99.999';
  if (sli > 0 && text === '0.000') text = '0.001';
  return `${text}%`;
}
