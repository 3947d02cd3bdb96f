import { gammaln } from 'simple-statistics';

/**
 * Tail probabilities of count distributions, in natural-log space.
 *
 * Insights need p-values down to 1e-12 and below at means in the thousands, where
 * `simple-statistics`' `poissonDistribution` overflows (e^-μ·μ^k/k! above μ ≈ 143) and
 * plain doubles underflow. Each tail is the log-pmf at the observed count (from
 * `gammaln`) times a sum of pmf ratios that converges geometrically beyond the mean.
 * Where that sum would converge too slowly (a very over-dispersed series: the ratio of
 * successive negative binomial terms tends to μ/(μ+r), close to 1 for a small size r and
 * a large mean), the upper tail is the regularized incomplete beta function instead,
 * P(X ≥ k) = I_q(k, r) with q = μ/(μ+r), from its continued fraction.
 * Checked against scipy over a grid of means, sizes and counts
 * (test/unit/stats/tails.test.ts; `npx tsx bench/reference/tails-accuracy.ts`).
 *
 * The negative binomial is parametrised by mean μ and size r (Var = μ + μ²/r): the
 * Poisson is its limit r → ∞, and real API call counts, which arrive in bursts, need the
 * extra variance.
 */

/** Size parameter above which the negative binomial is treated as Poisson. */
export const POISSON_SIZE = 1e7;

const LOG_EPS = Math.log(1e-14);
/**
 * Terms the upper-tail sum may take; beyond this the incomplete beta function is used.
 * A sum of ratio-q terms needs about ln(1e-14)/ln(q) ≈ 32/(1−q) terms to converge, so
 * this hands over at 1−q ≈ 0.016; measured, the continued fraction then converges within
 * a few hundred iterations, and the sum matches scipy to 1e-12 below the hand-over.
 */
const MAX_TERMS = 2_000;
/** Continued-fraction iterations: it converges in O(√max(a, b)) steps (≈ 5,000 at k = 10⁷). */
const MAX_CF_ITERATIONS = 100_000;
const CF_EPS = 1e-15;
const CF_TINY = 1e-300;

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
  // Slow geometric convergence: the sum would need more than MAX_TERMS terms.
  if (!poisson && -LOG_EPS / -Math.log(q) > MAX_TERMS) return logRegularizedBeta(k, size, q, size / (mu + size));
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
      if (bound < 1) return Math.min(0, logSum);
    }
  }
  // Not converged (a Poisson count far below its mean cannot get here: k > μ + 1).
  return poisson ? Math.min(0, logSum) : logRegularizedBeta(k, size, q, size / (mu + size));
}

/**
 * ln I_x(a, b), the regularized incomplete beta function, for x ∈ (0, 1) given with its
 * complement y = 1 − x (both computed directly, so neither loses digits near 0 or 1).
 * The continued fraction (modified Lentz) converges fast for x < (a+1)/(a+b+2); above it,
 * the symmetry I_x(a, b) = 1 − I_y(b, a) applies, where the result is not small.
 */
export function logRegularizedBeta(a: number, b: number, x: number, y: number): number {
  if (x <= 0) return Number.NEGATIVE_INFINITY;
  if (y <= 0) return 0;
  if (x > (a + 1) / (a + b + 2)) return log1mExp(logRegularizedBeta(b, a, y, x));
  const logFront = a * Math.log(x) + b * Math.log(y) - Math.log(a) - (gammaln(a) + gammaln(b) - gammaln(a + b));
  return Math.min(0, logFront + Math.log(betaContinuedFraction(a, b, x)));
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const clamp = (v: number) => (Math.abs(v) < CF_TINY ? CF_TINY : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= MAX_CF_ITERATIONS; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / clamp(1 + even * d);
    c = clamp(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / clamp(1 + odd * d);
    c = clamp(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < CF_EPS) return h;
  }
  return h;
}

/** ln P(X ≤ k) for X ~ NegBin(mean mu, size) (Poisson when size ≥ POISSON_SIZE). */
export function logLowerTail(k: number, mu: number, size: number = POISSON_SIZE): number {
  if (k < 0) return Number.NEGATIVE_INFINITY;
  if (mu <= 0) return 0;
  const poisson = size >= POISSON_SIZE;
  // Far above the mean the lower tail is 1 − (a tiny upper tail): exact from the upper tail.
  if (k >= mu + Math.sqrt(mu + (poisson ? 0 : (mu * mu) / size)) * 40) return log1mExp(logUpperTail(k + 1, mu, size));
  // A long sum down to 0 (it rounds at each of k steps): P(X ≤ k) = I_p(r, k+1), p = r/(μ+r).
  if (!poisson && k > MAX_TERMS) return logRegularizedBeta(size, k + 1, size / (mu + size), mu / (mu + size));
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
