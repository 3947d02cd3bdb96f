import { gammaln } from 'simple-statistics';

/**
 * Tail probabilities of count distributions, in natural-log space.
 *
 * Insights need p-values down to 1e-12 and below at means in the thousands, where
 * `simple-statistics`' `poissonDistribution` overflows (e^-μ·μ^k/k! above μ ≈ 143) and
 * plain doubles underflow. Each tail is the log-pmf at the observed count (from
 * `gammaln`) times a sum of pmf ratios that converges geometrically beyond the mean.
 *
 * The negative binomial is parametrised by mean μ and size r (Var = μ + μ²/r): the
 * Poisson is its limit r → ∞, and real API call counts, which arrive in bursts, need the
 * extra variance.
 */

/** Size parameter above which the negative binomial is treated as Poisson. */
export const POISSON_SIZE = 1e7;

const LOG_EPS = Math.log(1e-14);
const MAX_TERMS = 100_000;

export function logPoissonPmf(k: number, mu: number): number {
  if (mu <= 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  return -mu + k * Math.log(mu) - gammaln(k + 1);
}

export function logNegBinPmf(k: number, mu: number, size: number): number {
  if (size >= POISSON_SIZE) return logPoissonPmf(k, mu);
  if (mu <= 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  const logQ = Math.log(mu / (mu + size)); // probability of a "failure" per trial
  const logP = Math.log(size / (mu + size));
  return gammaln(k + size) - gammaln(size) - gammaln(k + 1) + size * logP + k * logQ;
}

/** ln of a sum of terms given as logs. */
function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const max = Math.max(a, b);
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}

/** ln P(X ≥ k) for X ~ NegBin(mean mu, size) (Poisson when size ≥ POISSON_SIZE). */
export function logUpperTail(k: number, mu: number, size: number = POISSON_SIZE): number {
  if (k <= 0) return 0;
  if (mu <= 0) return Number.NEGATIVE_INFINITY;
  const poisson = size >= POISSON_SIZE;
  // At or below the mean the tail is large: compute it as 1 − P(X ≤ k−1), summed from 0.
  if (k <= mu + 1) return log1mExp(logLowerTail(k - 1, mu, size));
  const q = poisson ? 0 : mu / (mu + size);
  let logTerm = poisson ? logPoissonPmf(k, mu) : logNegBinPmf(k, mu, size);
  let logSum = logTerm;
  for (let j = k, n = 0; n < MAX_TERMS; j++, n++) {
    // pmf(j+1)/pmf(j): μ/(j+1) for Poisson, (j+r)/(j+1)·q for the negative binomial.
    const ratio = poisson ? mu / (j + 1) : ((j + size) / (j + 1)) * q;
    logTerm += Math.log(ratio);
    logSum = logSumExp(logSum, logTerm);
    if (logTerm - logSum < LOG_EPS) {
      // Remaining terms shrink at least geometrically once the ratio is below 1.
      const bound = poisson || size >= 1 ? ratio : q;
      if (bound < 1) break;
    }
  }
  return Math.min(0, logSum);
}

/** ln P(X ≤ k) for X ~ NegBin(mean mu, size) (Poisson when size ≥ POISSON_SIZE). */
export function logLowerTail(k: number, mu: number, size: number = POISSON_SIZE): number {
  if (k < 0) return Number.NEGATIVE_INFINITY;
  if (mu <= 0) return 0;
  const poisson = size >= POISSON_SIZE;
  if (k >= mu + Math.sqrt(mu + (poisson ? 0 : (mu * mu) / size)) * 40) return 0;
  let logTerm = poisson ? logPoissonPmf(k, mu) : logNegBinPmf(k, mu, size);
  let logSum = logTerm;
  const q = poisson ? 0 : mu / (mu + size);
  for (let j = k; j > 0; j--) {
    // pmf(j−1)/pmf(j), the inverse of the upward ratio.
    const ratio = poisson ? j / mu : j / ((j - 1 + size) * q);
    logTerm += Math.log(ratio);
    const next = logSumExp(logSum, logTerm);
    if (next - logSum < 1e-16 && logTerm - logSum < LOG_EPS) break;
    logSum = next;
  }
  return Math.min(0, logSum);
}

/** ln(1 − e^x) for x ≤ 0, accurate near both ends. */
function log1mExp(x: number): number {
  if (x >= 0) return Number.NEGATIVE_INFINITY;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}
